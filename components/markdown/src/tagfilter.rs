//! The GFM tag filter: raw HTML may not open (or close) the handful of tags
//! that change how the rest of a page is parsed. Comrak dropped its own
//! implementation, so this one follows cmark-gfm's `extensions/tagfilter.c`.

/// The tags the GFM spec filters, lower case.
const FILTERED: [&str; 9] = [
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
];

/// `raw` with the `<` of every filtered tag replaced by `&lt;`, or `None`
/// when there is nothing to filter.
///
/// ```
/// use markdown::tagfilter::filter;
/// assert_eq!(filter("<script>x</SCRIPT >").as_deref(), Some("&lt;script>x&lt;/SCRIPT >"));
/// assert_eq!(filter("<scripts>"), None);
/// ```
pub fn filter(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let starts: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'<' && is_filtered_tag(&bytes[i..]))
        .map(|(i, _)| i)
        .collect();
    if starts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(raw.len() + starts.len() * 3);
    let mut from = 0;
    for start in starts {
        out.push_str(&raw[from..start]);
        out.push_str("&lt;");
        from = start + 1;
    }
    out.push_str(&raw[from..]);
    Some(out)
}

/// Whether `tag` (starting at its `<`) opens or closes a filtered tag: the
/// name, case-insensitive, followed by whitespace, `>` or `/>`.
fn is_filtered_tag(tag: &[u8]) -> bool {
    let name_start = if tag.get(1) == Some(&b'/') { 2 } else { 1 };
    FILTERED.iter().any(|name| {
        let end = name_start + name.len();
        let Some(candidate) = tag.get(name_start..end) else {
            return false;
        };
        if !candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return false;
        }
        match tag.get(end) {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>') => true,
            Some(b'/') => tag.get(end + 1) == Some(&b'>'),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn filters_the_listed_tags_in_any_case() {
        assert_eq!(
            filter("<strong> <title> <style> <em>").as_deref(),
            Some("<strong> &lt;title> &lt;style> <em>")
        );
        assert_eq!(
            filter("<IFRAME\tsrc=x>").as_deref(),
            Some("&lt;IFRAME\tsrc=x>")
        );
        assert_eq!(filter("<xmp/>").as_deref(), Some("&lt;xmp/>"));
        assert_eq!(filter("</plaintext>").as_deref(), Some("&lt;/plaintext>"));
    }

    #[test]
    fn leaves_other_tags_and_partial_names_alone() {
        assert_eq!(filter("<titles> <scrip> <style"), None);
        assert_eq!(filter("<xmp/ >"), None);
        assert_eq!(filter("plain text"), None);
        assert_eq!(filter("<"), None);
    }
}
