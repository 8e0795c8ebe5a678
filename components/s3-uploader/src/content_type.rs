//! `ALLOWED_CONTENT_TYPES`: the declared type (its essence, see
//! [`crate::media_type`]) must match a pattern (`image/*`,
//! `application/pdf`, `*/*`), and the file's first bytes must not say
//! otherwise.

/// How many leading bytes [`sniff`] needs at most.
pub const SNIFF_BYTES: usize = 16;

/// Families whose files nearly all start with a signature: a type of
/// theirs that [`sniff`] does not know is accepted only when listed
/// exactly, never through `family/*` (`image/x` could be anything).
const SNIFFED_FAMILIES: [&str; 3] = ["image", "audio", "video"];

/// File signatures: a type, and the bytes its files start with (`None`
/// matches any byte). More specific signatures come first (`ftypavif`
/// before any `ftyp`).
const SIGNATURES: &[(&str, &[Option<u8>])] = &[
    ("image/avif", &ftyp(b"avif")),
    ("image/heic", &ftyp(b"heic")),
    ("video/quicktime", &ftyp(b"qt  ")),
    ("image/png", &bytes_of(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", &bytes_of(b"\xff\xd8\xff")),
    ("image/gif", &bytes_of(b"GIF8")),
    (
        "image/webp",
        &[
            Some(b'R'),
            Some(b'I'),
            Some(b'F'),
            Some(b'F'),
            None,
            None,
            None,
            None,
            Some(b'W'),
            Some(b'E'),
            Some(b'B'),
            Some(b'P'),
        ],
    ),
    ("image/bmp", &bytes_of(b"BM")),
    ("image/x-icon", &bytes_of(b"\0\0\x01\0")),
    ("image/tiff", &bytes_of(b"II*\0")),
    ("image/tiff", &bytes_of(b"MM\0*")),
    ("application/pdf", &bytes_of(b"%PDF-")),
    ("application/zip", &bytes_of(b"PK\x03\x04")),
    ("application/gzip", &bytes_of(b"\x1f\x8b")),
    ("application/wasm", &bytes_of(b"\0asm")),
    ("audio/mpeg", &bytes_of(b"ID3")),
    ("audio/ogg", &bytes_of(b"OggS")),
    ("audio/flac", &bytes_of(b"fLaC")),
    (
        "audio/wav",
        &[
            Some(b'R'),
            Some(b'I'),
            Some(b'F'),
            Some(b'F'),
            None,
            None,
            None,
            None,
            Some(b'W'),
            Some(b'A'),
            Some(b'V'),
            Some(b'E'),
        ],
    ),
    ("video/webm", &bytes_of(b"\x1a\x45\xdf\xa3")),
    (
        "video/mp4",
        &[
            None,
            None,
            None,
            None,
            Some(b'f'),
            Some(b't'),
            Some(b'y'),
            Some(b'p'),
        ],
    ),
    ("application/x-msdownload", &bytes_of(b"MZ")),
    ("application/x-executable", &bytes_of(b"\x7fELF")),
];

/// An ISO media file (`....ftyp<brand>`).
const fn ftyp(brand: &[u8; 4]) -> [Option<u8>; 12] {
    [
        None,
        None,
        None,
        None,
        Some(b'f'),
        Some(b't'),
        Some(b'y'),
        Some(b'p'),
        Some(brand[0]),
        Some(brand[1]),
        Some(brand[2]),
        Some(brand[3]),
    ]
}

const fn bytes_of<const N: usize>(bytes: &[u8; N]) -> [Option<u8>; N] {
    let mut out = [None; N];
    let mut i = 0;
    while i < N {
        out[i] = Some(bytes[i]);
        i += 1;
    }
    out
}

/// The type `head` (a file's first bytes) shows, when it has a known signature.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    SIGNATURES.iter().find_map(|(kind, signature)| {
        let matches = head.len() >= signature.len()
            && signature
                .iter()
                .zip(head)
                .all(|(expected, byte)| expected.is_none_or(|e| e == *byte));
        matches.then_some(*kind)
    })
}

/// Whether files of type `essence` have a signature [`sniff`] knows.
fn has_signature(essence: &str) -> bool {
    SIGNATURES.iter().any(|(kind, _)| *kind == essence)
}

/// Whether `essence` belongs to a family of [`SNIFFED_FAMILIES`].
fn in_sniffed_family(essence: &str) -> bool {
    essence
        .split_once('/')
        .is_some_and(|(family, _)| SNIFFED_FAMILIES.contains(&family))
}

/// The allowed types (`ALLOWED_CONTENT_TYPES`); empty allows any.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    patterns: Vec<String>,
}

