//! `edgekit bench`'s first part: the SDK's `hello` example against two
//! baselines measured in the same run, requests interleaved:
//! `benches/baseline-hello` (the same answers written against the bare
//! `wasi` crate) and `benches/baseline-http` (that baseline plus only the
//! conversions to and from the `http` crate's `Request` and `Response`,
//! which every SDK whose public types are `http`'s has to make).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use edgekit_host::bench::{self, Measurement, ratio};
use edgekit_host::{Host, build_crate};

/// The targets for `hello` against the bare baseline.
const HELLO_MAX_BYTES: u64 = 90_000;
const MAX_RATIO: f64 = 1.10;

/// One measured component.
struct Row {
    name: &'static str,
    bytes: u64,
    measured: Measurement,
    requests_per_second: f64,
}

/// Builds the three components, measures them and prints the table.
pub(crate) fn run(
    repo: &Path,
    iterations: usize,
    seconds: u64,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<()> {
    let crates = [
        ("baseline-hello (wasi crate)", "benches/baseline-hello"),
        (
            "baseline-http (wasi crate + http types)",
            "benches/baseline-http",
        ),
        ("hello (edgekit)", "examples/hello"),
    ];
    let mut built: Vec<(&'static str, PathBuf, u64)> = Vec::new();
    for (name, dir) in crates {
        let wasm = build_crate(&repo.join(dir))?;
        let bytes = std::fs::metadata(&wasm)
            .with_context(|| format!("cannot read {}", wasm.display()))?
            .len();
        built.push((name, wasm, bytes));
    }

    let rows = runtime.block_on(async {
        let mut hosts = Vec::new();
        for (_, wasm, _) in &built {
            hosts.push(Host::builder(wasm).build().await?);
        }
        let [baseline, http, hello] = [&hosts[0], &hosts[1], &hosts[2]];
        let measured = bench::measure_interleaved([baseline, http, hello], URI, iterations).await?;
        let duration = Duration::from_secs(seconds);
        let mut rows = Vec::new();
        for (((name, _, bytes), host), measured) in built.iter().zip(&hosts).zip(measured) {
            rows.push(Row {
                name,
                bytes: *bytes,
                measured,
                requests_per_second: bench::throughput(host, URI, 2, duration).await?,
            });
        }
        anyhow::Ok(rows)
    })?;
    print(&rows, iterations, seconds);
    Ok(())
}

const URI: &str = "/?name=Ada";

fn print(rows: &[Row], iterations: usize, seconds: u64) {
    println!(
        "`GET {URI}`, {iterations} requests each (interleaved), throughput with 2 in flight for {seconds} s\n"
    );
    println!(
        "| component | .wasm bytes | instantiate median | instantiate p99 | request median | request p99 | requests/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let m = &row.measured;
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} |",
            row.name,
            row.bytes,
            bench::micros(m.instantiate.median),
            bench::micros(m.instantiate.p99),
            bench::micros(m.request.median),
            bench::micros(m.request.p99),
            row.requests_per_second,
        );
    }
    let [baseline, http, hello] = [&rows[0], &rows[1], &rows[2]];
    ratio_row("hello / baseline-hello", hello, baseline);
    ratio_row("hello / baseline-http", hello, http);
    ratio_row("baseline-http / baseline-hello", http, baseline);

    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let inst = ratio(
        hello.measured.instantiate.median,
        baseline.measured.instantiate.median,
    );
    let req = ratio(
        hello.measured.request.median,
        baseline.measured.request.median,
    );
    println!();
    println!("| target | value | |\n|---|---:|---|");
    println!(
        "| hello ≤ {HELLO_MAX_BYTES} bytes | {} | {} |",
        hello.bytes,
        verdict(hello.bytes <= HELLO_MAX_BYTES)
    );
    println!(
        "| instantiate median ratio ≤ {MAX_RATIO:.2} | {inst:.3} | {} |",
        verdict(inst <= MAX_RATIO)
    );
    println!(
        "| request median ratio ≤ {MAX_RATIO:.2} | {req:.3} | {} |",
        verdict(req <= MAX_RATIO)
    );
}

fn ratio_row(label: &str, a: &Row, b: &Row) {
    let (x, y) = (&a.measured, &b.measured);
    println!(
        "| ratio {label} | {:.2} | {:.3} | {:.2} | {:.3} | {:.2} | {:.2} |",
        a.bytes as f64 / b.bytes as f64,
        ratio(x.instantiate.median, y.instantiate.median),
        ratio(x.instantiate.p99, y.instantiate.p99),
        ratio(x.request.median, y.request.median),
        ratio(x.request.p99, y.request.p99),
        a.requests_per_second / b.requests_per_second,
    );
}
