//! `ETag`s over the rendered output and `If-None-Match` matching.

use std::hash::Hasher;

/// A strong entity tag for `body`: a 64-bit hash of it, hex, quoted.
///
/// SipHash with fixed keys (what `DefaultHasher::new` is) is stable for a
/// given build, which is all a validator needs: after a redeploy a changed
/// tag costs one full response.
///
/// ```
/// let tag = markdown::etag::etag(b"<p>hi</p>");
/// assert_eq!(tag, markdown::etag::etag(b"<p>hi</p>"));
/// assert!(tag.starts_with('"') && tag.len() == 18);
/// ```
pub fn etag(body: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(body);
    format!("\"{:016x}\"", hasher.finish())
}

/// Whether an `If-None-Match` header value matches `etag` (weak comparison,
/// as RFC 9110 asks for `If-None-Match`).
///
/// ```
/// use markdown::etag::matches;
/// assert!(matches(r#"W/"abc", "def""#, r#""abc""#));
/// assert!(matches("*", r#""abc""#));
/// assert!(!matches(r#""abcd""#, r#""abc""#));
/// ```
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    let ours = opaque(etag);
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || opaque(tag) == ours)
}

fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_bodies_different_tags() {
        assert_ne!(etag(b"a"), etag(b"b"));
        assert_eq!(etag(b""), etag(b""));
    }

    #[test]
    fn lists_weak_tags_and_garbage() {
        let tag = etag(b"page");
        assert!(matches(&format!("\"x\", W/{tag}"), &tag));
        assert!(!matches("\"x\", \"y\"", &tag));
        assert!(!matches("", &tag));
        assert!(!matches(",,,", &tag));
    }
}
