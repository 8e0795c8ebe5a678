//! Object keys: checking a client-given name, and making random or
//! content-addressed ones.

use std::fmt;

/// The longest key S3 accepts, in bytes (prefix included).
pub const MAX_KEY_BYTES: usize = 1024;

/// Why a key was refused (answered with `400`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadKey {
    /// No key at all.
    Empty,
    /// Starts with `/`.
    LeadingSlash,
    /// Two slashes in a row, or a trailing one.
    EmptySegment,
    /// A `.` or `..` segment.
    DotSegment,
    /// A control character.
    ControlCharacter,
    /// A backslash.
    Backslash,
    /// Longer than [`MAX_KEY_BYTES`] with the prefix.
    TooLong,
    /// Percent-encoding that does not decode to UTF-8.
    NotUtf8,
}

impl fmt::Display for BadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BadKey::Empty => "the key is empty",
            BadKey::LeadingSlash => "the key starts with '/'",
            BadKey::EmptySegment => "the key has an empty segment ('//' or a trailing '/')",
            BadKey::DotSegment => "the key has a '.' or '..' segment",
            BadKey::ControlCharacter => "the key has a control character",
            BadKey::Backslash => "the key has a backslash",
            BadKey::TooLong => "the key is longer than 1024 bytes",
            BadKey::NotUtf8 => "the key is not valid UTF-8",
        })
    }
}

/// The key named by a request path (`/photos/cat.jpg` → `photos/cat.jpg`),
/// percent-decoded.
///
/// ```ignore
/// assert_eq!(key_from_path("/a%20b.txt").unwrap(), "a b.txt");
/// ```
pub fn key_from_path(path: &str) -> Result<String, BadKey> {
    let encoded = path.strip_prefix('/').unwrap_or(path);
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .map(|key| key.into_owned())
        .map_err(|_| BadKey::NotUtf8)
}

/// Checks a client-given `name` and puts `prefix` before it.
pub fn checked(prefix: &str, name: &str) -> Result<String, BadKey> {
    check_name(name)?;
    let key = format!("{prefix}{name}");
    if key.len() > MAX_KEY_BYTES {
        return Err(BadKey::TooLong);
    }
    Ok(key)
}

/// The rules every client-given name keeps (see [`BadKey`]).
pub fn check_name(name: &str) -> Result<(), BadKey> {
    if name.is_empty() {
        return Err(BadKey::Empty);
    }
    if name.starts_with('/') {
        return Err(BadKey::LeadingSlash);
    }
    if name.chars().any(char::is_control) {
        return Err(BadKey::ControlCharacter);
    }
    if name.contains('\\') {
        return Err(BadKey::Backslash);
    }
    if name.len() > MAX_KEY_BYTES {
        return Err(BadKey::TooLong);
    }
    for segment in name.split('/') {
        match segment {
            "" => return Err(BadKey::EmptySegment),
            "." | ".." => return Err(BadKey::DotSegment),
            _ => {}
        }
    }
    Ok(())
}

/// Checks `KEY_PREFIX`: empty, or segments that keep the rules, optionally
/// ending with `/`.
pub fn check_prefix(prefix: &str) -> Result<(), BadKey> {
    match prefix.strip_suffix('/') {
        _ if prefix.is_empty() => Ok(()),
        Some(inner) => check_name(inner),
        None => check_name(prefix),
    }
}

/// The extension of `name`'s last segment, with its dot, lower-cased, when
/// it is short and plain (`cat.JPG` → `.jpg`); anything else gives none.
pub fn extension(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rfind('.') {
        Some(dot) if dot > 0 => {
            let ext = &last[dot..];
            let plain = ext.len() <= 11 && ext[1..].bytes().all(|b| b.is_ascii_alphanumeric());
            if plain && ext.len() > 1 {
                ext.to_ascii_lowercase()
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// A random version-4 UUID, from the host's secure random source.
pub fn random_uuid() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = crate::hex::hex(&bytes);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_pass_with_their_prefix() {
        assert_eq!(
            checked("up/", "photos/cat.jpg").unwrap(),
            "up/photos/cat.jpg"
        );
        assert_eq!(checked("", "a b ü.txt").unwrap(), "a b ü.txt");
    }

    #[test]
    fn each_bad_key_is_refused_for_its_reason() {
        assert_eq!(checked("", ""), Err(BadKey::Empty));
        assert_eq!(checked("", "/etc/passwd"), Err(BadKey::LeadingSlash));
        assert_eq!(checked("", "a//b"), Err(BadKey::EmptySegment));
        assert_eq!(checked("", "a/"), Err(BadKey::EmptySegment));
        assert_eq!(checked("", "a/../b"), Err(BadKey::DotSegment));
        assert_eq!(checked("", ".."), Err(BadKey::DotSegment));
        assert_eq!(checked("", "./a"), Err(BadKey::DotSegment));
        assert_eq!(checked("", "a\nb"), Err(BadKey::ControlCharacter));
        assert_eq!(checked("", "a\u{7f}b"), Err(BadKey::ControlCharacter));
        assert_eq!(checked("", "a\\b"), Err(BadKey::Backslash));
        assert_eq!(checked("", &"x".repeat(1025)), Err(BadKey::TooLong));
        assert_eq!(checked("p/", &"x".repeat(1023)), Err(BadKey::TooLong));
        assert!(checked("", &"x".repeat(1024)).is_ok());
    }

    #[test]
    fn dots_inside_names_are_fine() {
        assert!(checked("", "a..b/.hidden/x.tar.gz").is_ok());
    }

    #[test]
    fn paths_are_percent_decoded_before_the_checks() {
        assert_eq!(key_from_path("/a%20b.txt").unwrap(), "a b.txt");
        assert_eq!(key_from_path("/a%2F..%2Fb").unwrap(), "a/../b");
        assert_eq!(
            checked("", &key_from_path("/a%2F..%2Fb").unwrap()),
            Err(BadKey::DotSegment)
        );
        assert_eq!(key_from_path("//x").unwrap(), "/x");
        assert_eq!(key_from_path("/%ff"), Err(BadKey::NotUtf8));
        assert_eq!(
            checked("", &key_from_path("/a%00").unwrap()),
            Err(BadKey::ControlCharacter)
        );
    }

    #[test]
    fn prefixes_may_end_with_a_slash() {
        assert!(check_prefix("").is_ok());
        assert!(check_prefix("uploads/").is_ok());
        assert!(check_prefix("uploads/2026-").is_ok());
        assert!(check_prefix("/uploads").is_err());
        assert!(check_prefix("../x/").is_err());
    }

    #[test]
    fn extensions_are_kept_only_when_plain() {
        assert_eq!(extension("cat.JPG"), ".jpg");
        assert_eq!(extension("a/b/archive.tar.gz"), ".gz");
        assert_eq!(extension("noext"), "");
        assert_eq!(extension(".hidden"), "");
        assert_eq!(extension("x.<script>"), "");
        assert_eq!(extension("dir.d/file"), "");
    }

    #[test]
    fn uuids_are_version_4_and_differ() {
        let a = random_uuid().unwrap();
        let b = random_uuid().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
