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
