//! From a request path to the origin files to try, and what counts as
//! Markdown.

/// The origin paths to fetch for a request path, in order: `/` and paths
/// ending in `/` get the index file; a last segment without an extension
/// tries `<path>.md` first, then the path as is (an extensionless file).
///
/// ```
/// use markdown::paths::candidates;
/// assert_eq!(candidates("/docs/", "README.md"), ["/docs/README.md"]);
/// assert_eq!(candidates("/guide", "README.md"), ["/guide.md", "/guide"]);
/// assert_eq!(candidates("/logo.png", "README.md"), ["/logo.png"]);
/// ```
pub fn candidates(path: &str, index_file: &str) -> Vec<String> {
    if path.is_empty() || path.ends_with('/') {
        let dir = if path.is_empty() { "/" } else { path };
        return vec![format!("{dir}{}", index_file.trim_start_matches('/'))];
    }
    let last = path.rsplit('/').next().unwrap_or(path);
    if last.contains('.') {
        vec![path.to_owned()]
    } else {
        vec![format!("{path}.md"), path.to_owned()]
    }
}

/// Whether a path names a Markdown file by its extension (`.md`,
/// `.markdown`, any case).
///
/// ```
/// assert!(markdown::paths::has_markdown_extension("/a/README.MD"));
/// assert!(!markdown::paths::has_markdown_extension("/a/notes.txt"));
/// ```
pub fn has_markdown_extension(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    let Some((_, extension)) = last.rsplit_once('.') else {
        return false;
    };
    extension.eq_ignore_ascii_case("md") || extension.eq_ignore_ascii_case("markdown")
}

/// Whether a `Content-Type` is Markdown (`text/markdown`, or the older
/// `text/x-markdown`), whatever its parameters.
///
/// ```
/// assert!(markdown::paths::is_markdown_type("text/markdown; charset=UTF-8"));
/// assert!(!markdown::paths::is_markdown_type("text/plain"));
/// ```
pub fn is_markdown_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/markdown") || essence.eq_ignore_ascii_case("text/x-markdown")
}

/// Whether a passed-through file of `content_type` is one a browser could
/// run script in when opened as a page: HTML, SVG, XML of any kind, or no
/// type at all (which a browser may sniff as HTML).
///
/// ```
/// use markdown::paths::is_active_type;
/// assert!(is_active_type(Some("image/svg+xml")));
/// assert!(is_active_type(None));
/// assert!(!is_active_type(Some("image/png")));
/// ```
pub fn is_active_type(content_type: Option<&str>) -> bool {
    let essence = content_type
        .and_then(|t| t.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.is_empty()
        || matches!(
            essence.as_str(),
            "text/html" | "application/xhtml+xml" | "text/xml" | "application/xml" | "text/xsl"
        )
        || essence.ends_with("+xml")
}

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
/// use markdown::paths::is_unsafe;
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
    fn index_files_and_extensions() {
        assert_eq!(candidates("/", "README.md"), ["/README.md"]);
        assert_eq!(candidates("", "index.md"), ["/index.md"]);
        assert_eq!(candidates("/a/", "/index.md"), ["/a/index.md"]);
        assert_eq!(
            candidates("/v1.2/notes", "README.md"),
            ["/v1.2/notes.md", "/v1.2/notes"]
        );
        assert_eq!(candidates("/a/b.markdown", "README.md"), ["/a/b.markdown"]);
    }

    #[test]
    fn markdown_by_name_or_type() {
        assert!(has_markdown_extension("/x.markdown"));
        assert!(!has_markdown_extension("/md"));
        assert!(!has_markdown_extension("/x.md/"));
        assert!(is_markdown_type("TEXT/X-MARKDOWN"));
        assert!(!is_markdown_type(""));
    }

    #[test]
    fn dot_segments_and_encoded_separators_are_unsafe() {
        for path in [
            "/..",
            "/./a",
            "/a/%2E%2E/b",
            "/a%2fb",
            "/a\\b",
            "/a/.%2e/b",
            "/..%5csecret.md",
            "/%252e%252e/secret.md",
            "/%c0%ae%c0%ae/secret.md",
            "/a%00.md",
        ] {
            assert!(is_unsafe(path), "{path}");
        }
        for path in ["/", "/a.b/c..d", "/.well-known/x", "/a/...md"] {
            assert!(!is_unsafe(path), "{path}");
        }
    }
}
