//! Load on a component served by a real host: `edgekit serve` or
//! `wasmtime serve -Scli` as a child process, many keep-alive connections
//! from a load generator on loopback, and a component that breaks the
//! memory and CPU limits served alongside by the same host, in the same
//! load. What `edgekit bench --only load` prints and what the load test
//! asserts.
//!
//! ```no_run
//! # async fn f(wasms: edgekit_host::load::Wasms) -> anyhow::Result<()> {
//! use edgekit_host::load::{self, Backends, HostKind, Settings};
//! let backends = Backends::start(std::path::Path::new("/tmp/load-s3")).await?;
//! let breaker = load::limit_breaker(&wasms);
//! for component in load::components(&wasms, &backends) {
//!     let settings = Settings::new(64, std::time::Duration::from_secs(3));
//!     let run = load::run(&HostKind::Wasmtime, &component, &breaker, &settings).await?;
//!     assert_eq!(run.good.failed(), 0);
//! }
//! # Ok(()) }
//! ```

mod generator;
mod memory;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use generator::{Expect, REQUEST_TIMEOUT, RequestFn, Tally};
pub use memory::{FLAT_GROWTH, Trend};
pub use scenarios::{Backends, Component, Wasms, components, limit_breaker};
pub use server::{DEADLINE, HostKind, MAX_MEMORY, Server};

/// How much load, for how long.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Connections to the component, one request in flight on each.
    pub connections: usize,
    /// Connections to the limit-breaker, beside them.
    pub breaker_connections: usize,
    /// How long requests keep being sent.
    pub duration: Duration,
    /// Where the servers' output goes, one file per server.
    pub log_dir: PathBuf,
}

impl Settings {
    /// `connections` to the component and one to the limit-breaker for
    /// every 128 of them (at least one), logs under the temporary directory.
    pub fn new(connections: usize, duration: Duration) -> Settings {
        Settings {
            connections,
            breaker_connections: (connections / 128).max(1),
            duration,
            log_dir: std::env::temp_dir().join(format!("edgekit-load-{}", std::process::id())),
        }
    }
}

/// What one run found.
#[derive(Debug, Clone)]
pub struct Run {
    /// The component's name.
    pub component: &'static str,
    /// The host's name.
    pub host: &'static str,
    /// The load's length, from the first request to the last answer.
    pub elapsed: Duration,
    /// The component's requests.
    pub good: Tally,
    /// The limit-breaker's requests.
    pub breaker: Tally,
    /// The resident memory of the server running the component.
    pub good_memory: Trend,
    /// The resident memory of the server running the limit-breaker.
    pub breaker_memory: Trend,
    /// Whether both servers were still running at the end.
    pub survived: bool,
    /// The component's server's output.
    pub log: PathBuf,
}

/// Serves `component` and `breaker` under `host`, each in its own server
/// process, and sends both their load at once for `settings.duration`.
pub async fn run(
    host: &HostKind,
    component: &Component,
    breaker: &Component,
    settings: &Settings,
) -> anyhow::Result<Run> {
    std::fs::create_dir_all(&settings.log_dir)?;
    let log = |name: &str| {
        let host = match host {
            HostKind::Edgekit(_) => "edgekit",
            HostKind::Wasmtime => "wasmtime",
        };
        settings.log_dir.join(format!("{name}-{host}.log"))
    };
    let (good_server, breaker_server) = tokio::join!(
        Server::start(host, &component.wasm, &component.env, log(component.name)),
        Server::start(
            host,
            &breaker.wasm,
            &breaker.env,
            log(&format!("{}-beside-{}", breaker.name, component.name))
        ),
    );
    let (mut good_server, mut breaker_server) = (good_server?, breaker_server?);
    let good_sampler = memory::Sampler::start(good_server.pid());
    let breaker_sampler = memory::Sampler::start(breaker_server.pid());
    let started = Instant::now();
    let until = started + settings.duration;
    let (good, bad) = tokio::join!(
        generator::drive(
            good_server.addr,
            settings.connections,
            component.request.clone(),
            component.expect,
            until,
        ),
        generator::drive(
            breaker_server.addr,
            settings.breaker_connections,
            breaker.request.clone(),
            breaker.expect,
            until,
        ),
    );
    let elapsed = started.elapsed();
    let (good_memory, breaker_memory) =
        tokio::join!(good_sampler.finish(), breaker_sampler.finish());
    Ok(Run {
        component: component.name,
        host: host.name(),
        elapsed,
        good,
        breaker: bad,
        good_memory,
        breaker_memory,
        survived: good_server.running() && breaker_server.running(),
        log: good_server.log.clone(),
    })
}
