//! Parsing edge cases of [`load_from`](super::load_from).

use std::collections::HashMap;

use serde::Deserialize;

use super::{ConfigError, Kind, Secret, keys, load_from};

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Fit {
    ScaleDown,
    Cover,
}

#[derive(Deserialize, Debug)]
struct Full {
    s3_bucket: String,
    #[serde(default)]
    max_width: u32,
    ratio: Option<f64>,
    strict: Option<bool>,
    widths: Option<Vec<u16>>,
    routes: Option<HashMap<String, String>>,
    fit: Option<Fit>,
    #[serde(rename = "TOKEN")]
    token: Option<Secret<String>>,
    json_value: Option<serde_json::Value>,
}

fn err<T: for<'de> Deserialize<'de> + std::fmt::Debug>(vars: &[(&str, &str)]) -> ConfigError {
    load_from::<T, _>(vars.iter().copied()).unwrap_err()
}

#[test]
fn every_type_parses() {
    let config: Full = load_from([
        ("S3_BUCKET", "photos"),
        ("MAX_WIDTH", "4_096"),
        ("RATIO", " 1.5 "),
        ("STRICT", "Yes"),
        ("WIDTHS", "320, 640,,1280"),
        ("ROUTES", r#"{"DE": "https://eu.example.com"}"#),
        ("FIT", "scale-down"),
        ("TOKEN", "hunter2"),
        ("JSON_VALUE", r#"[1, {"a": true}]"#),
    ])
    .unwrap();
    assert_eq!(config.s3_bucket, "photos");
    assert_eq!(config.max_width, 4096);
    assert_eq!(config.ratio, Some(1.5));
    assert_eq!(config.strict, Some(true));
    assert_eq!(config.widths, Some(vec![320, 640, 1280]));
    assert_eq!(config.routes.unwrap()["DE"], "https://eu.example.com");
    assert_eq!(config.fit, Some(Fit::ScaleDown));
    assert_eq!(config.token.unwrap().expose(), "hunter2");
    assert_eq!(config.json_value.unwrap()[1]["a"], true);
}

#[test]
fn defaults_and_blank_optionals() {
    let config: Full = load_from([("S3_BUCKET", "b"), ("RATIO", ""), ("FIT", "  ")]).unwrap();
    assert_eq!(config.max_width, 0);
    assert_eq!(config.ratio, None);
    assert_eq!(config.fit, None);
    assert!(config.token.is_none());
}

#[test]
fn bools_accept_the_usual_spellings_only() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        flag: bool,
    }
    for (text, want) in [
        ("true", true),
        ("TRUE", true),
        ("1", true),
        ("yes", true),
        ("on", true),
        ("false", false),
        ("0", false),
        ("No", false),
        ("off", false),
    ] {
        let c: C = load_from([("FLAG", text)]).unwrap();
        assert_eq!(c.flag, want, "{text}");
    }
    assert_eq!(
        err::<C>(&[("FLAG", "maybe")]).to_string(),
        r#"FLAG: expected true or false, got "maybe""#
    );
}

#[test]
fn the_issue_example_names_every_bad_key_in_field_order() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        s3_bucket: String,
        max_width: u32,
    }
    assert_eq!(
        err::<C>(&[("MAX_WIDTH", "wide")]).to_string(),
        r#"missing S3_BUCKET; MAX_WIDTH: expected an integer, got "wide""#
    );
}

