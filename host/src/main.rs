//! `edgekit`: the command line of the edgekit host.

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use edgekit_host::{Host, build_crate};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
}

#[derive(Args)]
struct Serve {
    /// A `.wasm` component, or a crate directory to build for wasm32-wasip2 first.
    path: PathBuf,
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
}

fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    let result = match command {
        Command::Serve(serve) => run_serve(serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_serve(args: Serve) -> anyhow::Result<()> {
    let wasm = if args.path.is_dir() {
        build_crate(&args.path)?
    } else {
        args.path
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
        let host = builder.build().await?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!("serving {} on http://{addr}/", wasm.display());
        host.serve(listener).await
    })
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
