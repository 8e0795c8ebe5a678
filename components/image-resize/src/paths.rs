//! Which request paths may be sent to the origin: none that any server
//! could read as leaving `ORIGIN`'s path.

/// How many times a path is percent-decoded when looking for what a server
/// might see: a proxy or framework in front of the origin may decode once
/// more than the origin itself (`%252e` → `%2e` → `.`).
const DECODINGS: usize = 3;

/// Whether `path` is unsafe to append to the origin's path: after each of
/// up to three rounds of percent-decoding, it has a `.` or `..` segment, a
/// backslash (a separator to Windows servers), an encoded `/`, a byte
/// below space, or bytes that are not UTF-8 (overlong forms such as
/// `%c0%af` are read as `/` by some servers).
///
/// ```
/// use image_resize::paths::is_unsafe;
/// assert!(is_unsafe("/..%5csecret.jpg"));
/// assert!(is_unsafe("/%252e%252e/secret.jpg"));
/// assert!(!is_unsafe("/photos/cat%20on%20mat.jpg"));
/// ```
pub fn is_unsafe(path: &str) -> bool {
    if !path.starts_with('/') {
        return true;
    }
    let mut current = path.as_bytes().to_vec();
    for _ in 0..DECODINGS {
        if has_unsafe_segment(&current) {
            return true;
        }
        let decoded = percent_decode(&current);
        // A `/` that appears only by decoding was an encoded separator.
        let slashes = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'/').count();
        if slashes(&decoded) != slashes(&current) || std::str::from_utf8(&decoded).is_err() {
            return true;
        }
        if decoded == current {
            return false;
        }
        current = decoded;
    }
    // Still encoded after three rounds: nobody needs that.
    true
}

fn has_unsafe_segment(path: &[u8]) -> bool {
    path.iter().any(|&b| b == b'\\' || b < 0x20 || b == 0x7F)
        || path
            .split(|&b| b == b'/')
            .any(|segment| segment == b"." || segment == b"..")
}

/// One round of percent-decoding; a `%` not followed by two hex digits
/// stays as it is.
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_climb_is_refused() {
        for bad in [
            "/../secret.jpg",
            "/a/%2E%2E/b.jpg",
            "/a/%2e./b",
            "/a%2fb",
            "/a%2Fb",
            "/a\\b",
            "/..%5csecret.jpg",
            "/..%5Csecret.jpg",
            "/%252e%252e/secret.jpg",
            "/%25252e%25252e/secret.jpg",
            "/a%255cb",
            "/%c0%ae%c0%ae/secret.jpg",
            "/%c0%af",
            "/a%00.jpg",
            "/a%0a.jpg",
            "a.jpg",
            "/./a",
            "/a/.",
            "/%2525252e",
        ] {
            assert!(is_unsafe(bad), "{bad}");
        }
    }

    #[test]
    fn ordinary_paths_pass() {
        for good in [
            "/a/b.jpg",
            "/cat%20on%20mat.jpg",
            "/%E2%82%AC.png",
            "/a..b/c...jpg",
            "/.well-known/x.png",
            "/100%.jpg",
            "/",
        ] {
            assert!(!is_unsafe(good), "{good}");
        }
    }
}
