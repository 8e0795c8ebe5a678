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

/// Whether a path is one the component refuses to pass to the origin: dot
/// segments (`..` could climb out of the origin's prefix once a server
/// normalises them) and encoded slashes or backslashes.
///
/// ```
/// assert!(markdown::paths::is_unsafe("/a/../secret"));
/// assert!(markdown::paths::is_unsafe("/a/%2e%2e/secret"));
/// assert!(!markdown::paths::is_unsafe("/a/b.md"));
/// ```
pub fn is_unsafe(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("%2f") || lower.contains("%5c") || lower.contains('\\') || {
        lower
            .split('/')
            .any(|segment| matches!(segment.replace("%2e", ".").as_str(), "." | ".."))
    }
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
        for path in ["/..", "/./a", "/a/%2E%2E/b", "/a%2fb", "/a\\b", "/a/.%2e/b"] {
            assert!(is_unsafe(path), "{path}");
        }
        for path in ["/", "/a.b/c..d", "/.well-known/x", "/a/...md"] {
            assert!(!is_unsafe(path), "{path}");
        }
    }
}
