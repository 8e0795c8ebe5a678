//! A linear estimate of how deeply HTML nests, so the sanitizer is never
//! handed a document it would take quadratic time over.
//!
//! An HTML5 parser checks the stack of open elements at every start tag;
//! 100,000 nested `<blockquote>`s (100,000 `>` in Markdown) or unclosed
//! `<div>`s make that 10¹⁰ steps. Deeper documents than
//! [`MAX_SANITIZED_DEPTH`](crate::render::MAX_SANITIZED_DEPTH) are rendered
//! with raw HTML escaped instead of sanitized.

/// Elements that never take content, so never deepen the tree.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The deepest nesting of elements in `html`, counting every start tag that
/// is not void or self-closed as one level and every end tag as one less.
/// Unclosed tags count as open, so the estimate errs on the deep side.
///
/// ```
/// use markdown::nesting::max_depth;
/// assert_eq!(max_depth("<p>a<br>b<em>c</em></p><p>d</p>"), 2);
/// assert_eq!(max_depth(&"<div>".repeat(1000)), 1000);
/// ```
pub fn max_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[at..]) {
        let tag = &bytes[at + offset + 1..];
        at += offset + 1;
        match tag.first() {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name_len = tag
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .unwrap_or(tag.len());
                let name = &tag[..name_len];
                // The tag ends at the first `>`; a `<` before it means it
                // never closes (and counts as open). Stopping there keeps the
                // whole scan linear: 100,000 `<div ` without any `>` would
                // otherwise each be searched to the end of the document.
                let self_closed = match memchr::memchr2(b'<', b'>', tag) {
                    Some(end) => tag[end] == b'>' && end > 0 && tag[end - 1] == b'/',
                    None => false,
                };
                let void = VOID.iter().any(|v| v.as_bytes().eq_ignore_ascii_case(name));
                if !void && !self_closed {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::max_depth;

    #[test]
    fn counts_what_nests() {
        assert_eq!(max_depth(""), 0);
        assert_eq!(
            max_depth("text < 3 and a<b"),
            1,
            "a<b looks like a tag: errs deep"
        );
        assert_eq!(
            max_depth("<blockquote>\n<blockquote>\n</blockquote>\n</blockquote>"),
            2
        );
        assert_eq!(
            max_depth("<IMG src=x><svg/><!-- <div> --><x-y></x-y>"),
            2,
            "the comment's <div> counts"
        );
        assert_eq!(max_depth(&"<blockquote>\n".repeat(100_000)), 100_000);
    }

    #[test]
    fn tags_that_never_close_are_counted_in_linear_time() {
        // Quadratic work here (each tag searched to the end for its `>`)
        // would be 10¹¹ steps: the test would not finish.
        assert_eq!(max_depth(&"<div ".repeat(200_000)), 200_000);
        assert_eq!(max_depth("<x-y title=\"<\" />"), 1, "errs deep");
        assert_eq!(max_depth("<x-y/><p>"), 1);
    }
}