#[test]
fn many_problems_at_once() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        a: String,
        b: u8,
        c: bool,
        d: String,
        e: Fit,
        f: Vec<u32>,
        g: HashMap<String, u32>,
        h: url_like::Origin,
    }
    let e = err::<C>(&[
        ("B", "300"),
        ("C", "maybe"),
        ("E", "stretch"),
        ("F", "1,x,3"),
        ("G", "{oops"),
        ("H", "ftp://x"),
    ]);
    let keys: Vec<&str> = e.problems().iter().map(|p| p.key()).collect();
    assert_eq!(keys, ["A", "B", "C", "D", "E", "F", "G", "H"]);
    let text = e.to_string();
    assert!(text.contains("missing A"), "{text}");
    assert!(text.contains("missing D"), "{text}");
    assert!(
        text.contains(r#"B: expected an integer from 0 to 255, got "300""#),
        "{text}"
    );
    assert!(
        text.contains(r#"E: expected one of scale-down, cover, got "stretch""#),
        "{text}"
    );
    assert!(text.contains(r#"F: expected an integer"#), "{text}");
    assert!(text.contains("G: expected valid JSON"), "{text}");
    assert!(text.contains("H: origin must be http(s)"), "{text}");
}

/// A type that validates its text, like `url::Url`.
mod url_like {
    #[derive(Debug)]
    pub struct Origin;
    impl<'de> serde::Deserialize<'de> for Origin {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            if text.starts_with("http://") || text.starts_with("https://") {
                Ok(Origin)
            } else {
                Err(serde::de::Error::custom("origin must be http(s)"))
            }
        }
    }
}

#[test]
fn secrets_never_appear_in_errors() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        pin: Secret<u32>,
        key: Secret<url_like::Origin>,
        map: Secret<HashMap<String, String>>,
    }
    let e = err::<C>(&[("PIN", "hunter2"), ("KEY", "hunter3"), ("MAP", "{hunter4")]);
    let text = e.to_string();
    assert_eq!(e.problems().len(), 3, "{text}");
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(!text.contains(secret), "{text}");
        assert!(!format!("{e:?}").contains(secret));
    }
    assert!(text.contains("PIN: expected an integer"), "{text}");
}

#[test]
fn enums_match_names_case_insensitively() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        fit: Fit,
    }
    let c: C = load_from([("FIT", "COVER")]).unwrap();
    assert_eq!(c.fit, Fit::Cover);
}

#[test]
fn lists_take_json_arrays_too() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        names: Vec<String>,
    }
    let c: C = load_from([("NAMES", r#"["a,b", "c"]"#)]).unwrap();
    assert_eq!(c.names, ["a,b", "c"]);
    let c: C = load_from([("NAMES", "")]).unwrap();
    assert!(c.names.is_empty());
}

#[test]
fn trailing_json_is_refused() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        routes: HashMap<String, String>,
    }
    assert!(
        err::<C>(&[("ROUTES", r#"{"a":"b"} x"#)])
            .to_string()
            .starts_with("ROUTES: expected valid JSON")
    );
}

#[test]
fn keys_lists_names_kinds_and_secrets() {
    let keys = keys::<Full>();
    let summary: Vec<(&str, Kind, bool)> = keys
        .iter()
        .map(|k| (k.name.as_str(), k.kind.clone(), k.secret))
        .collect();
    assert_eq!(
        summary,
        [
            ("S3_BUCKET", Kind::String, false),
            ("MAX_WIDTH", Kind::Integer, false),
            ("RATIO", Kind::Number, false),
            ("STRICT", Kind::Bool, false),
            ("WIDTHS", Kind::List, false),
            ("ROUTES", Kind::Json, false),
            ("FIT", Kind::Enum(vec!["scale-down", "cover"]), false),
            ("TOKEN", Kind::String, true),
            ("JSON_VALUE", Kind::Json, false),
        ]
    );
}

#[test]
fn a_config_type_must_be_a_struct() {
    let e = load_from::<HashMap<String, String>, _>([("A", "b")]).unwrap_err();
    assert!(e.to_string().contains("must be a struct"), "{e}");
}

#[test]
fn a_platform_field_is_an_enum_that_keeps_the_other_problems() {
    use crate::geo::Platform;
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct C {
        platform: Option<Platform>,
        port: u16,
    }
    let c: C = load_from([("PLATFORM", "Cloudflare"), ("PORT", "80")]).unwrap();
    assert_eq!(c.platform, Some(Platform::Cloudflare));
    let e = err::<C>(&[("PLATFORM", "akamai"), ("PORT", "x")]);
    assert_eq!(e.problems().len(), 2, "{e}");
    assert_eq!(
        keys::<C>()[0].kind,
        Kind::Enum(vec!["fastedge", "cloudflare", "fastly", "generic"])
    );
    let json: Platform = serde_json::from_str("\"fastly\"").unwrap();
    assert_eq!(json, Platform::Fastly);
}
