//! Which headers cross the proxy.
//!
//! Requests: only the end-to-end headers a site needs ([`END_TO_END`]) and
//! those the operator adds (`FORWARD_HEADERS`). A list of what may pass,
//! rather than of what may not, because the platform may remove
//! `Connection` before the component sees it (Wasmtime does): the headers
//! it named, hop-by-hop by definition (RFC 9110, 7.6.1), cannot be told
//! apart from the others, nor can headers a visitor sends to impersonate
//! the platform or a proxy in front.
//!
//! Responses come from the operator's own sites: everything passes but
//! hop-by-hop headers.

use edgekit::http::header::{CONNECTION, HeaderMap, HeaderName, HeaderValue};
use edgekit::http::{Uri, header};

/// Request headers forwarded to the origin: content negotiation,
/// conditional and range requests, credentials, the body's description,
/// the browser's fetch metadata and tracing context.
pub const END_TO_END: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "access-control-request-headers",
    "access-control-request-method",
    "authorization",
    "cache-control",
    "content-encoding",
    "content-language",
    "content-length",
    "content-type",
    "cookie",
    "dnt",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "origin",
    "pragma",
    "priority",
    "range",
    "referer",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-user",
    "traceparent",
    "tracestate",
    "upgrade-insecure-requests",
    "user-agent",
    "x-requested-with",
];

/// Meaningful for one hop only, or addressed to a proxy: never forwarded,
/// and `FORWARD_HEADERS` may not name them.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "http2-settings",
    "host",
];

/// A `FORWARD_HEADERS` entry, checked.
pub fn extra_header(name: &str) -> Result<HeaderName, String> {
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("{name:?} is not a header name"))?;
    if HOP_BY_HOP.contains(&name.as_str()) {
        return Err(format!(
            "{name} belongs to one connection and is never forwarded"
        ));
    }
    Ok(name)
}

/// The headers sent to the origin: those of [`END_TO_END`] and `extra`,
/// every value of each. `Host` becomes the origin's (the SDK sets it from
/// the URL); the host the visitor asked for travels in `X-Forwarded-Host`,
/// with `X-Forwarded-Proto`, so origins can build their own links.
pub fn request_headers(headers: &HeaderMap, uri: &Uri, extra: &[HeaderName]) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in headers {
        if END_TO_END.contains(&name.as_str()) || extra.contains(name) {
            out.append(name.clone(), value.clone());
        }
    }
    let host = uri.authority().map(|a| a.as_str().to_string()).or_else(|| {
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
    });
    if let Some(value) = host.and_then(|h| HeaderValue::try_from(h).ok()) {
        out.insert("x-forwarded-host", value);
    }
    if let Some(value) = uri.scheme_str().and_then(|s| HeaderValue::try_from(s).ok()) {
        out.insert("x-forwarded-proto", value);
    }
    out
}

/// The origin's response headers as passed to the visitor: without
/// hop-by-hop headers, nor those `Connection` lists (when the platform
/// leaves it in).
pub fn response_headers(mut headers: HeaderMap) -> HeaderMap {
    let listed: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in listed {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(*name);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| {
                (
                    HeaderName::from_bytes(n.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn only_listed_headers_go_to_the_origin() {
        let uri: Uri = "https://www.example.com/a".parse().unwrap();
        let visitor = map(&[
            ("host", "www.example.com"),
            ("connection", "keep-alive, x-secret-hop"),
            ("x-secret-hop", "1"),
            ("proxy-authorization", "Basic Zm9vOmJhcg=="),
            ("te", "trailers"),
            ("cookie", "a=1"),
            ("accept", "text/html"),
            ("x-forwarded-for", "203.0.113.7"),
            ("x-api-key", "k"),
        ]);
        let out = request_headers(&visitor, &uri, &[]);
        let mut names: Vec<&str> = out.keys().map(|n| n.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            ["accept", "cookie", "x-forwarded-host", "x-forwarded-proto"]
        );
        let out = request_headers(&visitor, &uri, &[extra_header("X-Api-Key").unwrap()]);
        assert_eq!(out["x-api-key"], "k");
        assert!(extra_header("Connection").is_err());
        assert!(extra_header("host").is_err());
        assert!(extra_header("bad name").is_err());
        assert_eq!(out["x-forwarded-host"], "www.example.com");
        assert_eq!(out["x-forwarded-proto"], "https");
    }

    #[test]
    fn the_host_header_is_the_fallback_for_the_visitor_host() {
        let out = request_headers(
            &map(&[("host", "shop.example")]),
            &"/x".parse().unwrap(),
            &[],
        );
        assert_eq!(out["x-forwarded-host"], "shop.example");
        assert!(!out.contains_key("host"));
        assert!(!out.contains_key("x-forwarded-proto"));
    }

    #[test]
    fn responses_lose_hop_by_hop_headers() {
        let out = response_headers(map(&[
            ("connection", "close"),
            ("keep-alive", "timeout=5"),
            ("cache-control", "max-age=60"),
            ("vary", "accept-encoding"),
        ]));
        assert_eq!(out.len(), 2);
        assert_eq!(out["cache-control"], "max-age=60");
    }
}
