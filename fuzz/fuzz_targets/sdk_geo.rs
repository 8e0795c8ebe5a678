//! SDK: geo and client-IP headers, one `name: value` per line, read under
//! every platform preset.
#![no_main]

use std::net::IpAddr;

use edgekit::geo::{Continent, Geo, Platform};
use edgekit::http::{HeaderName, HeaderValue};
use edgekit::{Body, HeaderMap, Request, RequestExt};
use libfuzzer_sys::fuzz_target;

const PLATFORMS: [Platform; 4] = [
    Platform::FastEdge,
    Platform::Cloudflare,
    Platform::Fastly,
    Platform::Generic,
];

/// Short names stand for the headers the presets read, so that the fuzzer
/// reaches them without guessing whole names.
fn name(raw: &[u8]) -> Option<HeaderName> {
    let expanded: &[u8] = match raw {
        b"c" => b"cf-ipcountry",
        b"x" => b"x-forwarded-for",
        b"g" => b"x-geo-country",
        b"l" => b"x-geo-latitude",
        b"a" => b"x-geo-asn",
        b"k" => b"x-geo-continent",
        other => other,
    };
    HeaderName::from_bytes(expanded).ok()
}

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for line in data.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Some(n), Ok(v)) = (
            name(&line[..colon]),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        headers.append(n, v);
    }
    let mut req: Request = edgekit::http::Request::new(Body::empty());
    *req.headers_mut() = headers.clone();
    for platform in PLATFORMS {
        if let Some(geo) = Geo::from_headers(platform, &headers) {
            check(&geo);
            assert_ne!(geo, Geo::default());
        }
        if let Some(ip) = req.client_ip_with(platform) {
            check_ip(ip, &headers);
        }
    }
});

fn check(geo: &Geo) {
    if let Some(country) = &geo.country {
        assert!(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()));
        assert!(Continent::of(country).is_some());
    }
    if let Some(lat) = geo.latitude {
        assert!((-90.0..=90.0).contains(&lat));
    }
    if let Some(lon) = geo.longitude {
        assert!((-180.0..=180.0).contains(&lon));
    }
    for text in [&geo.region, &geo.city].into_iter().flatten() {
        assert!(!text.is_empty() && text.trim() == text);
    }
}

/// An address must be spelled somewhere in the headers it came from.
fn check_ip(ip: IpAddr, headers: &HeaderMap) {
    let spelled = headers
        .values()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|part| part.contains(&strip_zeros(ip))));
    assert!(spelled, "{ip} is in no header: {headers:?}");
}

/// The address as it may appear in text (IPv6 text may differ in case and
/// zero compression, so only its IPv4 form is compared exactly).
fn strip_zeros(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(_) => String::new(),
    }
}
