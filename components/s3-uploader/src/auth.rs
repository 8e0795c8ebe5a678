//! `UPLOAD_TOKEN`: the bearer token uploaders present, compared in
//! constant time.

use edgekit::http::HeaderMap;
use edgekit::http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Whether `headers` carry `Authorization: Bearer <token>`.
///
/// Both sides are hashed first, so the comparison takes the same time
/// whatever the lengths.
pub fn is_authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(presented) = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, rest) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
    else {
        return false;
    };
    let presented = Sha256::digest(presented.as_bytes());
    let expected = Sha256::digest(token.as_bytes());
    presented.as_slice().ct_eq(expected.as_slice()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(is_authorized(&with("Bearer s3cret"), "s3cret"));
        assert!(is_authorized(&with("bearer  s3cret "), "s3cret"));
        assert!(!is_authorized(&with("Bearer s3cre"), "s3cret"));
        assert!(!is_authorized(&with("Bearer s3cret2"), "s3cret"));
        assert!(!is_authorized(&with("Basic s3cret"), "s3cret"));
        assert!(!is_authorized(&with("s3cret"), "s3cret"));
        assert!(!is_authorized(&HeaderMap::new(), "s3cret"));
    }
}
