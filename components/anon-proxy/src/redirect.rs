//! Redirects from the target: where they lead, and how to send a client
//! back through the proxy.

use edgekit::http::header::LOCATION;
use edgekit::http::{HeaderMap, Method, StatusCode};
use url::Url;
use url::form_urlencoded;

/// Whether `status` is a redirect that carries a `Location` to follow.
pub fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The absolute URL a redirect points to, resolved against the URL that
/// answered it. `None` when there is no `Location`; `Some(Err)` when it is
/// not a URL.
pub fn location(headers: &HeaderMap, base: &Url) -> Option<Result<Url, String>> {
    let value = headers.get(LOCATION)?;
    let text = match value.to_str() {
        Ok(text) => text,
        Err(_) => return Some(Err("the Location header is not ASCII".into())),
    };
    Some(base.join(text).map_err(|e| e.to_string()).map(|mut url| {
        url.set_fragment(None);
        url
    }))
}

/// The method of the next hop, as browsers do it: `303` turns everything
/// but `HEAD` into `GET`, and so do `301`/`302` for a `POST`.
pub fn next_method(status: StatusCode, method: &Method) -> Method {
    match status.as_u16() {
        303 if *method != Method::HEAD => Method::GET,
        301 | 302 if *method == Method::POST => Method::GET,
        _ => method.clone(),
    }
}

/// A `Location` that sends the client through the proxy to `target`:
/// `/?url=...`, relative to the proxy's root so it works whatever name or
/// scheme the client reached the proxy by, and never built from the
/// request's path (a path such as `//evil.example/` would make it a
/// redirect to another site). A `token` the client put in its URL is
/// carried along, or the next request would be refused.
pub fn through_proxy(target: &Url, token: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("url", target.as_str());
    if let Some(token) = token {
        query.append_pair("token", token);
    }
    format!("/?{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgekit::http::HeaderValue;

    fn with_location(location: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_str(location).unwrap());
        headers
    }

    #[test]
    fn locations_resolve_against_the_answering_url() {
        let base = Url::parse("https://example.com/a/b?x=1").unwrap();
        let resolve = |loc: &str| {
            location(&with_location(loc), &base)
                .unwrap()
                .unwrap()
                .to_string()
        };
        assert_eq!(resolve("/c"), "https://example.com/c");
        assert_eq!(resolve("c"), "https://example.com/a/c");
        assert_eq!(resolve("?y=2"), "https://example.com/a/b?y=2");
        assert_eq!(resolve("//other.example/"), "https://other.example/");
        assert_eq!(resolve("http://127.0.0.1/#frag"), "http://127.0.0.1/");
        assert_eq!(resolve("http://2130706433/"), "http://127.0.0.1/");
        assert!(location(&HeaderMap::new(), &base).is_none());
        assert!(
            location(&with_location("http://[::1"), &base)
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn methods_change_like_browsers_change_them() {
        let s = |code| StatusCode::from_u16(code).unwrap();
        assert_eq!(next_method(s(303), &Method::POST), Method::GET);
        assert_eq!(next_method(s(303), &Method::HEAD), Method::HEAD);
        assert_eq!(next_method(s(302), &Method::POST), Method::GET);
        assert_eq!(next_method(s(301), &Method::PUT), Method::PUT);
        assert_eq!(next_method(s(307), &Method::POST), Method::POST);
        assert_eq!(next_method(s(308), &Method::GET), Method::GET);
        assert!(is_redirect(s(302)) && is_redirect(s(308)));
        assert!(!is_redirect(s(304)) && !is_redirect(s(300)) && !is_redirect(s(200)));
    }

    #[test]
    fn rewritten_locations_point_back_through_the_proxy() {
        let target = Url::parse("https://example.com/next?a=1&b=2").unwrap();
        assert_eq!(
            through_proxy(&target, None),
            "/?url=https%3A%2F%2Fexample.com%2Fnext%3Fa%3D1%26b%3D2"
        );
        assert_eq!(
            through_proxy(&target, Some("t&1")),
            "/?url=https%3A%2F%2Fexample.com%2Fnext%3Fa%3D1%26b%3D2&token=t%261"
        );
    }
}
