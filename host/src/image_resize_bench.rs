//! `edgekit bench`'s part for `components/image-resize`: a 12-megapixel
//! JPEG to an 800-px-wide JPEG (quality 80), the whole request in-process
//! (instance, fetch from a loopback origin, decode, resize, encode), beside
//! libvips doing the same in-process in the same run (`pyvips`:
//! `thumbnail_buffer(data, 800)` then `write_to_buffer(".jpg[Q=80]")`, with
//! its default threads and with one), the three interleaved round by round
//! so that the load of a shared machine weighs on each alike, and
//! the peak linear memory for 12 and 40 MP JPEG and PNG sources.
//!
//! The sources are made by libvips too (a gradient with a ripple, plus
//! Gaussian noise in the JPEGs so the codecs have photo-like work), in a
//! temporary directory; the component runs with its default settings but
//! `MAX_INPUT_BYTES` (100 MiB, for the 40 MP PNG). Needs `python3` with `pyvips` (PyPI) over libvips (Debian
//! `libvips42`).

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use edgekit_host::{Host, bench, build_crate};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// Makes the sources and times libvips; prints one JSON object.
const LIBVIPS: &str = r#"
import json, sys, time
import pyvips
out = sys.argv[1]
pyvips.cache_set_max(0)  # no operation cache: every run does the work

def photo(w, h):
    x = pyvips.Image.xyz(w, h)
    ripple = ((x[0] * (57.3 / 7)).sin() + (x[1] * (57.3 / 5)).cos()) * 20
    r = x[0] * (255 / w) + ripple
    g = x[1] * (255 / h) - ripple
    b = pyvips.Image.gaussnoise(w, h, sigma=12, mean=120)
    return (r + pyvips.Image.gaussnoise(w, h, sigma=6, mean=0)).bandjoin([g, b]).cast("uchar")

def smooth(w, h):
    x = pyvips.Image.xyz(w, h)
    ripple = ((x[0] * (57.3 / 7)).sin() + (x[1] * (57.3 / 5)).cos()) * 20
    return (x[0] * (255 / w) + ripple).bandjoin([x[1] * (255 / h) - ripple, x[0] * 0 + 120]).cast("uchar")

for name, (w, h) in {"12mp": (4000, 3000), "40mp": (7300, 5475)}.items():
    photo(w, h).jpegsave(f"{out}/{name}.jpg", Q=85)
    # Without the noise: a noisy 40 MP PNG is far over MAX_INPUT_BYTES.
    smooth(w, h).pngsave(f"{out}/{name}.png", compression=6)

data = open(f"{out}/12mp.jpg", "rb").read()

def once():
    started = time.perf_counter()
    thumb = pyvips.Image.thumbnail_buffer(data, 800)
    result = thumb.write_to_buffer(".jpg[Q=80]")
    return time.perf_counter() - started, thumb.width, thumb.height, len(result)

threads = pyvips.concurrency_get()
_, w, h, size = once()
print(json.dumps({"threads": threads, "width": w, "height": h, "bytes": size,
                  "version": pyvips.version(0) * 100 + pyvips.version(1)}), flush=True)
# Then one timed run per line read ("1": one thread, else the default), so
# the caller can interleave them with its own runs under the same load.
for line in sys.stdin:
    pyvips.concurrency_set(1 if line.strip() == "1" else threads)
    print(once()[0], flush=True)
"#;

/// Rounds of libvips, the component and libvips on one thread.
const ROUNDS: usize = 15;

/// The libvips process: it made the sources and times one run per request.
struct Libvips {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Its threads, output size and version.
    ready: serde_json::Value,
}

impl Libvips {
    /// Starts it: it writes the sources into `dir` and runs once.
    fn start(dir: &Path) -> anyhow::Result<Libvips> {
        let mut child = Command::new("python3")
            .args(["-c", LIBVIPS])
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("python3 is needed for the libvips baseline")?;
        let stdin = child.stdin.take().context("no stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let ready = serde_json::from_str(&line).context(
            "the libvips baseline failed (pip install pyvips; apt-get install libvips42)",
        )?;
        Ok(Libvips {
            child,
            stdin,
            stdout,
            ready,
        })
    }

    /// One timed run on `threads` (0: libvips' default).
    fn once(&mut self, threads: usize) -> anyhow::Result<Duration> {
        writeln!(self.stdin, "{threads}")?;
        self.stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let seconds: f64 = line.trim().parse().context("libvips stopped")?;
        Ok(Duration::from_secs_f64(seconds))
    }
}

