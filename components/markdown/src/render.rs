//! Markdown to an HTML fragment, under a flavor and a raw-HTML policy.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, format_html, parse_document};

use crate::budget::{Budget, CappedHtml, TooComplex};
use crate::config::{Flavor, RawHtml};
use crate::sanitize::Sanitizer;
use crate::{nesting, tagfilter};

/// Renders Markdown; build one per request from the configuration.
///
/// ```
/// use markdown::config::{Flavor, RawHtml};
/// use markdown::render::Renderer;
///
/// let out = Renderer::new(Flavor::Gfm, RawHtml::Sanitize).render("# Hi\n\n~~old~~ <b onclick=x>new</b>");
/// assert_eq!(out.title.as_deref(), Some("Hi"));
/// assert!(out.html.contains("<del>old</del> <b>new</b>"));
/// ```
pub struct Renderer {
    tagfilter: bool,
    options: Options<'static>,
    /// Raw HTML escaped, dangerous URLs emptied: safe without the sanitizer.
    safe_options: Options<'static>,
    sanitizer: Option<Sanitizer>,
}

/// Output nested deeper than this is not sanitized (see [`crate::nesting`]):
/// the document is rendered again with raw HTML escaped instead. The
/// sanitizer's parser walks the open elements at each tag, so this bounds
/// its work per tag; real documents nest a dozen levels or so.
pub const MAX_SANITIZED_DEPTH: usize = 128;

/// The GFM extensions, each on or off; `FLAVOR=gfm` turns them all on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GfmExtensions {
    /// Pipe tables.
    pub table: bool,
    /// `~~struck~~` text.
    pub strikethrough: bool,
    /// `- [x]` task list items.
    pub tasklist: bool,
    /// Links from bare `www.`, `http(s)://` and e-mail addresses.
    pub autolink: bool,
    /// `[^1]` footnotes.
    pub footnotes: bool,
    /// The tag filter on raw HTML (only matters when raw HTML is allowed).
    pub tagfilter: bool,
}

impl GfmExtensions {
    /// Every extension on.
    pub const ALL: GfmExtensions = GfmExtensions {
        table: true,
        strikethrough: true,
        tasklist: true,
        autolink: true,
        footnotes: true,
        tagfilter: true,
    };

    /// Every extension off: GFM's core, CommonMark as GitHub renders it.
    pub const NONE: GfmExtensions = GfmExtensions {
        table: false,
        strikethrough: false,
        tasklist: false,
        autolink: false,
        footnotes: false,
        tagfilter: false,
    };
}

/// A rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML fragment.
    pub html: String,
    /// The plain text of the first heading, if there is one.
    pub title: Option<String>,
}

impl Renderer {
    /// A renderer that gives headings ids (and anchor links) for linking.
    pub fn new(flavor: Flavor, raw_html: RawHtml) -> Renderer {
        let mut renderer = Renderer::spec(flavor, raw_html);
        for options in [&mut renderer.options, &mut renderer.safe_options] {
            options.extension.header_id_prefix = Some(String::new());
        }
        renderer
    }

    /// A renderer whose output is exactly what the flavor's spec says: no
    /// heading ids, which are an addition of this component.
    pub fn spec(flavor: Flavor, raw_html: RawHtml) -> Renderer {
        match flavor {
            Flavor::Gfm => Renderer::gfm(GfmExtensions::ALL, raw_html),
            Flavor::CommonMark => Renderer::with_options(Options::default(), false, raw_html),
        }
    }

    /// A GFM renderer with only some extensions (the GFM spec's examples
    /// each name the one extension they exercise).
    pub fn gfm(extensions: GfmExtensions, raw_html: RawHtml) -> Renderer {
        let mut options = Options::default();
        let extension = &mut options.extension;
        extension.table = extensions.table;
        extension.strikethrough = extensions.strikethrough;
        extension.tasklist = extensions.tasklist;
        extension.autolink = extensions.autolink;
        extension.footnotes = extensions.footnotes;
        // GitHub renders `**a **b****` as one `<strong>`, as cmark-gfm does.
        options.render.gfm_quirks = true;
        Renderer::with_options(options, extensions.tagfilter, raw_html)
    }

    fn with_options(mut options: Options<'static>, tagfilter: bool, raw_html: RawHtml) -> Renderer {
        // Raw HTML reaches the output only when it is kept (`allow`) or
        // kept for the sanitizer; `escape` shows it as text. Dangerous link
        // and image URLs are neutralised by Comrak in the `escape` mode and
        // by the sanitizer in the `sanitize` mode.
        options.render.r#unsafe = raw_html != RawHtml::Escape;
        options.render.escape = raw_html == RawHtml::Escape;
        let mut safe_options = options.clone();
        safe_options.render.r#unsafe = false;
        safe_options.render.escape = true;
        Renderer {
            tagfilter: tagfilter && raw_html == RawHtml::Allow,
            options,
            safe_options,
            sanitizer: (raw_html == RawHtml::Sanitize).then(Sanitizer::new),
        }
    }

