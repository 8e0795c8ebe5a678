//! The allowlist sanitizer behind `RAW_HTML=sanitize`: what Markdown itself
//! produces survives; scripts, event handlers, frames, objects, styles and
//! dangerous URLs do not.

/// A sanitizer for rendered Markdown.
///
/// ```
/// let clean = markdown::sanitize::Sanitizer::new();
/// let html = clean.clean(r#"<p onclick="x()">hi<script>alert(1)</script></p>"#);
/// assert_eq!(html, "<p>hi</p>");
/// ```
pub struct Sanitizer {
    builder: ammonia::Builder<'static>,
}

/// The image types allowed as `data:` URLs in `<img src>`, the same set
/// Comrak lets through in its safe mode.
const SAFE_DATA_IMAGES: [&str; 4] = [
    "data:image/png",
    "data:image/gif",
    "data:image/jpeg",
    "data:image/webp",
];

impl Sanitizer {
    /// Ammonia's defaults plus what the Markdown renderer itself emits:
    /// heading anchors, task-list checkboxes, table alignment, code-block
    /// languages and footnotes.
    pub fn new() -> Sanitizer {
        let mut builder = ammonia::Builder::default();
        builder
            // Links look the same whether or not a document had raw HTML
            // (without any, the sanitizer is not needed and does not run).
            .link_rel(None)
            .add_tags(["input", "section"])
            .add_tag_attributes("a", ["id", "class", "aria-label", "data-footnote-ref"])
            .add_tag_attributes(
                "a",
                [
                    "data-footnote-backref",
                    "data-footnote-backref-idx",
                    "data-heading-content",
                ],
            )
            .add_tag_attributes("input", ["checked", "disabled"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .add_tag_attributes("section", ["class", "data-footnotes"])
            .add_tag_attributes("li", ["id", "class"])
            .add_tag_attributes("ul", ["class"])
            .add_tag_attributes("sup", ["class"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("pre", ["lang"])
            .add_tag_attributes("th", ["align"])
            .add_tag_attributes("td", ["align"])
            .add_url_schemes(["data"])
            .attribute_filter(|element, attribute, value| {
                let lower = value.trim_start().to_ascii_lowercase();
                if !lower.starts_with("data:") {
                    return Some(value.into());
                }
                let image = element == "img" && attribute == "src";
                let safe = image && SAFE_DATA_IMAGES.iter().any(|t| lower.starts_with(t));
                safe.then(|| value.into())
            });
        for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            builder.add_tag_attributes(heading, ["id"]);
        }
        Sanitizer { builder }
    }

    /// `html` with everything outside the allowlist removed.
    pub fn clean(&self, html: &str) -> String {
        let document = self.builder.clean(html);
        // Serialized straight into a buffer of about the output's size: the
        // `Display` route serializes into a growing buffer and then copies
        // it again into a second growing `String`.
        let mut out = Vec::with_capacity(html.len());
        // Writing into a `Vec` cannot fail.
        let _ = document.write_to(&mut out);
        // html5ever writes only UTF-8 (`Display` relies on that too).
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl Default for Sanitizer {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::Sanitizer;

    fn clean(html: &str) -> String {
        Sanitizer::new().clean(html)
    }

    #[test]
    fn scripts_handlers_and_frames_go() {
        assert_eq!(clean("<script>alert(1)</script>ok"), "ok");
        assert_eq!(
            clean(r#"<img src="x.png" onerror="alert(1)">"#),
            r#"<img src="x.png">"#
        );
        assert_eq!(clean(r#"<iframe src="https://e.x/"></iframe>ok"#), "ok");
        assert_eq!(clean(r#"<object data="x.swf"></object>ok"#), "ok");
        assert_eq!(clean("<style>p{}</style>ok"), "ok");
        let svg = clean(r#"<svg onload="alert(1)"><script>alert(2)</script></svg>ok"#);
        assert!(!svg.contains("alert"), "{svg}");
    }

    #[test]
    fn dangerous_urls_go_however_they_are_spelled() {
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "&#106;avascript:alert(1)",
            "java\tscript:alert(1)",
            "&#x6A;&#x61;vascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
        ] {
            let html = clean(&format!(r#"<a href="{href}">x</a>"#));
            assert!(!html.contains("href"), "{href} -> {html}");
        }
    }

    #[test]
    fn data_urls_stay_only_on_images_of_safe_types() {
        let png = r#"<img src="data:image/png;base64,iVBORw0KGgo=">"#;
        assert_eq!(clean(png), png);
        let svg = clean(r#"<img src="data:image/svg+xml;base64,PHN2Zz4=">"#);
        assert_eq!(svg, "<img>");
    }

    #[test]
    fn what_markdown_produces_survives() {
        let kept = [
            r##"<h2 id="intro">Intro<a href="#intro" aria-label="Link to heading 'Intro'" data-heading-content="Intro" class="anchor"></a></h2>"##,
            r#"<ul>
<li><input type="checkbox" checked="" disabled=""> done</li>
</ul>"#,
            r#"<table><thead><tr><th align="right">n</th></tr></thead></table>"#,
            r#"<pre><code class="language-rust">fn main() {}
</code></pre>"#,
        ];
        for html in kept {
            assert_eq!(clean(html), html);
        }
        assert_eq!(
            clean(r#"<input type="text" value="x">"#),
            "<input>",
            "only checkboxes"
        );
    }
}
