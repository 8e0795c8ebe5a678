//! markdown: the nesting guard (`nesting::max_depth`) and the GFM tag
//! filter. The first byte picks the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use markdown::nesting::max_depth;
use markdown::tagfilter::filter;

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

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(html) = std::str::from_utf8(rest) else {
        return;
    };
    if pick % 2 == 0 {
        let depth = max_depth(html);
        assert!(depth <= html.matches('<').count());
        // Inside one more element, a document is never less deep.
        let wrapped = max_depth(&format!("<div>{html}</div>"));
        assert!(wrapped >= depth, "{wrapped} vs {depth}");
        return;
    }
    match filter(html) {
        None => assert!(!opens_filtered(html), "{html:?} was not filtered"),
        Some(out) => {
            assert!(!opens_filtered(&out), "{out:?} still opens a filtered tag");
            assert!(filter(&out).is_none(), "filtering twice changed {out:?}");
            assert_eq!(
                out.len(),
                html.len() + 3 * (out.matches("&lt;").count() - html.matches("&lt;").count())
            );
        }
    }
});

/// Whether `html` has `<name` or `</name` for a filtered name (any case)
/// followed by whitespace, `>` or `/>`: the GFM spec's rule, restated.
fn opens_filtered(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.match_indices('<').any(|(at, _)| {
        let after = &lower[at + 1..];
        let after = after.strip_prefix('/').unwrap_or(after);
        FILTERED.iter().any(|name| {
            after.strip_prefix(name).is_some_and(|rest| {
                rest.starts_with([' ', '\t', '\n', '\r', '\x0c', '>']) || rest.starts_with("/>")
            })
        })
    })
}
