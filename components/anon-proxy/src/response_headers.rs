//! Which headers of the target's answer reach the client: everything
//! passes except what would act on the proxy's own origin or report about
//! the client.

use edgekit::http::header::{
    CONNECTION, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use edgekit::http::{HeaderMap, HeaderName, HeaderValue};

/// Response headers that would act on the proxy's origin rather than the
/// target's, or make the browser contact the target behind the visitor's
/// back. This list is the one the README documents.
pub const DROPPED_FROM_RESPONSES: [&str; 34] = [
    // Acting on the proxy's origin: cookies, transport and site data,
    // service workers, sign-in state, process isolation.
    "set-cookie",
    "set-cookie2",
    "clear-site-data",
    "strict-transport-security",
    "public-key-pins",
    "public-key-pins-report-only",
    "service-worker-allowed",
    "set-login",
    "idp-signin-status",
    "origin-agent-cluster",
    // Contacting the target (or a third party) on their own: reporting
    // endpoints, other protocols, preloads and prefetches, refreshes,
    // speculative loads, client hints for later requests, source maps.
    "alt-svc",
    "server-timing",
    "nel",
    "report-to",
    "reporting-endpoints",
    "content-security-policy-report-only",
    "expect-ct",
    "link",
    "refresh",
    "speculation-rules",
    "accept-ch",
    "critical-ch",
    "x-dns-prefetch-control",
    "sourcemap",
    "x-sourcemap",
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

/// What `SANDBOX=true` (the default) adds to every answer from a target: the
/// page runs in a unique origin without scripts, forms, pop-ups, storage or
/// service workers, and may load nothing but what comes from the proxy
/// itself (and `data:`), so it cannot read the `?token=` in its address nor
/// make the browser fetch from the target directly.
pub const SANDBOX_POLICY: &str = "sandbox; default-src 'none'; img-src 'self' data:; \
media-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; \
form-action 'none'; base-uri 'none'";

/// CSP directives that send reports to an address of the target's choosing.
const REPORTING_DIRECTIVES: [&str; 2] = ["report-uri", "report-to"];

/// Strips a target's response headers for the client and adds the privacy
/// headers, and with `sandbox` the [`SANDBOX_POLICY`]. CORS headers of the
/// target are dropped too: they speak for the target's origin, and the
/// proxy answers for its own (`CORS_ALLOW_ORIGIN`). The target's own
/// `Content-Security-Policy` stays (it only restricts the page further),
/// without its reporting directives.
pub fn clean_response(headers: &mut HeaderMap, sandbox: bool) {
    // Headers that `Connection` names are hop-by-hop as well (when the
    // platform leaves `Connection` in; many remove it first, which is why
    // the list above names every hop-by-hop header itself).
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
    strip_csp_reporting(headers);
    if sandbox {
        headers.append(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SANDBOX_POLICY),
        );
    }
    add_privacy(headers);
}

/// The target's `Content-Security-Policy` values without `report-uri` and
/// `report-to`; a value left empty is dropped, one that is not text too.
fn strip_csp_reporting(headers: &mut HeaderMap) {
    let kept: Vec<HeaderValue> = headers
        .get_all(CONTENT_SECURITY_POLICY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(without_reporting)
        .filter(|policy| !policy.is_empty())
        .filter_map(|policy| HeaderValue::from_str(&policy).ok())
        .collect();
    headers.remove(CONTENT_SECURITY_POLICY);
    for value in kept {
        headers.append(CONTENT_SECURITY_POLICY, value);
    }
}

/// One header value (policies separated by `,`, directives by `;`) without
/// its reporting directives.
fn without_reporting(value: &str) -> String {
    value
        .split(',')
        .map(|policy| {
            policy
                .split(';')
                .map(str::trim)
                .filter(|directive| {
                    let name = directive.split_ascii_whitespace().next().unwrap_or("");
                    !name.is_empty()
                        && !REPORTING_DIRECTIVES
                            .iter()
                            .any(|r| r.eq_ignore_ascii_case(name))
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|policy| !policy.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
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
        clean_response(&mut headers, false);
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

    #[test]
    fn responses_lose_everything_that_reaches_out_or_acts_on_the_proxy() {
        let mut headers = map(&[
            ("content-type", "text/html"),
            ("link", "<https://target.example/x.css>; rel=preload"),
            ("refresh", "0; url=https://target.example/"),
            ("speculation-rules", "\"/rules.json\""),
            ("service-worker-allowed", "/"),
            ("set-login", "logged-in"),
            (
                "expect-ct",
                "max-age=1, report-uri=\"https://target.example/r\"",
            ),
            ("content-security-policy-report-only", "default-src 'none'"),
            ("accept-ch", "sec-ch-ua-model"),
            (
                "content-security-policy",
                "default-src 'self'; report-uri https://target.example/r, img-src *; REPORT-TO g",
            ),
            ("content-security-policy", "report-uri /only"),
        ]);
        clean_response(&mut headers, true);
        let mut names: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "content-security-policy",
                "content-type",
                "referrer-policy",
                "x-content-type-options"
            ]
        );
        let csp: Vec<&str> = headers
            .get_all("content-security-policy")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(csp, ["default-src 'self', img-src *", SANDBOX_POLICY]);
    }
}
