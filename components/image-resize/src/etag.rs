//! Strong `ETag`s for results, and `If-None-Match`.

/// FNV-1a, 64 bits: stable across builds and platforms (unlike `std`'s
/// hasher), and small.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The result's `ETag`: what identifies the source (its own ETag, or a
/// hash of its bytes) and everything that shapes the output.
pub fn etag(source: &[u8], transform: &str) -> String {
    let a = fnv1a(&[b"image-resize/1", source, transform.as_bytes()]);
    let b = fnv1a(&[transform.as_bytes(), source, b"image-resize/1"]);
    format!("\"{a:016x}{b:016x}\"")
}

/// Whether an `If-None-Match` header matches `etag` (weak comparison, as
/// RFC 9110 asks for this header).
pub fn none_match(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_change_with_source_and_transform() {
        let a = etag(b"\"v1\"", "w=100");
        assert_eq!(a, etag(b"\"v1\"", "w=100"));
        assert_ne!(a, etag(b"\"v2\"", "w=100"));
        assert_ne!(a, etag(b"\"v1\"", "w=101"));
        assert_eq!(a.len(), 34);
        assert!(a.starts_with('"') && a.ends_with('"'));
    }

    #[test]
    fn if_none_match_lists_match() {
        let tag = etag(b"x", "y");
        assert!(none_match(&tag, &tag));
        assert!(none_match(&format!("\"other\", W/{tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match("\"other\"", &tag));
    }
}
