//! Which headers cross the proxy: everything end to end, nothing that
//! belongs to one connection (RFC 9110, 7.6.1) or to the proxy itself.

use edgekit::http::header::{CONNECTION, HeaderMap, HeaderName, HeaderValue};
use edgekit::http::{Uri, header};

/// Meaningful for one hop only, or addressed to a proxy.
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
];

/// `headers` without hop-by-hop headers, nor those `Connection` lists.
fn end_to_end(mut headers: HeaderMap) -> HeaderMap {
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

/// The headers sent to the origin. `Host` becomes the origin's (the SDK
/// sets it from the URL); the host the visitor asked for travels in
/// `X-Forwarded-Host`, with `X-Forwarded-Proto`, so origins can build
/// their own links.
pub fn request_headers(headers: &HeaderMap, uri: &Uri) -> HeaderMap {
    let mut out = end_to_end(headers.clone());
    let host = uri.authority().map(|a| a.as_str().to_string()).or_else(|| {
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
    });
    out.remove(header::HOST);
    if let Some(value) = host.and_then(|h| HeaderValue::try_from(h).ok()) {
        out.insert("x-forwarded-host", value);
    }
    if let Some(value) = uri.scheme_str().and_then(|s| HeaderValue::try_from(s).ok()) {
        out.insert("x-forwarded-proto", value);
    }
    out
}

/// The origin's response headers as passed to the visitor.
pub fn response_headers(headers: HeaderMap) -> HeaderMap {
    end_to_end(headers)
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
    fn hop_by_hop_and_connection_listed_headers_stay_behind() {
        let uri: Uri = "https://www.example.com/a".parse().unwrap();
        let out = request_headers(
            &map(&[
                ("host", "www.example.com"),
                ("connection", "keep-alive, x-secret-hop"),
                ("x-secret-hop", "1"),
                ("proxy-authorization", "Basic Zm9vOmJhcg=="),
                ("te", "trailers"),
                ("cookie", "a=1"),
                ("accept", "text/html"),
            ]),
            &uri,
        );
        let mut names: Vec<&str> = out.keys().map(|n| n.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            ["accept", "cookie", "x-forwarded-host", "x-forwarded-proto"]
        );
        assert_eq!(out["x-forwarded-host"], "www.example.com");
        assert_eq!(out["x-forwarded-proto"], "https");
    }

    #[test]
    fn the_host_header_is_the_fallback_for_the_visitor_host() {
        let out = request_headers(&map(&[("host", "shop.example")]), &"/x".parse().unwrap());
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
