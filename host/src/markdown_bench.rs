//! `edgekit bench`'s part for `components/markdown`: rendering a 1 MB mixed
//! Markdown document (GFM, sanitized, the component's defaults) through
//! `POST /render` in-process, beside the same renderer compiled natively
//! (`components/markdown/examples/native_throughput.rs`, release profile)
//! in the same run, with pulldown-cmark measured natively alongside.
//!
//! The machine may be shared, so the two sides of the ratio are measured in
//! alternating rounds (native, wasm, native, …): both see the same load.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use edgekit_host::{Host, bench, build_crate};
use http_body_util::Full;

/// Rounds of each side of the ratio.
const ROUNDS: u32 = 5;
/// Seconds of rendering per round and side.
const ROUND_SECONDS: f64 = 2.0;
/// Seconds of rendering for each of the other native figures.
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
    let measured = measure(repo, &file, &wasm, &document, runtime);
    let _ = std::fs::remove_file(&file);
    let Measured {
        native,
        native_rounds,
        wasm_rounds,
        requests: mut request_times,
        mut wasm_times,
        peak_memory,
    } = measured?;

    let mbps = |rounds: &[Round]| {
        let renders: u64 = rounds.iter().map(|r| r.renders).sum();
        let seconds: f64 = rounds.iter().map(|r| r.elapsed.as_secs_f64()).sum();
        document.len() as f64 * renders as f64 / seconds / 1e6
    };
    let (wasm_mbps, native_mbps) = (mbps(&wasm_rounds), mbps(&native_rounds));
    let count = |rounds: &[Round]| rounds.iter().map(|r| r.renders).sum::<u64>();
    let ratio = wasm_mbps / native_mbps;
    let mut round_ratios: Vec<f64> = native_rounds
        .iter()
        .zip(&wasm_rounds)
        .map(|(n, w)| mbps(std::slice::from_ref(w)) / mbps(std::slice::from_ref(n)))
        .collect();
    round_ratios.sort_by(f64::total_cmp);
    let request = bench::Summary::of(&mut request_times);
    let wasm_time = bench::Summary::of(&mut wasm_times);

    println!(
        "\n### markdown: a {} byte mixed document through `POST /render` (GFM, sanitized), {ROUNDS} alternating rounds of {ROUND_SECONDS} s per side\n",
        document.len()
    );
    println!(
        "| renderer | where | MB/s | renders | request median / p99 | wasm time median | peak memory |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    println!(
        "| comrak + ammonia (the component) | wasm, in-process, whole request | {wasm_mbps:.2} | {} | {} / {} | {} | {} MiB |",
        count(&wasm_rounds),
        bench::micros(request.median),
        bench::micros(request.p99),
        bench::micros(wasm_time.median),
        peak_memory >> 20,
    );
    println!(
        "| comrak + ammonia (the component's renderer) | native, release, render call | {native_mbps:.2} | {} | | | |",
        count(&native_rounds)
    );
    for (name, mbps, count) in &native.throughput {
        let label = match name.as_str() {
            "comrak-gfm-allow" => "comrak alone (RAW_HTML=allow)",
            "pulldown-cmark-gfm-allow" => {
                "pulldown-cmark alone (tables, strikethrough, task lists, footnotes)"
            }
            other => other,
        };
        println!("| {label} | native, release, {SECONDS} s | {mbps:.2} | {count} | | | |");
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
    println!(
        "| wasm / native, lowest and highest round | {:.2} – {:.2} | |",
        round_ratios[0],
        round_ratios[round_ratios.len() - 1]
    );
    println!("| markdown.wasm bytes | {size} | |");
    Ok(())
}

/// One round of one side: how long it took and how many documents it rendered.
struct Round {
    elapsed: Duration,
    renders: u64,
}

struct Measured {
    native: Native,
    native_rounds: Vec<Round>,
    wasm_rounds: Vec<Round>,
    requests: Vec<Duration>,
    wasm_times: Vec<Duration>,
    peak_memory: usize,
}

