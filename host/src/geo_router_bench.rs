//! `edgekit bench`'s part for `components/geo-router`: a full request in
//! redirect mode (configuration loaded and checked, visitor read, route
//! chosen, `302` written) beside the SDK's `hello` example in the same run,
//! requests interleaved. Both get the same request (path, query and the
//! platform's headers; `hello` ignores them), so the ratio measures the
//! routing decision, not two different inputs. The configuration is a realistic one: a platform
//! preset, six routes, a group, an address rule, blocked countries and
//! the debug header, so every step of the decision runs. Each request is a
//! fresh instance, so the configuration is read and checked every time.

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use edgekit_host::bench::{self, Summary, micros};
use edgekit_host::{Host, build_crate};
use http_body_util::Full;

/// Requests per component.
const ITERATIONS: usize = 5000;
/// The issue's target: routing overhead within 1.2x of `hello`.
const MAX_RATIO: f64 = 1.2;

const ROUTES: &str = r#"{"DE": "https://de.example.com", "DACH": "https://dach.example.com/shop", "EU": "https://eu.example.com", "NA": "https://us.example.com", "office": "https://staging.example.com", "default": "https://www.example.com"}"#;

fn request(uri: &str, headers: &[(&str, &str)]) -> http::Request<Full<Bytes>> {
    let mut builder = http::Request::get(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(Bytes::new())).unwrap_or_default()
}

/// Instantiate and whole-request samples of one component.
#[derive(Default)]
struct Samples {
    instantiate: Vec<Duration>,
    request: Vec<Duration>,
}

impl Samples {
    async fn take(
        &mut self,
        host: &Host,
        uri: &str,
        headers: &[(&str, &str)],
        status: u16,
    ) -> anyhow::Result<()> {
        let started = Instant::now();
        let ex = host.send(request(uri, headers)).await?;
        let elapsed = started.elapsed();
        anyhow::ensure!(
            ex.response.status() == status,
            "{uri} answered {}",
            ex.response.status()
        );
        self.instantiate.push(ex.stats.instantiate);
        self.request.push(elapsed);
        Ok(())
    }
}

/// Prints the table; the verdict compares request medians.
pub fn run(repo: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let hello = build_crate(&repo.join("examples/hello"))?;
    let router = build_crate(&repo.join("components/geo-router"))?;
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len());
    let (hello_size, router_size) = (size(&hello)?, size(&router)?);
    runtime.block_on(async {
        let hello_host = Host::builder(&hello).build().await?;
        let router_host = Host::builder(&router)
            .env("PLATFORM", "cloudflare")
            .env("ROUTES", ROUTES)
            .env("GROUPS", r#"{"DACH": ["DE", "AT", "CH"]}"#)
            .env("IP_RULES", r#"{"203.0.113.0/24": "office"}"#)
            .env("BLOCK_COUNTRIES", "KP, SY")
            .env("DEBUG_HEADER", "true")
            .build()
            .await?;
        let visitor = [("cf-ipcountry", "AT"), ("cf-connecting-ip", "198.51.100.7")];
        let (mut h, mut r) = (Samples::default(), Samples::default());
        for round in 0..ITERATIONS + ITERATIONS / 10 {
            if round == ITERATIONS / 10 {
                (h, r) = (Samples::default(), Samples::default());
            }
            h.take(&hello_host, "/products/42?color=red", &visitor, 200).await?;
            r.take(&router_host, "/products/42?color=red", &visitor, 302).await?;
        }
        let [hi, hr, ri, rr] = [&mut h.instantiate, &mut h.request, &mut r.instantiate, &mut r.request].map(|s| Summary::of(s));
        let ratio = bench::ratio(rr.median, hr.median);
        println!("\n### geo-router: a routing decision (redirect mode) vs hello, {ITERATIONS} requests each (interleaved)\n");
        println!("| component | .wasm bytes | instantiate median | instantiate p99 | request median | request p99 |");
        println!("|---|---:|---:|---:|---:|---:|");
        for (name, bytes, i, q) in [("hello (edgekit)", hello_size, hi, hr), ("geo-router, GET with cf-ipcountry: AT → 302", router_size, ri, rr)] {
            println!("| {name} | {bytes} | {} | {} | {} | {} |", micros(i.median), micros(i.p99), micros(q.median), micros(q.p99));
        }
        println!(
            "| ratio geo-router / hello | {:.2} | {:.2} | {:.2} | {ratio:.2} | {:.2} |",
            router_size as f64 / hello_size as f64,
            bench::ratio(ri.median, hi.median),
            bench::ratio(ri.p99, hi.p99),
            bench::ratio(rr.p99, hr.p99),
        );
        let verdict = if ratio <= MAX_RATIO { "met" } else { "MISSED" };
        println!("\n| target | value | |\n|---|---:|---|\n| request median ratio ≤ {MAX_RATIO:.2} | {ratio:.2} | {verdict} |");
        anyhow::Ok(())
    })
}
