//! The full HTML page around a rendered fragment.

use crate::config::Theme;

/// The parts of every page that come from the configuration.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The built-in stylesheet's colours.
    pub theme: Theme,
    /// An extra stylesheet, linked after the built-in one.
    pub css_url: Option<String>,
    /// The site's name, shown in a header linking to `/`.
    pub site_title: Option<String>,
    /// The footer, already rendered from Markdown.
    pub footer_html: Option<String>,
    /// Trusted HTML for `<head>`, added as is.
    pub head_html: Option<String>,
}

const STYLE: &str = include_str!("style.css");

impl Layout {
    /// A whole page: `<title>` is `title`, the body is `content` (HTML).
    ///
    /// ```
    /// let page = markdown::page::Layout::default().page("A <b>", "<p>hi</p>");
    /// assert!(page.starts_with("<!DOCTYPE html>"));
    /// assert!(page.contains("<title>A &lt;b&gt;</title>"));
    /// assert!(page.contains("<main>\n<p>hi</p>"));
    /// ```
    pub fn page(&self, title: &str, content: &str) -> String {
        let theme = match self.theme {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        };
        let mut html = String::with_capacity(content.len() + STYLE.len() + 1024);
        html.push_str("<!DOCTYPE html>\n<html data-theme=\"");
        html.push_str(theme);
        html.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.push_str("<title>");
        html.push_str(&escape(title));
        html.push_str("</title>\n<style>");
        html.push_str(STYLE);
        html.push_str("</style>\n");
        if let Some(css_url) = &self.css_url {
            html.push_str("<link rel=\"stylesheet\" href=\"");
            html.push_str(&escape(css_url));
            html.push_str("\">\n");
        }
        if let Some(head_html) = &self.head_html {
            html.push_str(head_html);
            html.push('\n');
        }
        html.push_str("</head>\n<body>\n");
        if let Some(site_title) = &self.site_title {
            html.push_str("<header class=\"site-header\"><a href=\"/\">");
            html.push_str(&escape(site_title));
            html.push_str("</a></header>\n");
        }
        html.push_str("<main>\n");
        html.push_str(content);
        html.push_str("</main>\n");
        if let Some(footer) = &self.footer_html {
            html.push_str("<footer class=\"site-footer\">\n");
            html.push_str(footer);
            html.push_str("</footer>\n");
        }
        html.push_str("</body>\n</html>\n");
        html
    }

    /// A page for an error: a heading and a sentence.
    ///
    /// ```
    /// let page = markdown::page::Layout::default().error_page("Not found", "No such page.");
    /// assert!(page.contains("<h1>Not found</h1>\n<p>No such page.</p>"));
    /// ```
    pub fn error_page(&self, heading: &str, message: &str) -> String {
        let content = format!("<h1>{}</h1>\n<p>{}</p>\n", escape(heading), escape(message));
        self.page(heading, &content)
    }
}

/// `text` with the HTML special characters escaped, for text and quoted
/// attribute values.
///
/// ```
/// assert_eq!(markdown::page::escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_parts_appear_only_when_set() {
        let bare = Layout::default().page("t", "<p>x</p>\n");
        assert!(!bare.contains("<link") && !bare.contains("<header") && !bare.contains("<footer"));
        assert!(bare.contains("data-theme=\"auto\""));
        let full = Layout {
            theme: Theme::Dark,
            css_url: Some("https://cdn.example/a.css?x=1&y=\"2\"".into()),
            site_title: Some("Docs & <Co>".into()),
            footer_html: Some("<p>© us</p>\n".into()),
            head_html: Some("<meta name=\"x\" content=\"y\">".into()),
        }
        .page("t", "<p>x</p>\n");
        assert!(full.contains("data-theme=\"dark\""));
        assert!(full.contains(
            "<link rel=\"stylesheet\" href=\"https://cdn.example/a.css?x=1&amp;y=&quot;2&quot;\">"
        ));
        assert!(full.contains("<a href=\"/\">Docs &amp; &lt;Co&gt;</a>"));
        assert!(full.contains("<footer class=\"site-footer\">\n<p>© us</p>"));
        let head_end = full.find("</head>").unwrap();
        assert!(full[..head_end].contains("<meta name=\"x\" content=\"y\">"));
    }
}
