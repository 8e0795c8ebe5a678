//! Conformance with the CommonMark 0.31.2 spec (all 652 examples) and the
//! GFM 0.29 spec (its extension examples included), with raw HTML allowed,
//! as the specs assume. The spec files are vendored in `tests/data/`; see
//! `tests/data/SOURCES.md` for where they come from and their licence.

use markdown::config::{Flavor, RawHtml};
use markdown::render::{GfmExtensions, Renderer};

#[path = "support/spec_file.rs"]
mod spec_file;

use spec_file::{Example, examples};

/// Runs every example not skipped, returning a description of each failure.
fn failures<'a>(
    renderer: &Renderer,
    examples: impl Iterator<Item = &'a Example>,
    skip: &[usize],
) -> Vec<String> {
    examples
        .filter(|e| !skip.contains(&e.number))
        .filter_map(|e| {
            let got = renderer.render(&e.markdown).html;
            (got != e.html).then(|| {
                format!(
                    "example {} ({}{}):\n--- markdown\n{}--- expected\n{}--- got\n{}",
                    e.number,
                    e.section,
                    e.extension
                        .as_deref()
                        .map(|x| format!(", {x}"))
                        .unwrap_or_default(),
                    e.markdown,
                    e.html,
                    got
                )
            })
        })
        .collect()
}

#[test]
fn commonmark_0_31_2_all_652_examples() {
    let examples = examples(include_str!("data/commonmark-spec-0.31.2.txt"));
    assert_eq!(examples.len(), 652);
    let renderer = Renderer::spec(Flavor::CommonMark, RawHtml::Allow);
    let failed = failures(&renderer, examples.iter(), &[]);
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The GFM examples as the spec's own runner (cmark-gfm's
/// `spec_tests.py`) runs them: each with the one extension it names, the
/// others with none; the two examples the spec disables are skipped.
#[test]
fn gfm_0_29_every_example_with_the_extension_it_names() {
    let examples = examples(include_str!("data/gfm-spec-0.29.txt"));
    assert_eq!(examples.len(), 672);
    let disabled = disabled(&examples);
    let by_extension = |name: Option<&str>| {
        let mut extensions = GfmExtensions::NONE;
        match name {
            None => {}
            Some("table") => extensions.table = true,
            Some("strikethrough") => extensions.strikethrough = true,
            Some("autolink") => extensions.autolink = true,
            Some("tagfilter") => extensions.tagfilter = true,
            Some(other) => panic!("unknown extension {other}"),
        }
        extensions
    };
    let mut failed = Vec::new();
    let mut ran = 0;
    for name in [
        None,
        Some("table"),
        Some("strikethrough"),
        Some("autolink"),
        Some("tagfilter"),
    ] {
        let renderer = Renderer::gfm(by_extension(name), RawHtml::Allow);
        let these: Vec<&Example> = examples
            .iter()
            .filter(|e| e.extension.as_deref() == name)
            .collect();
        ran += these.len();
        failed.extend(failures(&renderer, these.into_iter(), &[]));
    }
    assert_eq!(ran + disabled.len(), 672);
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The GFM examples under `FLAVOR=gfm` exactly as the component runs it,
/// every extension on at once. The only differences from the spec are the
/// ones the spec's runner avoids by turning extensions on one at a time: the
/// tag filter rewrites the core examples' `<script>` and `<style>` blocks,
/// and the autolink extension links the bare URLs of four core examples.
#[test]
fn gfm_0_29_every_example_with_every_extension_on() {
    let examples = examples(include_str!("data/gfm-spec-0.29.txt"));
    let disabled = disabled(&examples);
    let tag_filtered = [140, 141, 142, 145, 147];
    let autolinked = [610, 616, 619, 620];
    let skip: Vec<usize> = [&disabled[..], &tag_filtered, &autolinked].concat();
    let renderer = Renderer::spec(Flavor::Gfm, RawHtml::Allow);
    let failed = failures(&renderer, examples.iter(), &skip);
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );

    let example = |n: usize| &examples[n - 1];
    for n in tag_filtered {
        let expected = example(n).html.replace("<script", "&lt;script");
        let expected = expected.replace("</script", "&lt;/script");
        let expected = expected
            .replace("<style", "&lt;style")
            .replace("</style", "&lt;/style");
        assert_eq!(
            renderer.render(&example(n).markdown).html,
            expected,
            "example {n}"
        );
    }
    for n in autolinked {
        let got = renderer.render(&example(n).markdown).html;
        assert_ne!(got, example(n).html, "example {n}");
        assert!(got.contains("<a href="), "example {n}: {got}");
    }
}

fn disabled(examples: &[Example]) -> Vec<usize> {
    let disabled: Vec<usize> = examples
        .iter()
        .filter(|e| e.extension.as_deref() == Some("disabled"))
        .map(|e| e.number)
        .collect();
    assert_eq!(disabled.len(), 2, "the spec disables two examples itself");
    disabled
}
