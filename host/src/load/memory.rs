//! The resident memory of a server process over a run: sampled once a
//! second from `/proc/<pid>/status` (`VmRSS`), and the criterion that calls
//! it flat.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The late window's mean may exceed the early window's by at most this
/// share for the memory to count as flat.
pub const FLAT_GROWTH: f64 = 0.10;

/// Samples a process's resident memory every second until stopped.
pub struct Sampler {
    stop: watch::Sender<bool>,
    task: JoinHandle<Vec<u64>>,
}

impl Sampler {
    /// Starts sampling `pid` now (the first sample is taken at once).
    pub fn start(pid: u32) -> Sampler {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        if let Some(kib) = resident_kib(pid) {
                            samples.push(kib);
                        }
                    }
                    _ = stopped.changed() => break,
                }
            }
            samples
        });
        Sampler { stop, task }
    }

    /// Stops sampling and returns the samples.
    pub async fn finish(self) -> Trend {
        let _ = self.stop.send(true);
        Trend {
            kib: self.task.await.unwrap_or_default(),
        }
    }
}

/// `VmRSS` of `pid` in KiB, or `None` if the process is gone.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory samples, one a second from the start of the load.
#[derive(Debug, Clone, Default)]
pub struct Trend {
    /// The samples in KiB.
    pub kib: Vec<u64>,
}

impl Trend {
    /// The first sample (the server idle, just before the load).
    pub fn first(&self) -> u64 {
        self.kib.first().copied().unwrap_or_default()
    }

    /// The largest sample.
    pub fn peak(&self) -> u64 {
        self.kib.iter().copied().max().unwrap_or_default()
    }

    /// The last sample (the end of the load).
    pub fn last(&self) -> u64 {
        self.kib.last().copied().unwrap_or_default()
    }

    /// The mean of the second sixth of the run and of its last sixth (for
    /// 60 s: 10–20 s, once the server has warmed up, and 50–60 s), in KiB.
    pub fn windows(&self) -> (f64, f64) {
        let n = self.kib.len();
        let mean = |from: usize, to: usize| {
            let window = &self.kib[from.min(n)..to.clamp(from.min(n), n)];
            window.iter().sum::<u64>() as f64 / window.len().max(1) as f64
        };
        (mean(n / 6, 2 * n / 6), mean(n - n / 6, n))
    }

    /// Flat: the late window's mean at most [`FLAT_GROWTH`] above the early
    /// window's.
    pub fn flat(&self) -> bool {
        let (early, late) = self.windows();
        late <= early * (1.0 + FLAT_GROWTH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_the_second_and_last_sixth() {
        let trend = Trend {
            kib: (0..60).map(|s| if s < 30 { 100 } else { 105 }).collect(),
        };
        assert_eq!(trend.windows(), (100.0, 105.0));
        assert!(trend.flat());
        let growing = Trend {
            kib: (0..60).map(|s| 100 + s).collect(),
        };
        assert!(!growing.flat());
        assert_eq!(
            (growing.first(), growing.peak(), growing.last()),
            (100, 159, 159)
        );
    }

    #[test]
    fn our_own_memory_is_readable() {
        assert!(resident_kib(std::process::id()).unwrap() > 0);
    }
}
