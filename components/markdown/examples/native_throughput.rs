//! The native side of `edgekit bench`'s markdown figures: the component's
//! renderer compiled for the host, on the same document, in the same run.
//! Also measures pulldown-cmark, the other renderer considered, for speed
//! and for exact conformance with the two specs.
//!
//! `cargo run --release -p markdown --example native_throughput -- <file.md> <seconds> [--rounds-from-stdin]`
//! prints tab-separated lines: `throughput <name> <MB/s> <renders>` and
//! `conformance <renderer> <spec> <passed> <total>`.
//!
//! With `--rounds-from-stdin`, the component's renderer is measured in
//! rounds first, so that a caller can interleave them with its own
//! measurements on a shared machine: each line read from stdin is a round's
//! length in seconds, answered with `round <seconds> <renders>`; at the end
//! of stdin the other figures follow as usual.

use std::io::Write;
use std::time::{Duration, Instant};

use markdown::config::{Flavor, RawHtml};
use markdown::render::Renderer;
use pulldown_cmark::{Options, Parser, html};

#[path = "../tests/support/spec_file.rs"]
mod spec_file;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(seconds)) = (args.next(), args.next()) else {
        eprintln!("usage: native_throughput <file.md> <seconds> [--rounds-from-stdin]");
        std::process::exit(2);
    };
    let rounds_from_stdin = args.next().as_deref() == Some("--rounds-from-stdin");
    let document = std::fs::read_to_string(&path).expect("the document is readable UTF-8");
    let seconds: f64 = seconds.parse().expect("seconds is a number");
    let duration = Duration::from_secs_f64(seconds);

    let component = Renderer::new(Flavor::Gfm, RawHtml::Sanitize);
    let allow = Renderer::new(Flavor::Gfm, RawHtml::Allow);
    if rounds_from_stdin {
        rounds(&document, |md| component.render(md).html.len());
    } else {
        throughput("comrak-gfm-sanitize", &document, duration, |md| {
            component.render(md).html.len()
        });
    }
    throughput("comrak-gfm-allow", &document, duration, |md| {
        allow.render(md).html.len()
    });
    throughput("pulldown-cmark-gfm-allow", &document, duration, |md| {
        pulldown(md, gfm_options()).len()
    });

    let commonmark = spec_file::examples(include_str!("../tests/data/commonmark-spec-0.31.2.txt"));
    let gfm: Vec<_> = spec_file::examples(include_str!("../tests/data/gfm-spec-0.29.txt"))
        .into_iter()
        .filter(|e| e.extension.as_deref() != Some("disabled"))
        .collect();
    let comrak_cm = Renderer::spec(Flavor::CommonMark, RawHtml::Allow);
    let comrak_gfm = Renderer::spec(Flavor::Gfm, RawHtml::Allow);
    conformance("comrak", "commonmark-0.31.2", &commonmark, |md| {
        comrak_cm.render(md).html
    });
    conformance("pulldown-cmark", "commonmark-0.31.2", &commonmark, |md| {
        pulldown(md, Options::empty())
    });
    conformance("comrak", "gfm-0.29-all-extensions", &gfm, |md| {
        comrak_gfm.render(md).html
    });
    conformance("pulldown-cmark", "gfm-0.29-all-extensions", &gfm, |md| {
        pulldown(md, gfm_options())
    });
}

/// pulldown-cmark's GFM features: it has no extended autolinks or tag filter.
fn gfm_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
}

fn pulldown(markdown: &str, options: Options) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// Renders `document` over and over for `duration` (after one warm-up) and
/// prints the input megabytes (10⁶ bytes) per second.
fn throughput(name: &str, document: &str, duration: Duration, render: impl Fn(&str) -> usize) {
    assert!(render(document) > 0);
    let (elapsed, renders) = render_for(document, duration, &render);
    let mbps = document.len() as f64 * renders as f64 / elapsed.as_secs_f64() / 1e6;
    println!("throughput\t{name}\t{mbps:.2}\t{renders}");
}

/// One round per line of stdin (its length in seconds), each answered with
/// `round <seconds taken> <renders>` as soon as it is over.
fn rounds(document: &str, render: impl Fn(&str) -> usize) {
    assert!(render(document) > 0);
    for line in std::io::stdin().lines() {
        let line = line.expect("stdin is readable");
        let seconds: f64 = line.trim().parse().expect("a round is a number of seconds");
        let (elapsed, renders) = render_for(document, Duration::from_secs_f64(seconds), &render);
        println!("round\t{:.6}\t{renders}", elapsed.as_secs_f64());
        // The caller waits for this line before it measures anything else.
        std::io::stdout().flush().expect("stdout is writable");
    }
}

/// Renders `document` until `duration` has passed (at least once): the time
/// taken and the number of renders.
fn render_for(
    document: &str,
    duration: Duration,
    render: &impl Fn(&str) -> usize,
) -> (Duration, u64) {
    let started = Instant::now();
    let mut renders = 0u64;
    while renders == 0 || started.elapsed() < duration {
        std::hint::black_box(render(std::hint::black_box(document)));
        renders += 1;
    }
    (started.elapsed(), renders)
}

fn conformance(
    renderer: &str,
    spec: &str,
    examples: &[spec_file::Example],
    render: impl Fn(&str) -> String,
) {
    let passed = examples
        .iter()
        .filter(|e| render(&e.markdown) == e.html)
        .count();
    println!(
        "conformance\t{renderer}\t{spec}\t{passed}\t{}",
        examples.len()
    );
}