    /// Renders `markdown` into an HTML fragment, with no memory budget
    /// (for trusted input: the spec tests, benchmarks).
    pub fn render(&self, markdown: &str) -> Rendered {
        let unlimited = Budget::of(u64::MAX);
        match self.render_within(markdown, &unlimited) {
            Ok(rendered) => rendered,
            Err(_) => Rendered {
                html: String::new(),
                title: None,
            },
        }
    }

    /// Renders `markdown` into an HTML fragment within `budget`: a
    /// document whose syntax tree could pass it is refused before it is
    /// parsed, and HTML past it is refused as it is written.
    pub fn render_within(&self, markdown: &str, budget: &Budget) -> Result<Rendered, TooComplex> {
        let tree = budget.check_source(markdown)?;
        let (formatted, title) = self.format(markdown, budget.output_cap(tree))?;
        let html = match formatted {
            Formatted::Final(html) => html,
            Formatted::ToSanitize(html, sanitizer) => {
                if html.len() > budget.sanitizer_cap() {
                    return Err(TooComplex::Output);
                }
                sanitizer.clean(&html)
            }
        };
        Ok(Rendered { html, title })
    }

    /// Parses and formats `markdown` (at most `cap` bytes of HTML), and
    /// returns its first heading's text. The syntax tree lives only in
    /// here: it is freed before the sanitizer builds its own tree of the
    /// output, so the two never take memory at the same time.
    fn format<'s>(
        &'s self,
        markdown: &str,
        cap: usize,
    ) -> Result<(Formatted<'s>, Option<String>), TooComplex> {
        let arena = Arena::new();
        let root = parse_document(&arena, markdown, &self.options);
        let mut title = None;
        let mut has_raw_html = false;
        for node in root.descendants() {
            let mut data = node.data_mut();
            let literal = match &mut data.value {
                NodeValue::Heading(_) if title.is_none() => {
                    drop(data);
                    title = Some(node.collect_text());
                    continue;
                }
                NodeValue::HtmlBlock(block) => &mut block.literal,
                NodeValue::HtmlInline(literal) => literal,
                _ => continue,
            };
            has_raw_html = true;
            if self.tagfilter
                && let Some(filtered) = tagfilter::filter(literal)
            {
                *literal = filtered;
            }
        }
        let formatted = match &self.sanitizer {
            // Without raw HTML, Comrak's own safe output is already what the
            // sanitizer would keep: dangerous URLs emptied, nothing else to
            // remove. The sanitizer's HTML parser is the slow part.
            Some(_) if !has_raw_html => Formatted::Final(format(root, &self.safe_options, cap)?),
            Some(sanitizer) => {
                let html = format(root, &self.options, cap)?;
                if nesting::max_depth(&html) <= MAX_SANITIZED_DEPTH {
                    Formatted::ToSanitize(html, sanitizer)
                } else {
                    drop(html);
                    Formatted::Final(format(root, &self.safe_options, cap)?)
                }
            }
            None => Formatted::Final(format(root, &self.options, cap)?),
        };
        let title = title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        Ok((formatted, title))
    }
}

/// Formatted HTML: the answer, or what the sanitizer still has to clean.
enum Formatted<'s> {
    Final(String),
    ToSanitize(String, &'s Sanitizer),
}

