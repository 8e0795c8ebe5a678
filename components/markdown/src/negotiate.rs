//! Whether a client asked for the Markdown source instead of HTML.

/// True when `Accept` prefers `text/markdown` to `text/html` (a listed
/// `text/markdown` with a quality above zero and above any `text/html`), or
/// the query has `raw=1` / `raw=true`.
///
/// ```
/// use markdown::negotiate::wants_source;
/// assert!(wants_source(Some("text/markdown"), None));
/// assert!(wants_source(None, Some("raw=1")));
/// assert!(!wants_source(Some("text/html,text/markdown;q=0.9"), None));
/// assert!(!wants_source(Some("*/*"), None));
/// ```
pub fn wants_source(accept: Option<&str>, query: Option<&str>) -> bool {
    let raw = query.is_some_and(|q| {
        q.split('&')
            .any(|pair| matches!(pair, "raw=1" | "raw=true" | "raw"))
    });
    raw || accept.is_some_and(prefers_markdown)
}

fn prefers_markdown(accept: &str) -> bool {
    let (mut markdown, mut html) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/markdown" => markdown = markdown.max(quality),
            "text/html" => html = html.max(quality),
            _ => {}
        }
    }
    markdown > 0.0 && markdown > html
}

#[cfg(test)]
mod tests {
    use super::wants_source;

    #[test]
    fn browsers_get_html_and_markdown_clients_the_source() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(!wants_source(Some(browser), None));
        assert!(wants_source(Some("text/markdown, text/html;q=0.5"), None));
        assert!(wants_source(Some("TEXT/MARKDOWN;charset=utf-8"), None));
        assert!(!wants_source(Some("text/markdown;q=0"), None));
        assert!(!wants_source(None, Some("raw=0&x=1")));
        assert!(wants_source(None, Some("x=1&raw=true")));
        assert!(!wants_source(None, None));
    }
}
