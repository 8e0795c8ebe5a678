//! anon-proxy: redirects. Input: the status selector, the URL that
//! answered, a newline, then the `Location` header's bytes. The next hop is
//! an absolute URL the policy then judges like any target; the method
//! changes the way browsers change it.
#![no_main]

use anon_proxy::fuzzing::{Policy, is_redirect, location, next_method, to_uri};
use edgekit::http::{HeaderMap, HeaderValue, Method, StatusCode, header::LOCATION};
use edgekit_fuzz::split_at_byte;
use libfuzzer_sys::fuzz_target;
use url::Url;

const STATUSES: [u16; 7] = [301, 302, 303, 307, 308, 300, 200];
const METHODS: [Method; 4] = [Method::GET, Method::HEAD, Method::POST, Method::PUT];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (base, location_bytes) = split_at_byte(rest, b'\n');
    let Ok(base) = std::str::from_utf8(base) else {
        return;
    };
    let Ok(base) = Url::parse(base) else {
        return;
    };
    let status = StatusCode::from_u16(STATUSES[usize::from(pick % 7)]).unwrap();
    let method = &METHODS[usize::from(pick / 7 % 4)];
    let next = next_method(status, method);
    assert!(next == *method || next == Method::GET);
    if !is_redirect(status) {
        assert_eq!(next, *method);
    }
    let Ok(value) = HeaderValue::from_bytes(location_bytes) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(LOCATION, value);
    match location(&headers, &base) {
        None => panic!("a Location header was there"),
        Some(Err(why)) => assert!(!why.is_empty()),
        Some(Ok(url)) => {
            assert!(url.fragment().is_none());
            assert!(!url.cannot_be_a_base() || url.scheme() != "http");
            if Policy::default().check(&url).is_ok()
                && let Ok(uri) = to_uri(&url)
            {
                assert_eq!(uri.host(), url.host_str());
            }
        }
    }
});
