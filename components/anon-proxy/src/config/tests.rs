//! Parameters as an operator writes them, through the SDK's loader.

use super::*;
use edgekit::config::load_from;

fn load(vars: &[(&str, &str)]) -> Result<Config, String> {
    load_from::<Config, _>(vars.iter().copied()).map_err(|e| e.to_string())
}

#[test]
fn defaults_are_safe_and_documented() {
    let config = load(&[("ALLOWED_HOSTS", "example.com")]).unwrap();
    assert_eq!(config.redirect_mode, RedirectMode::Follow);
    assert_eq!(config.max_redirects, 5);
    assert_eq!(config.max_response_bytes, 50 * 1024 * 1024);
    assert_eq!(config.timeout_ms, 10_000);
    assert_eq!(config.user_agent.0, DEFAULT_USER_AGENT);
    assert!(config.allowed_ports.is_empty() && config.forward_headers.is_empty());
    assert!(
        !config.open_proxy && config.access_token.is_none() && config.cors_allow_origin.is_none()
    );
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn every_parameter_parses() {
    let config = load(&[
        ("ALLOWED_HOSTS", "example.com, *.cdn.example"),
        ("DENIED_HOSTS", "admin.example.com"),
        ("ALLOWED_PORTS", "443, 8443"),
        ("ALLOWED_METHODS", "post, PUT"),
        ("ACCESS_TOKEN", "s3cret"),
        ("OPEN_PROXY", "no"),
        ("FORWARD_HEADERS", "DNT, content-type"),
        ("USER_AGENT", "Fetcher/2"),
        ("REDIRECT_MODE", "rewrite"),
        ("MAX_REDIRECTS", "3"),
        ("MAX_RESPONSE_BYTES", "1048576"),
        ("TIMEOUT_MS", "2500"),
        ("CORS_ALLOW_ORIGIN", "https://app.example"),
    ])
    .unwrap();
    assert_eq!(config.allowed_hosts.len(), 2);
    assert_eq!(
        config.denied_hosts,
        [HostPattern::Exact("admin.example.com".into())]
    );
    assert_eq!(config.allowed_ports, [443, 8443]);
    assert_eq!(
        config.allowed_methods,
        [MethodName(Method::POST), MethodName(Method::PUT)]
    );
    assert_eq!(
        config.access_token.as_ref().map(|t| t.expose().as_str()),
        Some("s3cret")
    );
    assert_eq!(config.forward_headers[0].0, "dnt");
    assert_eq!(config.redirect_mode, RedirectMode::Rewrite);
    assert_eq!(
        (
            config.max_redirects,
            config.max_response_bytes,
            config.timeout_ms
        ),
        (3, 1 << 20, 2500)
    );
    assert_eq!(config.cors_allow_origin.unwrap().0, "https://app.example");
}

#[test]
fn bad_values_are_reported_by_key() {
    let cases = [
        ("ALLOWED_HOSTS", "https://example.com/"),
        ("DENIED_HOSTS", "example.com:8080"),
        ("ALLOWED_PORTS", "http"),
        ("ALLOWED_METHODS", "CONNECT"),
        ("ALLOWED_METHODS", "TRACE"),
        ("ALLOWED_METHODS", "GE T"),
        ("FORWARD_HEADERS", "Cookie"),
        ("FORWARD_HEADERS", "X-Forwarded-For"),
        ("FORWARD_HEADERS", "Host"),
        ("FORWARD_HEADERS", "bad header"),
        ("REDIRECT_MODE", "ignore"),
        ("MAX_REDIRECTS", "-1"),
        ("OPEN_PROXY", "perhaps"),
        ("USER_AGENT", "line\nbreak"),
    ];
    for (key, value) in cases {
        let error = load(&[("OPEN_PROXY", "true"), (key, value)]).expect_err(value);
        assert!(error.starts_with(key), "{key}={value:?}: {error}");
    }
}

#[test]
fn the_token_never_appears_in_errors() {
    let error = load(&[("ACCESS_TOKEN", "hunter2"), ("MAX_REDIRECTS", "many")]).unwrap_err();
    assert!(!error.contains("hunter2"), "{error}");
}

#[test]
fn an_open_door_needs_one_of_three_explicit_choices() {
    let refused = load(&[]).unwrap().validate().unwrap_err();
    assert!(
        refused
            .0
            .contains("ALLOWED_HOSTS, ACCESS_TOKEN, or OPEN_PROXY=true"),
        "{refused}"
    );
    assert!(
        load(&[("OPEN_PROXY", "false")])
            .unwrap()
            .validate()
            .is_err()
    );
    // An empty token is no token.
    assert!(load(&[("ACCESS_TOKEN", "")]).unwrap().validate().is_err());
    for choice in [
        ("ALLOWED_HOSTS", "example.com"),
        ("ACCESS_TOKEN", "t"),
        ("OPEN_PROXY", "true"),
    ] {
        assert_eq!(load(&[choice]).unwrap().validate(), Ok(()), "{choice:?}");
    }
}

#[test]
fn out_of_range_values_are_refused() {
    for (key, value) in [
        ("MAX_REDIRECTS", "21"),
        ("MAX_RESPONSE_BYTES", "0"),
        ("TIMEOUT_MS", "0"),
        ("ALLOWED_PORTS", "0"),
    ] {
        let invalid = load(&[("OPEN_PROXY", "true"), (key, value)])
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(invalid.0.starts_with(key), "{key}: {invalid}");
    }
    let ok = load(&[
        ("OPEN_PROXY", "true"),
        ("MAX_REDIRECTS", "20"),
        ("MAX_REDIRECTS", "0"),
    ]);
    assert!(ok.is_ok());
}

/// `template.toml` declares exactly the keys `Config` reads, with the same
/// kind and secrecy.
#[test]
fn the_template_declares_every_key_the_code_reads() {
    use edgekit::config::{Kind, keys};
    let template = include_str!("../../template.toml");
    let mut declared: Vec<(String, String, bool)> = Vec::new();
    for block in template.split("[[parameters]]").skip(1) {
        let field = |name: &str| {
            block.lines().find_map(|line| {
                let (key, value) = line.split_once('=')?;
                (key.trim() == name).then(|| value.trim().trim_matches('"').to_owned())
            })
        };
        let secret = field("secret").as_deref() == Some("true");
        declared.push((field("key").unwrap(), field("type").unwrap(), secret));
    }
    let read: Vec<(String, String, bool)> = keys::<Config>()
        .into_iter()
        .map(|key| {
            let kind = match key.kind {
                Kind::String => "string",
                Kind::Integer => "integer",
                Kind::Number => "number",
                Kind::Bool => "bool",
                Kind::List => "list",
                Kind::Json => "json",
                Kind::Enum(_) => "enum",
            };
            (key.name, kind.to_owned(), key.secret)
        })
        .collect();
    assert_eq!(declared, read);
}