impl Allowed {
    /// From the configured patterns; a bad one is named in the error.
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let mut checked = Vec::new();
        for pattern in patterns {
            let pattern = pattern.trim().to_ascii_lowercase();
            let valid = match pattern.split_once('/') {
                Some(("*", "*")) => true,
                Some((kind, sub)) => {
                    !kind.is_empty()
                        && !kind.contains('*')
                        && (sub == "*" || (!sub.is_empty() && !sub.contains('*')))
                }
                None => false,
            };
            if !valid {
                return Err(format!(
                    "ALLOWED_CONTENT_TYPES has a bad pattern: {pattern:?}"
                ));
            }
            checked.push(pattern);
        }
        Ok(Self { patterns: checked })
    }

    /// Whether any type goes.
    pub fn is_any(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether the essence `kind` matches a pattern.
    pub fn allows(&self, kind: &str) -> bool {
        self.is_any()
            || self
                .patterns
                .iter()
                .any(|pattern| match pattern.split_once('/') {
                    Some(("*", "*")) => true,
                    Some((family, "*")) => kind.split_once('/').is_some_and(|(f, _)| f == family),
                    _ => pattern == kind,
                })
    }

    /// Whether a pattern names `essence` itself, not through a wildcard.
    fn lists_exactly(&self, essence: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern == essence)
    }

    /// Checks the declared type's essence and the file's first bytes (up
    /// to [`SNIFF_BYTES`]); `Err` says why the upload is refused (`415`).
    /// With no list, anything goes and nothing is sniffed.
    pub fn check(&self, declared: &str, head: &[u8]) -> Result<(), String> {
        if self.is_any() {
            return Ok(());
        }
        if !self.allows(declared) {
            return Err(format!("content type {declared:?} is not allowed"));
        }
        let unknown_in_a_sniffed_family = !has_signature(declared)
            && in_sniffed_family(declared)
            && !self.lists_exactly(declared);
        match sniff(head) {
            Some(found) if !self.allows(found) => Err(format!(
                "the file's content is {found}, which is not allowed"
            )),
            Some(found) if has_signature(declared) && found != declared => {
                Err(format!("the file's content is {found}, not {declared}"))
            }
            None if has_signature(declared) => {
                Err(format!("the file's content does not look like {declared}"))
            }
            _ if unknown_in_a_sniffed_family => Err(format!(
                "the file's content cannot be checked as {declared}: list the type exactly to accept it"
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(patterns: &[&str]) -> Allowed {
        Allowed::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn sniffing_knows_common_signatures() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), Some("audio/wav"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0AVI LIST"), None);
        assert_eq!(sniff(b"\0\0\0\x1cftypavif"), Some("image/avif"));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom"), Some("video/mp4"));
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b"\x89PN"), None);
    }

    #[test]
    fn patterns_match_families_and_exact_types() {
        let list = allowed(&["image/*", "application/PDF"]);
        assert!(list.allows("image/png"));
        assert!(list.allows("application/pdf"));
        assert!(!list.allows("application/zip"));
        assert!(!list.allows("imagex/png"));
        assert!(allowed(&["*/*"]).allows("text/plain"));
        assert!(Allowed::new(&["image".into()]).is_err());
        assert!(Allowed::new(&["*/png".into()]).is_err());
        assert!(Allowed::new(&["image/p*".into()]).is_err());
    }

    #[test]
    fn the_declared_type_must_be_allowed() {
        let list = allowed(&["image/*"]);
        assert!(list.check("image/png", b"\x89PNG\r\n\x1a\n").is_ok());
        assert!(list.check("text/html", b"<html>").is_err());
        assert!(list.check("image/jpeg", b"\xff\xd8\xff\xe0").is_ok());
    }

    #[test]
    fn an_unknown_type_of_a_sniffed_family_needs_an_exact_listing() {
        let list = allowed(&["image/*"]);
        assert!(list.check("image/x", b"<html><script>").is_err());
        assert!(list.check("image/x", b"\x89PNG\r\n\x1a\n....").is_err());
        assert!(list.check("image/svg+xml", b"<svg></svg>").is_err());
        let list = allowed(&["image/*", "image/svg+xml", "application/*"]);
        assert!(list.check("image/svg+xml", b"<svg></svg>").is_ok());
        assert!(list.check("application/json", b"{}").is_ok());
        assert!(list.check("image/avif", b"\0\0\0\x1cftypavif").is_ok());
        assert!(list.check("image/avif", b"\0\0\0\x1cftypisom").is_err());
    }

    #[test]
    fn bytes_that_contradict_the_declared_type_are_refused() {
        let list = allowed(&["image/*"]);
        // PNG declared, JPEG inside.
        assert!(list.check("image/png", b"\xff\xd8\xff\xe0").is_err());
        // An image type with text inside.
        assert!(list.check("image/png", b"<svg onload=...>").is_err());
        // A type without a known signature, outside the sniffed families,
        // is taken at its word...
        let list = allowed(&["image/*", "text/plain"]);
        assert!(list.check("text/plain", b"just text").is_ok());
        // ...unless the bytes are something known and not allowed.
        assert!(list.check("text/plain", b"MZ\x90\0").is_err());
    }

    #[test]
    fn no_list_allows_anything() {
        assert!(
            Allowed::default()
                .check("application/x-anything", b"MZ")
                .is_ok()
        );
    }
}
