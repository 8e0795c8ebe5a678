//! `edgekit`: the command line of the edgekit host.

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use edgekit_host::template::Problems;
use edgekit_host::{Host, build_crate};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use templates::{Dist, Export, TemplateValues, Templates};

mod cli {
    pub mod platform;
    pub mod templates;
}
use cli::templates;

#[derive(Parser)]
#[command(name = "edgekit", version, about = "Run wasi:http components locally")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a component over HTTP/1 with edge-like limits.
    Serve(Serve),
    /// Measure the SDK against hand-written bindings and print the table.
    Bench(Bench),
    /// List the templates, or show one template's parameters.
    Templates(Templates),
    /// Write a Spin or wasmCloud manifest for a configured template.
    Export(Export),
    /// Build every template for release, with checksums and a README each.
    Dist(Dist),
}

#[derive(Args)]
struct Bench {
    /// Requests per component for the latency figures.
    #[arg(long, default_value_t = 3000)]
    iterations: usize,
    /// Seconds of load: per component for `hello`'s throughput figure
    /// (default 3), per component and host for the load part (default 60).
    #[arg(long)]
    seconds: Option<u64>,
    /// Connections at once in the load part.
    #[arg(long, default_value_t = 256)]
    connections: usize,
    /// The edgekit repository (where `examples/` and `benches/` are).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.."))]
    repo: PathBuf,
    /// Run only these parts of the benchmark (repeatable); all by default.
    #[arg(long, value_enum)]
    only: Vec<BenchPart>,
}

/// The parts of `edgekit bench`, each printing its own table.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BenchPart {
    /// The SDK's `hello` against the bare-`wasi` baseline.
    Hello,
    /// 1 GiB streamed through anon-proxy against a native client.
    AnonProxy,
    /// geo-router's routing decision against `hello`.
    GeoRouter,
    /// markdown in wasm against the same renderer native.
    Markdown,
    /// image-resize against libvips.
    ImageResize,
    /// s3-uploader's uploads against a native client, and 100 at once.
    S3Uploader,
    /// Every ready component under `edgekit serve` and `wasmtime serve`
    /// with many connections and a limit-breaker beside it.
    Load,
}

#[derive(Args)]
struct Serve {
    /// A `.wasm` component, a crate directory to build for wasm32-wasip2
    /// first, or a template (by name, or its directory). Without it: the
    /// gallery of every template, with the console at `/`.
    path: Option<PathBuf>,
    #[command(flatten)]
    template: TemplateValues,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Environment variable for the component (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    env: Vec<(String, String)>,
    /// Linear memory per request, in bytes or with a unit (64MiB, 1GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<usize>,
    /// Milliseconds of wasm execution a request may use.
    #[arg(long, value_name = "MS")]
    cpu_ms: Option<u64>,
    /// Refuse outgoing requests to hosts that resolve to loopback, private,
    /// link-local or other non-public addresses.
    #[arg(long)]
    deny_private_egress: bool,
    #[command(flatten)]
    platform: cli::platform::PlatformArgs,
}

fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    let result = match command {
        Command::Serve(serve) => run_serve(serve),
        Command::Bench(bench) => run_bench(bench),
        Command::Templates(args) => templates::run_templates(args),
        Command::Export(args) => templates::run_export(args),
        Command::Dist(args) => templates::run_dist(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Bad template values: every problem, and a code scripts can tell apart.
        Err(error) if error.downcast_ref::<Problems>().is_some() => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_serve(mut args: Serve) -> anyhow::Result<()> {
    let Some(path) = args.path.take() else {
        return templates::run_gallery(args.addr, &args.template);
    };
    let wasm = match templates::find(&path, &args.template)? {
        Some(template) => {
            let settings = args.template.resolve(&template)?;
            eprint!("{}", templates::summary(&template, &settings));
            let wasm = build_crate(&template.dir)?;
            let given = std::mem::take(&mut args.env);
            args.env = settings
                .env()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            args.env.extend(given);
            wasm
        }
        None if path.is_dir() => build_crate(&path)?,
        None => path,
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let mut builder = Host::builder(&wasm).inherit_stdio();
        for (name, value) in args.env {
            builder = builder.env(name, value);
        }
        if let Some(bytes) = args.max_memory {
            builder = builder.max_memory(bytes);
        }
        if let Some(ms) = args.cpu_ms {
            builder = builder.deadline(Duration::from_millis(ms));
        }
        if args.deny_private_egress {
            builder = builder.deny_private_egress();
        }
        let builder = args.platform.apply(builder)?;
        let host = builder.build().await?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!("serving {} on http://{addr}/", wasm.display());
        host.serve(listener).await
    })
}

mod anon_proxy_bench;
mod geo_router_bench;
mod hello_bench;
mod image_resize_bench;
mod load_bench;
mod markdown_bench;
mod s3_uploader_bench;

fn run_bench(args: Bench) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let wanted = |part| args.only.is_empty() || args.only.contains(&part);
    if wanted(BenchPart::Hello) {
        let seconds = args.seconds.unwrap_or(3);
        hello_bench::run(&args.repo, args.iterations, seconds, &runtime)?;
    }
    if wanted(BenchPart::AnonProxy) {
        anon_proxy_bench::run(&args.repo, &runtime)?;
    }
    if wanted(BenchPart::GeoRouter) {
        geo_router_bench::run(&args.repo, &runtime)?;
    }
    if wanted(BenchPart::Markdown) {
        markdown_bench::run(&args.repo, &runtime)?;
    }
    if wanted(BenchPart::ImageResize) {
        image_resize_bench::run(&args.repo, &runtime)?;
    }
    if wanted(BenchPart::S3Uploader) {
        s3_uploader_bench::run(&args.repo, &runtime)?;
    }
    if wanted(BenchPart::Load) {
        let seconds = args.seconds.unwrap_or(60);
        load_bench::run(&args.repo, seconds, args.connections, &runtime)?;
    }
    Ok(())
}

fn parse_env(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.into(), value.into())),
        _ => bail!("expected KEY=VALUE"),
    }
}

/// A byte count such as `134217728`, `128MiB`, `128M` or `100MB`.
fn parse_size(text: &str) -> anyhow::Result<usize> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: usize = number.parse().context("expected a number of bytes")?;
    let scale: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => bail!("unknown size unit {other:?} (use KiB, MiB or GiB)"),
    };
    number.checked_mul(scale).context("size too large")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("128MiB").unwrap(), 128 << 20);
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("2MB").unwrap(), 2_000_000);
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("MiB").is_err());
    }

    #[test]
    fn env_needs_a_name() {
        assert_eq!(parse_env("A=b=c").unwrap(), ("A".into(), "b=c".into()));
        assert!(parse_env("=x").is_err());
        assert!(parse_env("novalue").is_err());
    }
}
