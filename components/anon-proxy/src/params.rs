//! The proxy's own query parameters: `url` (the target) and `token`.

use url::{Url, form_urlencoded};

/// Why the query does not name a target; each is a `400`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadParams {
    /// No `url` parameter, or an empty one.
    Missing,
    /// `url` given more than once: which one would be meant is ambiguous.
    Repeated,
    /// Not an absolute URL (the URL parser's own words are not shown: error
    /// bodies carry only the component's text).
    Unparsable,
}

impl std::fmt::Display for BadParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadParams::Missing => {
                f.write_str("missing url parameter: use ?url=<percent-encoded absolute URL>")
            }
            BadParams::Repeated => f.write_str("the url parameter is given more than once"),
            BadParams::Unparsable => f.write_str("the url parameter is not an absolute URL"),
        }
    }
}

/// The target named by the `url` parameter of a raw query string
/// (`application/x-www-form-urlencoded`), parsed as a WHATWG URL.
pub fn target(query: &str) -> Result<Url, BadParams> {
    let mut target = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == "url" {
            if target.is_some() {
                return Err(BadParams::Repeated);
            }
            target = Some(value);
        }
    }
    let target = target
        .filter(|t| !t.trim().is_empty())
        .ok_or(BadParams::Missing)?;
    let mut target = Url::parse(&target).map_err(|_| BadParams::Unparsable)?;
    // The fragment is the client's business; it is never sent.
    target.set_fragment(None);
    Ok(target)
}

/// The `token` parameter, if given.
pub fn token(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_percent_decoded_once_and_parsed() {
        let query = "url=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1%26c%3D2%23top&token=t%2B1";
        assert_eq!(
            target(query).unwrap().as_str(),
            "https://example.com/a?b=1&c=2"
        );
        assert_eq!(token(query).as_deref(), Some("t+1"));
        assert_eq!(token("url=x"), None);
        assert_eq!(
            target("url=http://0x7f.1/").unwrap().as_str(),
            "http://127.0.0.1/"
        );
        // Double encoding: the host is decoded by the URL parser itself.
        let url = target("url=http%3A%2F%2F127%252E0%252E0%252E1%2F").unwrap();
        assert_eq!(url.host_str(), Some("127.0.0.1"));
    }

    #[test]
    fn missing_repeated_and_unparsable_targets() {
        assert_eq!(target(""), Err(BadParams::Missing));
        assert_eq!(target("token=x"), Err(BadParams::Missing));
        assert_eq!(target("url="), Err(BadParams::Missing));
        assert_eq!(target("url=%20"), Err(BadParams::Missing));
        assert_eq!(
            target("url=http://a.example/&url=http://b.example/"),
            Err(BadParams::Repeated)
        );
        for bad in [
            "url=example.com",
            "url=/path",
            "url=http://",
            "url=http://[::1",
            "url=http://256.1.1.1/",
            "url=%%%",
        ] {
            assert!(matches!(target(bad), Err(BadParams::Unparsable)), "{bad}");
        }
    }
}