impl Drop for Libvips {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback origin serving the files of `dir` by name.
async fn serve_dir(dir: PathBuf) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let dir = Arc::new(dir);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let dir = dir.clone();
            let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let file = dir.join(request.uri().path().trim_start_matches('/'));
                async move {
                    let response = match tokio::fs::read(&file).await {
                        Ok(bytes) => http::Response::new(Full::new(Bytes::from(bytes))),
                        Err(_) => {
                            let mut r = http::Response::new(Full::new(Bytes::new()));
                            *r.status_mut() = http::StatusCode::NOT_FOUND;
                            r
                        }
                    };
                    Ok::<_, Infallible>(response)
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(addr)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

async fn timed(host: &Host, uri: &str) -> anyhow::Result<(Duration, edgekit_host::Exchange)> {
    let request = http::Request::get(uri).body(Full::new(Bytes::new()))?;
    let started = Instant::now();
    let ex = host.send(request).await?;
    let elapsed = started.elapsed();
    if ex.response.status() != 200 {
        bail!(
            "{uri} answered {}: {:?} {}",
            ex.response.status(),
            ex.stats.failure,
            String::from_utf8_lossy(ex.response.body())
        );
    }
    Ok((elapsed, ex))
}

/// Builds the component, makes the sources, and prints the table.
pub fn run(repo: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let wasm = build_crate(&repo.join("components/image-resize"))?;
    let size = std::fs::metadata(&wasm)?.len();
    let dir = std::env::temp_dir().join(format!("edgekit-image-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut vips = Libvips::start(&dir)?;
    let made = vips.ready.clone();

    let result = runtime.block_on(async {
        let addr = serve_dir(dir.clone()).await?;
        let host = Host::builder(&wasm)
            .env("ORIGIN", format!("http://{addr}"))
            // A 40 MP PNG is larger than the default 25 MiB; the decoding
            // budget shrinks beside a large source, so memory stays bounded.
            .env("MAX_INPUT_BYTES", "104857600")
            // The 40 MP PNGs take longer than the default budget.
            .deadline(Duration::from_secs(60))
            .build()
            .await?;
        let uri = "/12mp.jpg?w=800&q=80&format=jpeg";
        // Warm-ups, then rounds of libvips (default threads), the
        // component and libvips (1 thread) in turn: a change in the load of
        // the machine hits all three alike.
        timed(&host, uri).await?;
        vips.once(1)?;
        vips.once(0)?;
        let mut requests = Vec::new();
        let mut handlers = Vec::new();
        let mut vips_default = Vec::new();
        let mut vips_one = Vec::new();
        let mut last = None;
        for _ in 0..ROUNDS {
            vips_default.push(vips.once(0)?);
            let (elapsed, ex) = timed(&host, uri).await?;
            requests.push(elapsed);
            handlers.push(ex.stats.handler);
            last = Some(ex);
            vips_one.push(vips.once(1)?);
        }
        let request = bench::Summary::of(&mut requests).median;
        let vips_median = bench::Summary::of(&mut vips_default).median;
        let vips_single = bench::Summary::of(&mut vips_one).median;
        let vips = &made;
        let last = last.context("no request")?;
        let image_bytes = last.response.body().len();
        let ratio = bench::ratio(request, vips_median);

        println!("\n`GET {uri}` (4000x3000 JPEG, quality 85, 4:2:0), medians of {ROUNDS} interleaved rounds after a warm-up\n");
        println!("| pipeline | median | output |");
        println!("|---|---:|---|");
        println!(
            "| libvips {} in-process, {} threads (`thumbnail_buffer` + `write_to_buffer`) | {} | {}x{}, {} bytes |",
            vips["version"], vips["threads"], ms(vips_median), vips["width"], vips["height"], vips["bytes"]
        );
        println!("| libvips, 1 thread | {} | |", ms(vips_single));
        println!(
            "| image-resize under edgekit-host: the whole request | {} (handler {}) | 800x600, {image_bytes} bytes |",
            ms(request),
            ms(bench::Summary::of(&mut handlers).median)
        );
        println!("| ratio image-resize / libvips | {ratio:.2} | |");
        println!(
            "| ratio image-resize / libvips with 1 thread | {:.2} | |",
            bench::ratio(request, vips_single)
        );
        println!("\n| target | value | |\n|---|---:|---|");
        println!("| ratio ≤ 1.20 | {ratio:.2} | {} |", if ratio <= 1.2 { "met" } else { "MISSED" });
        println!("| image_resize.wasm | {size} bytes | |");

        println!("\nPeak linear memory (limit 128 MiB), one request each:\n");
        println!("| source | bytes | request | peak memory | time |");
        println!("|---|---:|---|---:|---:|");
        for (source, what) in [
            ("12mp.jpg", "4000x3000 JPEG"),
            ("12mp.png", "4000x3000 PNG"),
            ("40mp.jpg", "7300x5475 JPEG"),
            ("40mp.png", "7300x5475 PNG"),
        ] {
            for query in ["w=800", "w=4096"] {
                let (elapsed, ex) = timed(&host, &format!("/{source}?{query}")).await?;
                let bytes = std::fs::metadata(dir.join(source)).map(|m| m.len()).unwrap_or(0);
                println!("| {what} | {bytes} | `{query}` | {} | {} |", mib(ex.stats.peak_memory), ms(elapsed));
            }
        }
        anyhow::Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}
