//! Requests that would reach the proxy through itself.
//!
//! Two signs, because either alone misses cases: a target whose host and
//! port are the proxy's own (as the client addressed it), and an incoming
//! request carrying the proxy's own fixed `User-Agent` (it came from this
//! proxy, or another instance of it, under whatever name or address).

use edgekit::http::HeaderMap;
use edgekit::http::header::USER_AGENT;
use url::Url;

use crate::host_name::canonical;

/// Whether `target` is the proxy itself, reached as `own_authority` (the
/// incoming request's authority or `Host`).
pub fn targets_itself(target: &Url, own_authority: &str, own_scheme: &str) -> bool {
    let Ok(own) = Url::parse(&format!("{own_scheme}://{own_authority}/")) else {
        return false;
    };
    let same_host = match (target.host(), own.host()) {
        (Some(a), Some(b)) => canonical(&a) == canonical(&b),
        _ => false,
    };
    same_host && target.port_or_known_default() == own.port_or_known_default()
}

/// Whether the incoming request carries the `User-Agent` this proxy sends.
pub fn came_through_a_proxy(headers: &HeaderMap, user_agent: &str) -> bool {
    headers
        .get_all(USER_AGENT)
        .iter()
        .any(|value| value.as_bytes() == user_agent.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgekit::http::HeaderValue;

    #[test]
    fn a_target_on_the_proxy_itself_is_recognised_in_any_spelling() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(targets_itself(
            &url("http://proxy.example/?url=x"),
            "proxy.example",
            "http"
        ));
        assert!(targets_itself(
            &url("http://PROXY.example./"),
            "proxy.example:80",
            "http"
        ));
        assert!(targets_itself(
            &url("https://proxy.example/"),
            "Proxy.Example",
            "https"
        ));
        assert!(targets_itself(
            &url("http://203.0.113.9:8080/"),
            "0xcb007109:8080",
            "http"
        ));
        assert!(!targets_itself(
            &url("http://proxy.example:8080/"),
            "proxy.example",
            "http"
        ));
        assert!(!targets_itself(
            &url("http://other.example/"),
            "proxy.example",
            "http"
        ));
        assert!(!targets_itself(
            &url("http://proxy.example/"),
            "not a host",
            "http"
        ));
    }

    #[test]
    fn the_proxys_own_agent_marks_a_loop() {
        let mut headers = HeaderMap::new();
        assert!(!came_through_a_proxy(&headers, "Agent/1"));
        headers.insert(USER_AGENT, HeaderValue::from_static("Agent/1"));
        assert!(came_through_a_proxy(&headers, "Agent/1"));
        assert!(!came_through_a_proxy(&headers, "Agent/2"));
    }
}
