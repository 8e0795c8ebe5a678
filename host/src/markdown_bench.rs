//! `edgekit bench`'s part for `components/markdown`: rendering a 1 MB mixed
//! Markdown document (GFM, sanitized, the component's defaults) through
//! `POST /render` in-process, beside the same renderer compiled natively
//! (`components/markdown/examples/native_throughput.rs`, release profile)
//! in the same run, with pulldown-cmark measured natively alongside.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use edgekit_host::{Host, bench, build_crate};
use http_body_util::Full;

/// Seconds of rendering per figure.
const SECONDS: u64 = 5;
/// The ratio of wasm to native throughput the issue asks for.
const MIN_RATIO: f64 = 0.6;

pub fn run(repo: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let component = repo.join("components/markdown");
    let wasm = build_crate(&component)?;
    let size = std::fs::metadata(&wasm)?.len();
    let document = mixed_document(1 << 20);
    let file =
        std::env::temp_dir().join(format!("edgekit-markdown-bench-{}.md", std::process::id()));
    std::fs::write(&file, &document)?;
    let native = native(repo, &file);
    let _ = std::fs::remove_file(&file);
    let native = native?;

    let (wasm_mbps, renders, request, wasm_time) = runtime.block_on(async {
        let host = Host::builder(&wasm).build().await?;
        let body = Bytes::from(document.clone());
        let send = || {
            let request = http::Request::post("/render")
                .header("content-type", "text/markdown")
                .body(Full::new(body.clone()))
                .expect("a valid request");
            host.send(request)
        };
        let warm = send().await?;
        if warm.response.status() != 200 {
            bail!(
                "POST /render answered {}: {:?}",
                warm.response.status(),
                warm.stats.failure
            );
        }
        let mut requests = Vec::new();
        let mut wasm_times = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(SECONDS) {
            let at = Instant::now();
            let ex = send().await?;
            anyhow::ensure!(
                ex.response.status() == 200,
                "status {}",
                ex.response.status()
            );
            requests.push(at.elapsed());
            wasm_times.push(ex.stats.wasm_time);
        }
        let mbps =
            document.len() as f64 * requests.len() as f64 / started.elapsed().as_secs_f64() / 1e6;
        let renders = requests.len();
        anyhow::Ok((
            mbps,
            renders,
            bench::Summary::of(&mut requests),
            bench::Summary::of(&mut wasm_times),
        ))
    })?;

    let native_mbps = native
        .throughput
        .iter()
        .find(|(name, _, _)| name == "comrak-gfm-sanitize")
        .map(|(_, mbps, _)| *mbps)
        .context("no native figure for the component's renderer")?;
    let ratio = wasm_mbps / native_mbps;
    println!(
        "\n### markdown: a {} byte mixed document through `POST /render` (GFM, sanitized), {SECONDS} s each\n",
        document.len()
    );
    println!("| renderer | where | MB/s | renders | request median / p99 | wasm time median |");
    println!("|---|---|---:|---:|---:|---:|");
    println!(
        "| comrak + ammonia (the component) | wasm, in-process, whole request | {wasm_mbps:.2} | {renders} | {} / {} | {} |",
        bench::micros(request.median),
        bench::micros(request.p99),
        bench::micros(wasm_time.median)
    );
    for (name, mbps, count) in &native.throughput {
        let label = match name.as_str() {
            "comrak-gfm-sanitize" => "comrak + ammonia (the component's renderer)",
            "comrak-gfm-allow" => "comrak alone (RAW_HTML=allow)",
            "pulldown-cmark-gfm-allow" => {
                "pulldown-cmark alone (tables, strikethrough, task lists, footnotes)"
            }
            other => other,
        };
        println!("| {label} | native, release | {mbps:.2} | {count} | | |");
    }
    println!(
        "\n| spec (exact output, raw HTML allowed) | renderer | examples passed |\n|---|---|---:|"
    );
    for (renderer, spec, passed, total) in &native.conformance {
        println!("| {spec} | {renderer} | {passed} / {total} |");
    }
    println!("\n| target | value | |\n|---|---:|---|");
    let verdict = if ratio >= MIN_RATIO { "met" } else { "MISSED" };
    println!("| wasm / native throughput ≥ {MIN_RATIO} | {ratio:.2} | {verdict} |");
    println!("| markdown.wasm bytes | {size} | |");
    Ok(())
}

/// What the native example printed.
struct Native {
    throughput: Vec<(String, f64, u64)>,
    conformance: Vec<(String, String, usize, usize)>,
}

fn native(repo: &Path, file: &Path) -> anyhow::Result<Native> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(repo)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "markdown",
            "--example",
            "native_throughput",
            "--",
        ])
        .arg(file)
        .arg(SECONDS.to_string())
        .output()
        .context("running cargo for the native renderer")?;
    if !output.status.success() {
        bail!(
            "the native renderer failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut native = Native {
        throughput: Vec::new(),
        conformance: Vec::new(),
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields[..] {
            ["throughput", name, mbps, count] => {
                native
                    .throughput
                    .push((name.into(), mbps.parse()?, count.parse()?));
            }
            ["conformance", renderer, spec, passed, total] => {
                native.conformance.push((
                    renderer.into(),
                    spec.into(),
                    passed.parse()?,
                    total.parse()?,
                ));
            }
            _ => bail!("unexpected line from the native renderer: {line}"),
        }
    }
    Ok(native)
}

/// A deterministic document of at least `min_len` bytes mixing what real
/// Markdown has: headings, paragraphs with emphasis, links and code, lists,
/// task lists, tables, fenced code, block quotes, footnotes, some raw HTML.
fn mixed_document(min_len: usize) -> String {
    let mut doc = String::with_capacity(min_len + 4096);
    let mut section = 0;
    while doc.len() < min_len {
        section += 1;
        doc.push_str(&format!(
            "## Section {section}: *working* with `data`\n\n\
             Markdown paragraphs carry **strong** and _emphasised_ words, [links](https://example.com/{section}) \
             and `inline code`, an autolink like https://example.org/page/{section} and a footnote[^n{section}].\n\
             A second line continues the paragraph with ~~struck~~ text & an entity &copy; for good measure.\n\n\
             - first item with a [reference link][ref{section}]\n- second item\n  - nested item one\n  - nested item two\n\
             - [x] a finished task\n- [ ] an open task\n\n\
             1. ordered\n2. list\n3. items\n\n\
             | name | value | note |\n|:-----|------:|:----:|\n| alpha | {section} | *a* |\n| beta | {} | `b` |\n\n\
             ```rust\nfn section_{section}() -> u32 {{\n    {section} * 2\n}}\n```\n\n\
             > A quotation with **bold** text,\n> spanning two lines.\n\n\
             <details><summary>More</summary><p onclick=\"x()\">Raw <b>HTML</b> too.</p></details>\n\n\
             [ref{section}]: https://example.com/ref/{section} \"Title {section}\"\n\
             [^n{section}]: The footnote of section {section}.\n\n",
            section * 7
        ));
    }
    doc
}
