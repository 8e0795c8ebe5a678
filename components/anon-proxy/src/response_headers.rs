//! Which headers of the target's answer reach the client: everything
//! passes except what would act on the proxy's own origin or report about
//! the client.

use edgekit::http::header::{CONNECTION, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use edgekit::http::{HeaderMap, HeaderName, HeaderValue};

/// Response headers that would act on the proxy's origin rather than the
/// target's (cookies, HSTS, site data), or make the browser talk to the
/// target behind the client's back (`Alt-Svc`, reporting endpoints).
const DROPPED_FROM_RESPONSES: [&str; 20] = [
    "set-cookie",
    "set-cookie2",
    "alt-svc",
    "server-timing",
    "clear-site-data",
    "strict-transport-security",
    "public-key-pins",
    "public-key-pins-report-only",
    "nel",
    "report-to",
    "reporting-endpoints",
    // Hop-by-hop: they describe the target's connection, not ours.
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Strips a target's response headers for the client and adds the privacy
/// headers. CORS headers of the target are dropped too: they speak for the
/// target's origin, and the proxy answers for its own (`CORS_ALLOW_ORIGIN`).
pub fn clean_response(headers: &mut HeaderMap) {
    // Headers that `Connection` names are hop-by-hop as well.
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in DROPPED_FROM_RESPONSES {
        headers.remove(name);
    }
    let cors: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    for name in cors {
        headers.remove(name);
    }
    add_privacy(headers);
}

/// The headers every answer carries, the proxy's own errors included.
pub fn add_privacy(headers: &mut HeaderMap) {
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
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
    fn responses_lose_origin_acting_and_hop_by_hop_headers() {
        let mut headers = map(&[
            ("content-type", "text/html"),
            ("content-length", "12"),
            ("etag", "\"x\""),
            ("cache-control", "max-age=60"),
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("set-cookie2", "c=3"),
            ("alt-svc", "h3=\":443\""),
            ("server-timing", "db;dur=53"),
            ("connection", "keep-alive, x-secret-hop"),
            ("keep-alive", "timeout=5"),
            ("x-secret-hop", "1"),
            ("transfer-encoding", "chunked"),
            ("strict-transport-security", "max-age=1"),
            ("clear-site-data", "\"*\""),
            ("nel", "{}"),
            ("report-to", "{}"),
            ("access-control-allow-origin", "*"),
            ("access-control-allow-credentials", "true"),
            ("referrer-policy", "unsafe-url"),
        ]);
        clean_response(&mut headers);
        let mut names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "cache-control",
                "content-length",
                "content-type",
                "etag",
                "referrer-policy",
                "x-content-type-options"
            ]
        );
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
}
