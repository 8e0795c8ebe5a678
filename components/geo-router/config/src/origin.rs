//! [`Origin`]: a route's base URL, checked when the configuration loads.

use serde::{Deserialize, Deserializer, de};

/// An `http://` or `https://` base URL: scheme, host (and port), and an
/// optional path prefix that every request path is appended to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Scheme, authority and path prefix without a trailing `/`:
    /// `https://eu.example.com` or `http://10.0.0.7:8080/shop`. One string
    /// (rather than one per part) because every route of the configuration
    /// is parsed on every request, and this is all [`url_for`](Self::url_for)
    /// needs.
    base: String,
}

/// The longest base URL [`plain_base`] reads itself; longer ones (rare) are
/// left to `http::Uri`, which has its own length limit.
const MAX_PLAIN_LEN: usize = 2048;

impl Origin {
    /// Parses a base URL; the error says what is wrong with it.
    ///
    /// The usual shape (`https://host[:port][/plain/path]`) is recognised
    /// without building an `http::Uri`; everything else goes through
    /// `http::Uri`, which decides exactly as before (a test holds the two
    /// paths to the same answers).
    pub fn parse(text: &str) -> Result<Origin, String> {
        let text = text.trim();
        match plain_base(text) {
            Some(base) => Ok(Origin {
                base: base.to_string(),
            }),
            None => Origin::parse_with_uri(text),
        }
    }

    /// [`parse`](Self::parse) by way of `http::Uri`, for any text.
    fn parse_with_uri(text: &str) -> Result<Origin, String> {
        let text = text.trim();
        if text.contains('#') {
            return Err(format!("{text:?} has a fragment; give a base URL"));
        }
        let uri: http::Uri = text.parse().map_err(|_| format!("{text:?} is not a URL"))?;
        let scheme = match uri.scheme_str() {
            Some(scheme @ ("http" | "https")) => scheme,
            _ => return Err(format!("{text:?} is not an http:// or https:// URL")),
        };
        let authority = match uri.authority() {
            Some(authority) if !authority.host().is_empty() => authority,
            _ => return Err(format!("{text:?} has no host")),
        };
        // Credentials in a URL would travel in the clear in redirects.
        if authority.as_str().contains('@') {
            return Err(format!("{text:?} has credentials in it"));
        }
        if uri.query().is_some() {
            return Err(format!("{text:?} has a query; give a base URL"));
        }
        let path = uri.path().trim_end_matches('/');
        let mut base =
            String::with_capacity(scheme.len() + 3 + authority.as_str().len() + path.len());
        for part in [scheme, "://", authority.as_str(), path] {
            base.push_str(part);
        }
        Ok(Origin { base })
    }

    /// The URL for a request's path and query (`/a?b=1`) on this origin.
    pub fn url_for(&self, path_and_query: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path_and_query.len());
        url.push_str(&self.base);
        url.push_str(path_and_query);
        url
    }
}

/// The base of `text` (without trailing `/`s) when it is a plain
/// `http://` or `https://` URL: a host of letters, digits, `.` and `-`, an
/// optional port of 1 to 5 digits, and a path of letters, digits and
/// `-._~/`. `http::Uri` accepts every such text and reads it the same
/// way; `None` means "not this shape" (not "invalid").
fn plain_base(text: &str) -> Option<&str> {
    if text.len() > MAX_PLAIN_LEN {
        return None;
    }
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/'));
    (host_ok && port_ok && path_ok).then(|| text.trim_end_matches('/'))
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Origin, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Origin::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_appended_to_the_base() {
        let plain = Origin::parse("https://eu.example.com").unwrap();
        assert_eq!(plain.url_for("/a?b=1"), "https://eu.example.com/a?b=1");
        let slash = Origin::parse("https://eu.example.com/").unwrap();
        assert_eq!(slash.url_for("/"), "https://eu.example.com/");
        let prefix = Origin::parse(" http://10.0.0.7:8080/shop/ ").unwrap();
        assert_eq!(
            prefix.url_for("/cart?x"),
            "http://10.0.0.7:8080/shop/cart?x"
        );
    }

    /// The shortcut for plain URLs answers exactly as `http::Uri` does, on
    /// plain URLs and on every near miss built from their parts.
    #[test]
    fn plain_urls_read_as_http_reads_them() {
        let schemes = [
            "https://", "http://", "HTTPS://", "Http://", "ftp://", "https:/", "https:", "",
        ];
        let hosts = [
            "eu.example.com",
            "10.0.0.7",
            "localhost",
            "a",
            "-x-.",
            "..",
            "",
            "ex ample.com",
            "ex%41mple.com",
            "user@host",
            "u:p@host",
            "[::1]",
            "[::1",
            "ex_ample.com",
            "exämple.com",
            "HOST.Example.COM",
        ];
        let ports = [
            "", ":8080", ":1", ":65535", ":99999", ":123456", ":", ":http", "::80",
        ];
        let paths = [
            "",
            "/",
            "//",
            "/shop",
            "/shop/",
            "/a/b/",
            "/a-b.c_d~e",
            "/a b",
            "/a%20b",
            "/a?x=1",
            "/a#top",
            "?x",
            "#x",
            "/ä",
            "/a:b@c",
            "/a;b=c",
            "/a|b",
            "/a\\b",
        ];
        let mut checked = 0;
        for scheme in schemes {
            for host in hosts {
                for port in ports {
                    for path in paths {
                        for pad in ["", " "] {
                            let text = format!("{pad}{scheme}{host}{port}{path}{pad}");
                            assert_eq!(
                                Origin::parse(&text),
                                Origin::parse_with_uri(&text),
                                "{text:?}"
                            );
                            checked += usize::from(plain_base(text.trim()).is_some());
                        }
                    }
                }
            }
        }
        // The shortcut was taken often enough for the comparison to mean something.
        assert!(checked > 500, "{checked}");
        let long = format!("https://example.com/{}", "a".repeat(70_000));
        assert_eq!(Origin::parse(&long), Origin::parse_with_uri(&long));
        let edge = format!("https://example.com/{}", "a".repeat(MAX_PLAIN_LEN));
        assert_eq!(Origin::parse(&edge), Origin::parse_with_uri(&edge));
    }

    #[test]
    fn only_plain_http_base_urls_are_origins() {
        for bad in [
            "eu.example.com",
            "/relative",
            "ftp://example.com",
            "https://",
            "https://user:pw@example.com",
            "https://example.com/?a=1",
            "https://example.com/#top",
            "not a url",
            "",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad:?}");
        }
    }
}
