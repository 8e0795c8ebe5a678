//! Measuring components in-process: instantiate and full-request latency
//! (median, p99) and throughput, for comparing a component with a baseline
//! in the same run.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;

use crate::Host;

/// The median and 99th percentile of a set of durations.
///
/// ```
/// use std::time::Duration;
/// let s = edgekit_host::bench::Summary::of(&mut [1, 2, 3, 4].map(Duration::from_micros));
/// assert_eq!(s.median, Duration::from_micros(3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// The middle value (the upper one for an even count).
    pub median: Duration,
    /// The value 99% of samples are at or below.
    pub p99: Duration,
}

impl Summary {
    /// Summarises `samples` (sorted in place); zero for no samples.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
    /// assert_eq!(edgekit_host::bench::Summary::of(&mut samples).p99, Duration::from_micros(99));
    /// ```
    pub fn of(samples: &mut [Duration]) -> Summary {
        samples.sort_unstable();
        let at = |q: f64| {
            let rank = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len().max(1));
            samples.get(rank - 1).copied().unwrap_or_default()
        };
        Summary {
            median: samples.get(samples.len() / 2).copied().unwrap_or_default(),
            p99: at(0.99),
        }
    }
}

/// What [`measure`] found for one component.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// let m = edgekit_host::bench::measure(&host, "/?name=Ada", 1000).await?;
/// println!("{m}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Measurement {
    /// Creating the instance (store, instantiation from the pre-instantiated component).
    pub instantiate: Summary,
    /// A whole request in-process: instance, handler, response body read.
    pub request: Summary,
}

impl fmt::Display for Measurement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "instantiate {} / {}, request {} / {}",
            micros(self.instantiate.median),
            micros(self.instantiate.p99),
            micros(self.request.median),
            micros(self.request.p99)
        )
    }
}

/// A duration in microseconds with one decimal, as the tables print them.
///
/// ```
/// assert_eq!(edgekit_host::bench::micros(std::time::Duration::from_nanos(12_345)), "12.3 µs");
/// ```
pub fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

/// How many times longer `x` took than `y`, as the tables' ratio rows say.
///
/// ```
/// use std::time::Duration;
/// let r = edgekit_host::bench::ratio(Duration::from_micros(30), Duration::from_micros(20));
/// assert_eq!(r, 1.5);
/// ```
pub fn ratio(x: Duration, y: Duration) -> f64 {
    x.as_secs_f64() / y.as_secs_f64()
}

fn get(uri: &str) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::new(Full::new(Bytes::new()));
    *request.uri_mut() = uri.parse().unwrap_or_default();
    request
}

/// Sends `GET uri` `iterations` times, one after the other, after a short
/// warm-up, and summarises instantiate and request times. A response other
/// than `200` is an error: a benchmark of failures measures nothing.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// let m = edgekit_host::bench::measure(&host, "/", 500).await?;
/// assert!(m.request.median >= m.instantiate.median);
/// # Ok(()) }
/// ```
pub async fn measure(host: &Host, uri: &str, iterations: usize) -> anyhow::Result<Measurement> {
    let mut samples = Samples::default();
    for _ in 0..iterations / 10 {
        samples.take(host, uri).await?;
    }
    let mut samples = Samples::default();
    for _ in 0..iterations {
        samples.take(host, uri).await?;
    }
    Ok(samples.summary())
}

/// Runs [`measure`] on several hosts with their samples interleaved, so
/// that drift in the machine's speed affects them all alike.
///
/// ```no_run
/// # async fn f(a: edgekit_host::Host, b: edgekit_host::Host) -> anyhow::Result<()> {
/// let [ma, mb] = edgekit_host::bench::measure_interleaved([&a, &b], "/", 1000).await?;
/// # Ok(()) }
/// ```
pub async fn measure_interleaved<const N: usize>(
    hosts: [&Host; N],
    uri: &str,
    iterations: usize,
) -> anyhow::Result<[Measurement; N]> {
    let mut samples: [Samples; N] = std::array::from_fn(|_| Samples::default());
    for round in 0..iterations + iterations / 10 {
        for (host, samples) in hosts.iter().zip(samples.iter_mut()) {
            if round == iterations / 10 {
                *samples = Samples::default();
            }
            samples.take(host, uri).await?;
        }
    }
    Ok(samples.map(|mut s| s.summary()))
}

/// Requests per second with `concurrency` requests in flight for `duration`.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// let rps = edgekit_host::bench::throughput(&host, "/", 2, std::time::Duration::from_secs(2)).await?;
/// # Ok(()) }
/// ```
pub async fn throughput(
    host: &Host,
    uri: &str,
    concurrency: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let host = host.clone();
        let uri = uri.to_owned();
        workers.spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < duration {
                let ex = host.send(get(&uri)).await?;
                anyhow::ensure!(
                    ex.response.status() == 200,
                    "status {}",
                    ex.response.status()
                );
                done += 1;
            }
            Ok(done)
        });
    }
    let mut total = 0;
    while let Some(done) = workers.join_next().await {
        total += done??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

#[derive(Default)]
struct Samples {
    instantiate: Vec<Duration>,
    request: Vec<Duration>,
}

impl Samples {
    async fn take(&mut self, host: &Host, uri: &str) -> anyhow::Result<()> {
        let started = Instant::now();
        let ex = host.send(get(uri)).await?;
        let elapsed = started.elapsed();
        anyhow::ensure!(
            ex.response.status() == 200,
            "{uri} answered {}: {:?}",
            ex.response.status(),
            ex.stats.failure
        );
        self.instantiate.push(ex.stats.instantiate);
        self.request.push(elapsed);
        Ok(())
    }

    fn summary(&mut self) -> Measurement {
        Measurement {
            instantiate: Summary::of(&mut self.instantiate),
            request: Summary::of(&mut self.request),
        }
    }
}
