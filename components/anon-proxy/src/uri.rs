//! The checked URL as the `http::Uri` that is sent.

use edgekit::http::Uri;
use url::Url;

/// The URI of `url`, from its WHATWG serialization: the host is exactly the
/// host the policy checked (an IPv4 address in dotted form, a domain in
/// IDNA ASCII), and every character the `http` crate refuses is already
/// percent-encoded by the serializer.
pub fn to_uri(url: &Url) -> Result<Uri, String> {
    url.as_str()
        .parse::<Uri>()
        .map_err(|_| "the target URL cannot be sent".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_carries_the_checked_host() {
        let url = Url::parse("http://0x7f.1:8080/a b?q=a|b^c{d}`e\"[f]\\g").unwrap();
        let uri = to_uri(&url).unwrap();
        assert_eq!(uri.host(), Some("127.0.0.1"));
        assert_eq!(uri.port_u16(), Some(8080));
        assert_eq!(uri.path(), "/a%20b");
        assert_eq!(uri.query(), Some("q=a|b^c{d}`e%22[f]\\g"));
        let url = Url::parse("https://B\u{fc}cher.example/caf\u{e9}?x=\u{e9}").unwrap();
        assert_eq!(
            to_uri(&url).unwrap().to_string(),
            "https://xn--bcher-kva.example/caf%C3%A9?x=%C3%A9"
        );
        let url = Url::parse("http://[::ffff:8.8.8.8]/").unwrap();
        assert_eq!(to_uri(&url).unwrap().host(), Some("[::ffff:808:808]"));
    }
}
