use super::*;

const ROUTES: &str =
    r#"{"DE": "https://de.example", "EU": "https://eu.example", "default": "https://www.example"}"#;

fn problem_keys(vars: &[(&str, &str)]) -> Vec<String> {
    let error = Settings::from_vars(vars).unwrap_err();
    error
        .problems()
        .iter()
        .map(|p| p.key().to_string())
        .collect()
}

#[test]
fn defaults_are_safe() {
    let s = Settings::from_vars(&[("ROUTES", ROUTES)]).unwrap();
    assert_eq!(s.platform, None);
    assert_eq!(s.mode, Mode::Redirect);
    assert_eq!(s.redirect_status, StatusCode::FOUND);
    assert_eq!(s.timeout, Duration::from_millis(5000));
    assert!(!s.debug_header && !s.allow_override);
    assert_eq!(s.block_message, DEFAULT_BLOCK_MESSAGE);
    // Without a platform nothing about the visitor is read, so nothing varies.
    assert_eq!(s.vary(), None);
}

#[test]
fn vary_names_the_headers_the_answer_depends_on() {
    let s = Settings::from_vars(&[("ROUTES", ROUTES), ("PLATFORM", "cloudflare")]).unwrap();
    assert_eq!(s.vary().as_deref(), Some("cf-ipcountry"));
    let s = Settings::from_vars(&[
        (
            "ROUTES",
            r#"{"office": "https://o.example", "default": "https://www.example"}"#,
        ),
        ("IP_RULES", r#"{"10.0.0.0/8": "office"}"#),
        ("PLATFORM", "fastedge"),
    ])
    .unwrap();
    assert_eq!(s.vary().as_deref(), Some("x-real-ip"));
    let s = Settings::from_vars(&[
        ("ROUTES", r#"{"default": "https://www.example"}"#),
        ("BLOCK_COUNTRIES", "RU, BY"),
        ("PLATFORM", "generic"),
    ])
    .unwrap();
    assert_eq!(s.vary().as_deref(), Some("x-geo-country"));
    assert_eq!(s.blocked.len(), 2);
}

#[test]
fn every_bad_key_is_named() {
    assert_eq!(problem_keys(&[]), ["ROUTES"]);
    assert_eq!(problem_keys(&[("ROUTES", "{not json")]), ["ROUTES"]);
    assert_eq!(
        problem_keys(&[("ROUTES", r#"{"default": "eu.example.com"}"#)]),
        ["ROUTES"]
    );
    assert_eq!(
        problem_keys(&[("ROUTES", r#"{"DE": "https://de.example"}"#)]),
        ["ROUTES"]
    );
    // Each key's own problems are all reported at once.
    assert_eq!(
        problem_keys(&[
            ("ROUTES", ROUTES),
            ("PLATFORM", "akamai"),
            ("GROUPS", r#"{"DACH": ["DE", "at"]}"#),
            ("IP_RULES", r#"{"10.0.0.0/33": "DE"}"#),
            ("MODE", "teleport"),
            ("BLOCK_COUNTRIES", "RU, Russia"),
            ("DEBUG_HEADER", "maybe"),
        ]),
        [
            "PLATFORM",
            "GROUPS",
            "IP_RULES",
            "MODE",
            "BLOCK_COUNTRIES",
            "DEBUG_HEADER"
        ]
    );
    assert_eq!(
        problem_keys(&[("ROUTES", ROUTES), ("GROUPS", "[1, 2]")]),
        ["GROUPS"]
    );
    assert_eq!(
        problem_keys(&[("ROUTES", ROUTES), ("IP_RULES", "{")]),
        ["IP_RULES"]
    );
    assert_eq!(
        problem_keys(&[("ROUTES", ROUTES), ("FALLBACK", "EU, US")]),
        ["FALLBACK"]
    );
    assert_eq!(
        problem_keys(&[("ROUTES", ROUTES), ("REDIRECT_STATUS", "303")]),
        ["REDIRECT_STATUS"]
    );
    assert_eq!(
        problem_keys(&[("ROUTES", ROUTES), ("TIMEOUT_MS", "0")]),
        ["TIMEOUT_MS"]
    );
}

/// The keys `edgekit::config` reads for [`Config`], in its order, with the
/// problems it finds; and the same for this component's own reader.
fn sdk_problems(vars: &[(&str, &str)]) -> Result<(), Vec<String>> {
    edgekit::config::load_from::<crate::config::Config, _>(vars.iter().copied())
        .map(drop)
        .map_err(|e| e.problems().iter().map(|p| p.key().to_string()).collect())
}

fn own_problems(vars: &[(&str, &str)]) -> Result<(), Vec<String>> {
    let source = |key: &str| {
        vars.iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.to_string())
    };
    let mut params = Params::new(&source);
    read_each_key(&mut params);
    params
        .finish()
        .map_err(|e| e.problems().iter().map(|p| p.key().to_string()).collect())
}

/// Reads every key as `Settings::read` does, without the checks across keys.
fn read_each_key(params: &mut Params<'_>) {
    let _ = Settings::read_keys(params);
}

#[test]
fn each_key_reads_by_the_sdks_rules() {
    let good = [("ROUTES", ROUTES)];
    let cases: &[&[(&str, &str)]] = &[
        &[],
        &good,
        &[("ROUTES", "")],
        &[("ROUTES", "[]")],
        &[("ROUTES", r#"{"DE": 1, "default": "https://www.example"}"#)],
        &[("ROUTES", r#"{"default": "https://www.example"} x"#)],
        &[("ROUTES", ROUTES), ("PLATFORM", "")],
        &[("ROUTES", ROUTES), ("PLATFORM", "  ")],
        &[("ROUTES", ROUTES), ("PLATFORM", "Cloudflare")],
        &[("ROUTES", ROUTES), ("PLATFORM", " fastly ")],
        &[("ROUTES", ROUTES), ("PLATFORM", "akamai")],
        &[("ROUTES", ROUTES), ("GROUPS", "")],
        &[("ROUTES", ROUTES), ("GROUPS", "{}")],
        &[("ROUTES", ROUTES), ("GROUPS", r#"{"DACH": "DE"}"#)],
        &[("ROUTES", ROUTES), ("GROUPS", r#"{"DACH": [" DE"]}"#)],
        &[("ROUTES", ROUTES), ("GROUPS", r#"{"DACH": ["DE", 1]}"#)],
        &[("ROUTES", ROUTES), ("IP_RULES", r#"{"10.0.0.0/8": 1}"#)],
        &[("ROUTES", ROUTES), ("IP_RULES", r#"{"10.0.0.1": "DE"}"#)],
        &[
            ("ROUTES", ROUTES),
            ("IP_RULES", r#"[["10.0.0.0/8", "DE"]]"#),
        ],
        &[("ROUTES", ROUTES), ("MODE", "")],
        &[("ROUTES", ROUTES), ("MODE", "PROXY")],
        &[("ROUTES", ROUTES), ("MODE", "redirect ")],
        &[("ROUTES", ROUTES), ("REDIRECT_STATUS", "308")],
        &[("ROUTES", ROUTES), ("REDIRECT_STATUS", "302 ")],
        &[("ROUTES", ROUTES), ("REDIRECT_STATUS", "found")],
        &[("ROUTES", ROUTES), ("FALLBACK", "")],
        &[("ROUTES", ROUTES), ("FALLBACK", " EU , , DE ")],
        &[("ROUTES", ROUTES), ("FALLBACK", r#"["EU", "DE"]"#)],
        &[("ROUTES", ROUTES), ("FALLBACK", r#"["EU", 1]"#)],
        &[("ROUTES", ROUTES), ("FALLBACK", "[EU]")],
        &[("ROUTES", ROUTES), ("TIMEOUT_MS", "")],
        &[("ROUTES", ROUTES), ("TIMEOUT_MS", " 2_500 ")],
        &[("ROUTES", ROUTES), ("TIMEOUT_MS", "-1")],
        &[("ROUTES", ROUTES), ("TIMEOUT_MS", "1.5")],
        &[("ROUTES", ROUTES), ("TIMEOUT_MS", "99999999999999999999")],
        &[("ROUTES", ROUTES), ("BLOCK_COUNTRIES", "")],
        &[("ROUTES", ROUTES), ("BLOCK_COUNTRIES", "RU,BY")],
        &[("ROUTES", ROUTES), ("BLOCK_COUNTRIES", r#"["RU", "by"]"#)],
        &[("ROUTES", ROUTES), ("BLOCK_COUNTRIES", r#"["RU", " BY"]"#)],
        &[("ROUTES", ROUTES), ("BLOCK_MESSAGE", "")],
        &[("ROUTES", ROUTES), ("BLOCK_MESSAGE", " Not here ")],
        &[("ROUTES", ROUTES), ("DEBUG_HEADER", "")],
        &[("ROUTES", ROUTES), ("DEBUG_HEADER", " YES ")],
        &[("ROUTES", ROUTES), ("DEBUG_HEADER", "off")],
        &[("ROUTES", ROUTES), ("ALLOW_OVERRIDE", "2")],
        &[
            ("ROUTES", "{"),
            ("PLATFORM", "x"),
            ("GROUPS", "[]"),
            ("IP_RULES", r#"{"nope": "DE"}"#),
            ("MODE", "x"),
            ("REDIRECT_STATUS", "303"),
            ("FALLBACK", "[1]"),
            ("TIMEOUT_MS", "soon"),
            ("BLOCK_COUNTRIES", "xx"),
            ("DEBUG_HEADER", "x"),
            ("ALLOW_OVERRIDE", "x"),
        ],
    ];
    for vars in cases {
        assert_eq!(own_problems(vars), sdk_problems(vars), "{vars:?}");
    }
}

#[test]
fn the_reader_reads_exactly_the_declared_keys() {
    let asked = std::cell::RefCell::new(Vec::new());
    let source = |key: &str| {
        asked.borrow_mut().push(key.to_string());
        None
    };
    let mut params = Params::new(&source);
    read_each_key(&mut params);
    let declared: Vec<String> = edgekit::config::keys::<crate::config::Config>()
        .into_iter()
        .map(|key| key.name)
        .collect();
    assert_eq!(*asked.borrow(), declared);
}

#[test]
fn the_options_are_the_declared_ones() {
    use edgekit::config::Kind;
    let declared = |name: &str| -> Vec<String> {
        let keys = edgekit::config::keys::<crate::config::Config>();
        match &keys.iter().find(|k| k.name == name).unwrap().kind {
            Kind::Enum(options) => options.iter().map(|o| o.to_string()).collect(),
            other => panic!("{name}: {other:?}"),
        }
    };
    let names = |options: &[(&str, _)]| -> Vec<String> {
        options.iter().map(|(n, _)| n.to_string()).collect()
    };
    assert_eq!(
        names(&PlatformName::OPTIONS.map(|(n, _)| (n, ()))),
        declared("PLATFORM")
    );
    assert_eq!(
        names(&Mode::OPTIONS.map(|(n, _)| (n, ()))),
        declared("MODE")
    );
    assert_eq!(
        names(&RedirectStatus::OPTIONS.map(|(n, _)| (n, ()))),
        declared("REDIRECT_STATUS")
    );
}

#[test]
fn a_name_given_twice_is_refused() {
    assert_eq!(
        problem_keys(&[(
            "ROUTES",
            r#"{"default": "https://a.example", "default": "https://b.example"}"#
        )]),
        ["ROUTES"]
    );
}
