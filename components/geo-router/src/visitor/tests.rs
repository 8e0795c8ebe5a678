use super::*;

use edgekit::Body;

const ROUTES: &str = r#"{"DE": "https://de.example", "default": "https://www.example"}"#;

fn settings(extra: &[(&str, &str)]) -> Settings {
    let mut vars = vec![("ROUTES", ROUTES)];
    vars.extend_from_slice(extra);
    Settings::from_vars(&vars).unwrap()
}

fn request(uri: &str, headers: &[(&str, &str)]) -> Request {
    let mut builder = http::Request::get(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

fn country_of(settings: &Settings, headers: &[(&str, &str)]) -> Option<String> {
    let visitor = Visitor::of(&request("/", headers), settings).unwrap();
    visitor.country.map(|c| c.to_string())
}

#[test]
fn only_the_presets_header_counts() {
    let cf = settings(&[("PLATFORM", "cloudflare")]);
    assert_eq!(
        country_of(&cf, &[("cf-ipcountry", "DE")]).as_deref(),
        Some("DE")
    );
    assert_eq!(country_of(&cf, &[("x-geo-country", "DE")]), None);
    let none = settings(&[]);
    assert_eq!(country_of(&none, &[("cf-ipcountry", "DE")]), None);
}

#[test]
fn malformed_countries_are_unknown() {
    let cf = settings(&[("PLATFORM", "cloudflare")]);
    for bad in ["de", "De", "XX", "T1", "DEU", "", "D E"] {
        assert_eq!(country_of(&cf, &[("cf-ipcountry", bad)]), None, "{bad:?}");
    }
    // Two values: one of them is not the platform's.
    assert_eq!(
        country_of(&cf, &[("cf-ipcountry", "US"), ("cf-ipcountry", "DE")]),
        None
    );
}

#[test]
fn addresses_are_read_only_for_ip_rules() {
    let headers = [("x-real-ip", "10.1.2.3")];
    let plain = settings(&[("PLATFORM", "fastedge")]);
    assert_eq!(
        Visitor::of(&request("/", &headers), &plain).unwrap().ip,
        None
    );
    let rules = settings(&[
        ("PLATFORM", "fastedge"),
        ("IP_RULES", r#"{"10.0.0.0/8": "DE"}"#),
    ]);
    let visitor = Visitor::of(&request("/", &headers), &rules).unwrap();
    assert_eq!(visitor.ip, Some([10, 1, 2, 3].into()));
}

#[test]
fn the_override_needs_the_operators_consent_and_a_valid_code() {
    let off = settings(&[("PLATFORM", "cloudflare")]);
    let req = request("/?geo_country=JP", &[("cf-ipcountry", "DE")]);
    assert_eq!(
        Visitor::of(&req, &off).unwrap().country.unwrap().code(),
        "DE"
    );
    assert_eq!(forwarded_path(&req, &off), "/?geo_country=JP");

    let on = settings(&[("PLATFORM", "cloudflare"), ("ALLOW_OVERRIDE", "true")]);
    assert_eq!(
        Visitor::of(&req, &on).unwrap().country.unwrap().code(),
        "JP"
    );
    assert_eq!(forwarded_path(&req, &on), "/");
    let req = request("/a?x=1&geo_country=JP&y=2", &[]);
    assert_eq!(forwarded_path(&req, &on), "/a?x=1&y=2");
    for bad in ["jp", "XX", "", "JPN"] {
        let req = request(&format!("/?geo_country={bad}"), &[]);
        let error = Visitor::of(&req, &on).unwrap_err();
        assert_eq!(error.status(), 400, "{bad:?}");
    }
}