/// Alternates rounds of the native renderer (a child process that renders
/// for as long as each line it reads says) with rounds of `POST /render`.
fn measure(
    repo: &Path,
    file: &Path,
    wasm: &Path,
    document: &str,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<Measured> {
    let mut child = native_child(repo, file)?;
    let mut stdin = child.stdin.take().context("the native renderer's stdin")?;
    let mut stdout = BufReader::new(
        child
            .stdout
            .take()
            .context("the native renderer's stdout")?,
    );

    let body = Bytes::from(document.to_owned());
    let mut measured = runtime.block_on(async {
        // The execution deadline is for requests in production: here a busy
        // machine must slow the figures down, not fail them.
        let host = Host::builder(wasm)
            .deadline(Duration::from_secs(60))
            .build()
            .await?;
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
        let mut measured = Measured {
            native: Native::default(),
            native_rounds: Vec::new(),
            wasm_rounds: Vec::new(),
            requests: Vec::new(),
            wasm_times: Vec::new(),
            peak_memory: 0,
        };
        for _ in 0..ROUNDS {
            writeln!(stdin, "{ROUND_SECONDS}").context("starting a native round")?;
            measured.native_rounds.push(native_round(&mut stdout)?);
            let started = Instant::now();
            let mut renders = 0;
            while renders == 0 || started.elapsed().as_secs_f64() < ROUND_SECONDS {
                let at = Instant::now();
                let ex = send().await?;
                anyhow::ensure!(
                    ex.response.status() == 200,
                    "status {}: {:?}",
                    ex.response.status(),
                    ex.stats.failure
                );
                measured.requests.push(at.elapsed());
                measured.wasm_times.push(ex.stats.wasm_time);
                measured.peak_memory = measured.peak_memory.max(ex.stats.peak_memory);
                renders += 1;
            }
            measured.wasm_rounds.push(Round {
                elapsed: started.elapsed(),
                renders,
            });
        }
        anyhow::Ok(measured)
    })?;
    // The end of stdin starts the other native figures.
    drop(stdin);
    measured.native = native_figures(stdout)?;
    let status = child.wait().context("waiting for the native renderer")?;
    if !status.success() {
        bail!("the native renderer failed ({status})");
    }
    Ok(measured)
}

/// The native example, built first so that no round waits for a compiler.
fn native_child(repo: &Path, file: &Path) -> anyhow::Result<Child> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let example = ["-p", "markdown", "--example", "native_throughput"];
    let built = Command::new(&cargo)
        .current_dir(repo)
        .args(["build", "--quiet", "--release"])
        .args(example)
        .status()
        .context("running cargo for the native renderer")?;
    if !built.success() {
        bail!("building the native renderer failed");
    }
    Command::new(&cargo)
        .current_dir(repo)
        .args(["run", "--quiet", "--release"])
        .args(example)
        .arg("--")
        .arg(file)
        .arg(SECONDS.to_string())
        .arg("--rounds-from-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running the native renderer")
}

fn native_round(stdout: &mut BufReader<ChildStdout>) -> anyhow::Result<Round> {
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    match line.trim_end().split('\t').collect::<Vec<_>>()[..] {
        ["round", seconds, renders] => Ok(Round {
            elapsed: Duration::from_secs_f64(seconds.parse()?),
            renders: renders.parse()?,
        }),
        _ => bail!("unexpected line from the native renderer: {line:?}"),
    }
}

/// What the native example printed after its rounds.
#[derive(Default)]
struct Native {
    throughput: Vec<(String, f64, u64)>,
    conformance: Vec<(String, String, usize, usize)>,
}

fn native_figures(stdout: BufReader<ChildStdout>) -> anyhow::Result<Native> {
    let mut native = Native::default();
    for line in stdout.lines() {
        let line = line.context("reading the native renderer's output")?;
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