/// The HTML for a parsed document, if it fits in `cap` bytes.
fn format<'a>(root: &'a AstNode<'a>, options: &Options, cap: usize) -> Result<String, TooComplex> {
    let mut out = CappedHtml::new(cap);
    // The only write that fails is one past the cap.
    match format_html(root, options, &mut out) {
        Ok(()) if !out.overflowed => Ok(out.html),
        _ => Err(TooComplex::Output),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(flavor: Flavor, raw: RawHtml, md: &str) -> String {
        Renderer::spec(flavor, raw).render(md).html
    }

    #[test]
    fn gfm_extensions_only_in_gfm() {
        let md = "| a |\n|---|\n| b |\n\n~~x~~ www.example.com - [ ] t\n";
        let gfm = render(Flavor::Gfm, RawHtml::Allow, md);
        assert!(
            gfm.contains("<table>") && gfm.contains("<del>x</del>"),
            "{gfm}"
        );
        assert!(
            gfm.contains(r#"<a href="http://www.example.com">"#),
            "{gfm}"
        );
        let cm = render(Flavor::CommonMark, RawHtml::Allow, md);
        assert!(!cm.contains("<table>") && !cm.contains("<del>") && !cm.contains("<a "));
    }

    #[test]
    fn raw_html_policies() {
        let md = "<script>alert(1)</script>\n\n<b onclick=\"x()\">b</b> [l](javascript:alert(1))\n";
        let allowed = render(Flavor::CommonMark, RawHtml::Allow, md);
        assert!(allowed.contains("<script>alert(1)</script>"));
        assert!(allowed.contains(r#"href="javascript:alert(1)""#));
        let filtered = render(Flavor::Gfm, RawHtml::Allow, md);
        assert!(
            filtered.contains("&lt;script>alert(1)&lt;/script>"),
            "{filtered}"
        );
        let escaped = render(Flavor::Gfm, RawHtml::Escape, md);
        assert!(escaped.contains("&lt;script&gt;") && !escaped.contains("javascript"));
        let sanitized = render(Flavor::Gfm, RawHtml::Sanitize, md);
        assert!(!sanitized.contains("script") && !sanitized.contains("onclick"));
        assert!(sanitized.contains("<b>b</b>") && !sanitized.contains("javascript"));
    }

    #[test]
    fn without_raw_html_sanitize_mode_still_empties_dangerous_urls() {
        let md = "[l](javascript:alert(1)) ![i](data:text/html,x) ![p](data:image/png;base64,AA==) [ok](https://e.x/)";
        assert_eq!(
            render(Flavor::Gfm, RawHtml::Sanitize, md),
            "<p><a href=\"\">l</a> <img src=\"\" alt=\"i\" /> <img src=\"data:image/png;base64,AA==\" alt=\"p\" /> <a href=\"https://e.x/\">ok</a></p>\n"
        );
    }

    #[test]
    fn deep_nesting_escapes_raw_html_instead_of_sanitizing() {
        let renderer = Renderer::spec(Flavor::Gfm, RawHtml::Sanitize);
        let deep = format!(
            "{}<b onclick=x>b</b> [l](javascript:x)",
            "> ".repeat(MAX_SANITIZED_DEPTH + 1)
        );
        let html = renderer.render(&deep).html;
        assert_eq!(
            html.matches("<blockquote>").count(),
            MAX_SANITIZED_DEPTH + 1
        );
        assert!(
            html.contains("&lt;b onclick=x&gt;b&lt;/b&gt; <a href=\"\">l</a>"),
            "{html}"
        );
        let shallow = format!("{}<b onclick=x>b</b>", "> ".repeat(MAX_SANITIZED_DEPTH - 2));
        assert!(renderer.render(&shallow).html.contains("<b>b</b>"));
        let divs = format!("{}x", "<div>".repeat(MAX_SANITIZED_DEPTH + 1));
        assert!(
            renderer
                .render(&divs)
                .html
                .starts_with("&lt;div&gt;&lt;div&gt;")
        );
    }

    #[test]
    fn a_budget_refuses_dense_trees_and_long_output() {
        let renderer = Renderer::new(Flavor::Gfm, RawHtml::Sanitize);
        let budget = Budget::of(32 << 20);
        let footnotes = format!("{}\n\n[^a]: x\n", "[^a] ".repeat(100_000));
        assert_eq!(
            renderer.render_within(&footnotes, &budget),
            Err(TooComplex::Nodes)
        );
        // The tree fits, with too little left for the HTML: each heading
        // gets an id and an anchor.
        let headings = "# a\n".repeat(1000);
        let tree = budget.check_source(&headings).unwrap();
        let small = Budget::of(tree + 50_000);
        assert_eq!(
            renderer.render_within(&headings, &small),
            Err(TooComplex::Output)
        );
        // Little syntax, much HTML for the sanitizer.
        let html = format!("<div>{}</div>\n", "words ".repeat(20_000));
        assert!(renderer.render_within(&html, &budget).is_ok());
        assert_eq!(
            renderer.render_within(&html, &Budget::of(2 << 20)),
            Err(TooComplex::Output)
        );
        assert!(renderer.render_within("# Hi", &Budget::of(1 << 20)).is_ok());
    }

    #[test]
    fn the_first_heading_is_the_title_and_headings_get_ids() {
        let out = Renderer::new(Flavor::Gfm, RawHtml::Sanitize)
            .render("intro\n\n## Getting *started*\n\n# Later\n");
        assert_eq!(out.title.as_deref(), Some("Getting started"));
        assert!(
            out.html.contains(r#"<h2 id="getting-started">"#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r##"href="#getting-started""##));
        let none = Renderer::new(Flavor::Gfm, RawHtml::Sanitize).render("no heading\n");
        assert_eq!(none.title, None);
    }
}
