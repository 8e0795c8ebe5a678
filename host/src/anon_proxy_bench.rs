//! `edgekit bench`'s part for `components/anon-proxy`: 1 GiB streamed from
//! a loopback origin through the proxy in-process, against a native hyper
//! client reading the same origin directly, in the same run; with the
//! guest's peak linear memory and the component's size.
//!
//! The origin sends 64 KiB chunks, once with a `Content-Length` (the proxy
//! passes the body on as is) and once without (the proxy counts every
//! chunk against `MAX_RESPONSE_BYTES`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use edgekit_host::{Host, build_crate};
use http_body_util::{BodyExt, Empty};
use hyper::body::Frame;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

const TOTAL: u64 = 1 << 30;
const CHUNK: usize = 64 * 1024;
const RUNS: usize = 3;
const MIN_RATIO: f64 = 0.7;
const MAX_PEAK_MEMORY: usize = 4 << 20;

/// Builds the component, measures, prints the table.
pub fn run(repo: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let wasm = build_crate(&repo.join("components/anon-proxy"))?;
    let size = std::fs::metadata(&wasm)?.len();
    runtime.block_on(async {
        println!("\n### anon-proxy: 1 GiB through the proxy vs a native client, best of {RUNS}\n");
        println!("| origin response | native client MB/s | through anon-proxy MB/s | ratio | peak guest memory |");
        println!("|---|---:|---:|---:|---:|");
        let mut verdicts = Vec::new();
        for with_length in [true, false] {
            let origin = start_origin(with_length).await?;
            let host = Host::builder(&wasm)
                .env("OPEN_PROXY", "true")
                .env("MAX_RESPONSE_BYTES", (2 * TOTAL).to_string())
                .route("origin.bench", origin)
                .build()
                .await?;
            let mut native = Duration::MAX;
            let mut proxied = Duration::MAX;
            let mut peak = 0;
            // Interleaved, so both see the same machine load.
            for _ in 0..RUNS {
                native = native.min(fetch_native(origin).await?);
                let (elapsed, memory) = fetch_through(&host).await?;
                proxied = proxied.min(elapsed);
                peak = peak.max(memory);
            }
            let mbps = |d: Duration| TOTAL as f64 / 1e6 / d.as_secs_f64();
            let ratio = mbps(proxied) / mbps(native);
            let kind = if with_length { "with Content-Length" } else { "chunked, length unknown" };
            println!(
                "| {kind} | {:.0} | {:.0} | {ratio:.2} | {:.2} MiB |",
                mbps(native),
                mbps(proxied),
                peak as f64 / (1 << 20) as f64
            );
            verdicts.push((kind, ratio, peak));
        }
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        println!("\n| target | value | |\n|---|---:|---|");
        for (kind, ratio, peak) in verdicts {
            println!("| throughput ≥ {MIN_RATIO:.1}× native ({kind}) | {ratio:.2} | {} |", verdict(ratio >= MIN_RATIO));
            println!("| peak guest memory < 4 MiB ({kind}) | {peak} bytes | {} |", verdict(peak < MAX_PEAK_MEMORY));
        }
        println!("| anon-proxy .wasm size | {size} bytes | |");
        Ok(())
    })
}

/// A loopback origin answering every request with [`TOTAL`] bytes.
async fn start_origin(with_length: bool) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let chunk = Bytes::from(vec![b'x'; CHUNK]);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let chunk = chunk.clone();
            let service = service_fn(move |_request| {
                let chunk = chunk.clone();
                async move {
                    let mut response = http::Response::new(Repeat { chunk, left: TOTAL });
                    if with_length {
                        response
                            .headers_mut()
                            .insert(http::header::CONTENT_LENGTH, TOTAL.into());
                    }
                    Ok::<_, Infallible>(response)
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(addr)
}

/// `left` bytes of `chunk` repeated, as fast as the reader takes them.
struct Repeat {
    chunk: Bytes,
    left: u64,
}

impl http_body::Body for Repeat {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let n = this.left.min(this.chunk.len() as u64);
        this.left -= n;
        Poll::Ready(Some(Ok(Frame::data(this.chunk.slice(..n as usize)))))
    }
}

/// Reads the whole response from the origin with hyper; returns the time.
async fn fetch_native(origin: SocketAddr) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let stream = tokio::net::TcpStream::connect(origin).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = http::Request::get("/")
        .header("host", "origin.bench")
        .body(Empty::<Bytes>::new())?;
    let mut body = sender.send_request(request).await?.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        received += frame?.into_data().map_or(0, |d| d.len() as u64);
    }
    anyhow::ensure!(received == TOTAL, "the native client read {received} bytes");
    Ok(started.elapsed())
}

/// Reads the whole response through the proxy; returns the time and the
/// guest's peak linear memory.
async fn fetch_through(host: &Host) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let request =
        http::Request::get("/?url=http%3A%2F%2Forigin.bench%2F").body(Empty::<Bytes>::new())?;
    let exchange = host.send_streaming(request).await?;
    let mut body = exchange.response.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        received += frame
            .context("the proxied body broke")?
            .into_data()
            .map_or(0, |d| d.len() as u64);
    }
    let elapsed = started.elapsed();
    let stats = exchange.stats.await;
    anyhow::ensure!(
        received == TOTAL,
        "the proxy passed {received} bytes ({:?})",
        stats.failure
    );
    Ok((elapsed, stats.peak_memory))
}
