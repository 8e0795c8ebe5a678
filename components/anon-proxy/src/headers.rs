//! Which request headers cross the proxy to the target.
//!
//! Outgoing requests are built from an allowlist, so a header nobody thought
//! of (a new CDN's client-IP header, a tracking cookie) never leaks. The
//! response side is in [`crate::response_headers`].

use edgekit::http::header::{
    ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, IF_MODIFIED_SINCE, IF_NONE_MATCH, RANGE, USER_AGENT,
};
use edgekit::http::{HeaderMap, HeaderName, HeaderValue};

/// Forwarded from every client request.
pub const ALWAYS_FORWARDED: [HeaderName; 6] = [
    ACCEPT,
    ACCEPT_LANGUAGE,
    ACCEPT_ENCODING,
    RANGE,
    IF_NONE_MATCH,
    IF_MODIFIED_SINCE,
];

/// Headers that say who the client is, where it is, or where it came from;
/// `FORWARD_HEADERS` may not name them.
const IDENTIFYING: [&str; 18] = [
    "cookie",
    "cookie2",
    "authorization",
    "proxy-authorization",
    "referer",
    "origin",
    "forwarded",
    "via",
    "x-real-ip",
    "true-client-ip",
    "client-ip",
    "x-client-ip",
    "x-cluster-client-ip",
    "x-originating-ip",
    "x-remote-ip",
    "x-remote-addr",
    "x-request-id",
    "x-correlation-id",
];

/// Prefixes of platform headers that carry the client's address, location
/// or device (`CF-Connecting-IP`, `Fastly-Client-IP`, `X-Forwarded-For`,
/// `CloudFront-Viewer-Country`, `X-Vercel-IP-City`, `Sec-CH-UA-*`, ...).
const IDENTIFYING_PREFIXES: [&str; 11] = [
    "x-forwarded-",
    "cf-",
    "fastly-",
    "cloudfront-",
    "x-amz-cf-",
    "x-vercel-",
    "x-appengine-",
    "x-azure-",
    "x-geo",
    "x-client-",
    "sec-ch-",
];

/// Headers the proxy manages itself: the connection's own (hop-by-hop), and
/// the ones it sets.
const MANAGED: [&str; 11] = [
    "host",
    "user-agent",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "expect",
];

/// Why `name` may never be forwarded, or `None` if it may.
pub fn refuses_to_forward(name: &HeaderName) -> Option<&'static str> {
    let name = name.as_str();
    if IDENTIFYING.contains(&name) || IDENTIFYING_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some("it identifies the client");
    }
    if MANAGED.contains(&name) {
        return Some("the proxy sets it itself");
    }
    None
}

/// The headers of the outgoing request: the allowlisted ones from the
/// client, every value of each, and the fixed `User-Agent`. Nothing else.
pub fn outgoing(client: &HeaderMap, extra: &[HeaderName], user_agent: &HeaderValue) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for name in ALWAYS_FORWARDED.iter().chain(extra) {
        for value in client.get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    headers.insert(USER_AGENT, user_agent.clone());
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn only_the_allowlist_and_the_fixed_agent_go_out() {
        let client = map(&[
            ("accept", "text/html"),
            ("accept-language", "de"),
            ("accept-encoding", "gzip"),
            ("range", "bytes=0-9"),
            ("if-none-match", "\"a\""),
            ("if-none-match", "\"b\""),
            ("if-modified-since", "Sat, 01 Jan 2000 00:00:00 GMT"),
            ("user-agent", "Client/1.0 (my laptop)"),
            ("cookie", "session=1"),
            ("authorization", "Bearer t"),
            ("referer", "https://me.example/"),
            ("origin", "https://me.example"),
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-host", "me.example"),
            ("forwarded", "for=203.0.113.7"),
            ("via", "1.1 corp"),
            ("x-real-ip", "203.0.113.7"),
            ("true-client-ip", "203.0.113.7"),
            ("cf-connecting-ip", "203.0.113.7"),
            ("cf-ipcountry", "DE"),
            ("fastly-client-ip", "203.0.113.7"),
            ("x-geo-country", "DE"),
            ("x-custom", "yes"),
            ("dnt", "1"),
        ]);
        let agent = HeaderValue::from_static("Fixed/1");
        let out = outgoing(&client, &[], &agent);
        let mut names: Vec<&str> = out.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "accept",
                "accept-encoding",
                "accept-language",
                "if-modified-since",
                "if-none-match",
                "range",
                "user-agent"
            ]
        );
        assert_eq!(out.get_all("if-none-match").iter().count(), 2);
        assert_eq!(out["user-agent"], "Fixed/1");

        let extra = [
            HeaderName::from_static("dnt"),
            HeaderName::from_static("x-custom"),
        ];
        let out = outgoing(&client, &extra, &agent);
        assert_eq!(out["dnt"], "1");
        assert_eq!(out["x-custom"], "yes");
        assert_eq!(out.keys_len(), 9);
    }

    #[test]
    fn identifying_and_managed_headers_cannot_be_forwarded() {
        for name in [
            "cookie",
            "authorization",
            "referer",
            "origin",
            "forwarded",
            "via",
            "x-real-ip",
            "true-client-ip",
            "x-forwarded-for",
            "x-forwarded-proto",
            "cf-connecting-ip",
            "cf-ipcountry",
            "fastly-client-ip",
            "cloudfront-viewer-address",
            "x-geo-city",
            "sec-ch-ua-platform",
            "x-vercel-ip-city",
            "proxy-authorization",
        ] {
            let reason = refuses_to_forward(&HeaderName::from_static(name));
            assert_eq!(reason, Some("it identifies the client"), "{name}");
        }
        for name in [
            "host",
            "user-agent",
            "connection",
            "transfer-encoding",
            "content-length",
        ] {
            assert_eq!(
                refuses_to_forward(&HeaderName::from_static(name)),
                Some("the proxy sets it itself"),
                "{name}"
            );
        }
        for name in ["dnt", "content-type", "x-api-version", "cache-control"] {
            assert_eq!(
                refuses_to_forward(&HeaderName::from_static(name)),
                None,
                "{name}"
            );
        }
    }
}
