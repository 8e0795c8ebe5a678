//! `edgekit bench`'s load part: each ready component on its small request
//! under `edgekit serve` and under `wasmtime serve -Scli`, with `n`
//! keep-alive connections from a load generator on loopback for `s`
//! seconds, and the limit-breaker (`tests/components/misbehave`: `/alloc`
//! and `/spin`) served by the same host beside it, in the same load. Prints
//! the requests held, the failures, latency, and each server's resident
//! memory over the run.

use std::path::Path;
use std::time::Duration;

use edgekit_host::bench::Summary;
use edgekit_host::build_crate;
use edgekit_host::load::{self, Backends, FLAT_GROWTH, HostKind, Run, Settings, Wasms};

/// Builds the components, runs every component under both hosts, prints
/// the tables.
pub fn run(
    repo: &Path,
    seconds: u64,
    connections: usize,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<()> {
    let build = |dir: &str| build_crate(&repo.join(dir));
    let wasms = Wasms {
        anon_proxy: build("components/anon-proxy")?,
        geo_router: build("components/geo-router")?,
        image_resize: build("components/image-resize")?,
        markdown: build("components/markdown")?,
        s3_uploader: build("components/s3-uploader")?,
        misbehave: build("tests/components/misbehave")?,
    };
    let edgekit = std::env::current_exe()?;
    let settings = Settings::new(connections, Duration::from_secs(seconds));
    let s3_root = settings.log_dir.join("s3");
    let runs = runtime.block_on(async {
        let backends = Backends::start(&s3_root).await?;
        let breaker = load::limit_breaker(&wasms);
        let mut runs = Vec::new();
        for component in load::components(&wasms, &backends) {
            for host in [HostKind::Edgekit(edgekit.clone()), HostKind::Wasmtime] {
                eprintln!("load: {} under {} ...", component.name, host.name());
                let before = load_average();
                let run = load::run(&host, &component, &breaker, &settings).await?;
                runs.push((component.what.clone(), before, load_average(), run));
            }
        }
        anyhow::Ok(runs)
    });
    let _ = std::fs::remove_dir_all(&s3_root);
    let runs = runs?;
    print_tables(&runs, &settings);
    println!("\nservers' output: {}", settings.log_dir.display());
    Ok(())
}

fn print_tables(runs: &[(String, String, String, Run)], settings: &Settings) {
    let seconds = settings.duration.as_secs();
    println!(
        "\n### Load: {} connections for {seconds} s per component and host, {} more to the limit-breaker beside it\n",
        settings.connections, settings.breaker_connections
    );
    println!(
        "| component | host | request | answered | failed | requests/s | p50 | p99 | limit-breaker 5xx | limit-breaker failed | survived | load average before → after |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for (what, before, after, run) in runs {
        let latency = Summary::of(&mut run.good.latencies.clone());
        println!(
            "| {} | {} | {what} | {} | {} | {:.0} | {:.1} ms | {:.1} ms | {} | {} | {} | {before} → {after} |",
            run.component,
            run.host,
            run.good.answered,
            run.good.failed(),
            run.good.answered as f64 / run.elapsed.as_secs_f64(),
            latency.median.as_secs_f64() * 1e3,
            latency.p99.as_secs_f64() * 1e3,
            run.breaker.answered,
            run.breaker.failed(),
            if run.survived { "yes" } else { "NO" },
        );
    }
    let failures: Vec<_> = runs
        .iter()
        .flat_map(|(_, _, _, run)| {
            let good = run.good.failures.iter().map(move |f| (run, "component", f));
            let bad = run
                .breaker
                .failures
                .iter()
                .map(move |f| (run, "limit-breaker", f));
            good.chain(bad)
        })
        .collect();
    if !failures.is_empty() {
        println!("\nFailures:\n");
        for (run, side, (kind, count)) in failures {
            println!(
                "- {} under {} ({side}): {kind} × {count} (server output: {})",
                run.component,
                run.host,
                run.log.display()
            );
        }
    }
    let growth = FLAT_GROWTH * 100.0;
    println!(
        "\nResident memory (VmRSS, MiB) of the server process, sampled every second. Flat: the mean of the last sixth of the run (for 60 s: 50–60 s) at most {growth:.0}% above the mean of the second sixth (10–20 s).\n"
    );
    println!(
        "| component | host | first | peak | last | mean, 2nd sixth | mean, last sixth | flat | limit-breaker's server: first / peak / last |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---|---:|");
    for (_, _, _, run) in runs {
        let m = &run.good_memory;
        let b = &run.breaker_memory;
        let (early, late) = m.windows();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} / {} / {} |",
            run.component,
            run.host,
            mib(m.first() as f64),
            mib(m.peak() as f64),
            mib(m.last() as f64),
            mib(early),
            mib(late),
            if m.flat() { "yes" } else { "NO" },
            mib(b.first() as f64),
            mib(b.peak() as f64),
            mib(b.last() as f64),
        );
    }
    let step = (seconds / 6).max(1) as usize;
    println!("\nResident memory over time (MiB), every {step} s:\n");
    for (_, _, _, run) in runs {
        let series: Vec<String> = run
            .good_memory
            .kib
            .iter()
            .step_by(step)
            .map(|kib| mib(*kib as f64))
            .collect();
        println!(
            "- {} under {}: {}",
            run.component,
            run.host,
            series.join(" ")
        );
    }
}

/// KiB as MiB with one decimal.
fn mib(kib: f64) -> String {
    format!("{:.1}", kib / 1024.0)
}

/// The one-minute load average, as `/proc/loadavg` says.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
