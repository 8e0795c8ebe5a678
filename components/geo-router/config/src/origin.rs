//! [`Origin`]: a route's base URL, checked when the configuration loads.

use serde::{Deserialize, Deserializer, de};

/// An `http://` or `https://` base URL: scheme, host (and port), and an
/// optional path prefix that every request path is appended to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `https://eu.example.com` or `http://10.0.0.7:8080`.
    scheme_and_authority: String,
    /// The prefix without a trailing `/`: `` or `/shop`.
    base_path: String,
}

impl Origin {
    /// Parses a base URL; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Origin, String> {
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
        // Built without `format!`: this runs for every route on every request.
        let mut scheme_and_authority =
            String::with_capacity(scheme.len() + 3 + authority.as_str().len());
        scheme_and_authority.push_str(scheme);
        scheme_and_authority.push_str("://");
        scheme_and_authority.push_str(authority.as_str());
        Ok(Origin {
            scheme_and_authority,
            base_path: uri.path().trim_end_matches('/').to_string(),
        })
    }

    /// The URL for a request's path and query (`/a?b=1`) on this origin.
    pub fn url_for(&self, path_and_query: &str) -> String {
        let mut url = String::with_capacity(
            self.scheme_and_authority.len() + self.base_path.len() + path_and_query.len(),
        );
        url.push_str(&self.scheme_and_authority);
        url.push_str(&self.base_path);
        url.push_str(path_and_query);
        url
    }
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
