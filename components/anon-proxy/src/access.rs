//! `ACCESS_TOKEN`: who may use the proxy.

use edgekit::http::HeaderMap;
use edgekit::http::header::AUTHORIZATION;
use subtle::{ConstantTimeEq, ConstantTimeLess};

/// The token a client presented: `Authorization: Bearer <token>` first,
/// then the `token` query parameter.
pub fn presented<'a>(headers: &'a HeaderMap, query_token: Option<&'a str>) -> Option<&'a str> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    bearer.or(query_token)
}

/// Whether `given` equals `expected`, in time that depends only on the
/// length of `expected`: a client learns nothing from how long a wrong
/// guess takes, not even how many leading bytes it got right, nor the
/// token's length from guesses of other lengths.
pub fn token_matches(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    let mut same = (expected.len() as u64).ct_eq(&(given.len() as u64));
    for (i, byte) in expected.iter().enumerate() {
        // Past the end of `given`, compare with a byte that makes no
        // difference: the length check above has already failed.
        let in_range = (i as u64).ct_lt(&(given.len() as u64));
        let other = given.get(i).copied().unwrap_or(0);
        same &= !in_range | byte.ct_eq(&other);
    }
    same.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgekit::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(authorization).unwrap());
        headers
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(token_matches("s3cret-token", "s3cret-token"));
        for wrong in [
            "",
            "s",
            "s3cret-toke",
            "s3cret-tokenX",
            "S3cret-token",
            "s3cret-tokeN",
            "x3cret-token",
        ] {
            assert!(!token_matches("s3cret-token", wrong), "{wrong:?}");
        }
        assert!(!token_matches("abc", "abc\0"));
        assert!(!token_matches("abc\0", "abc"));
    }

    #[test]
    fn bearer_header_first_then_query() {
        assert_eq!(presented(&headers("Bearer abc"), Some("q")), Some("abc"));
        assert_eq!(presented(&headers("bearer  abc "), None), Some("abc"));
        assert_eq!(presented(&headers("Basic YTpi"), Some("q")), Some("q"));
        assert_eq!(presented(&HeaderMap::new(), Some("q")), Some("q"));
        assert_eq!(presented(&HeaderMap::new(), None), None);
    }
}
