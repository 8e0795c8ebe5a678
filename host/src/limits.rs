//! Per-request resource limits and the memory accounting that enforces them.

use std::time::Duration;

/// The limits every request runs under.
///
/// The defaults follow what edge platforms give a request: 128 MiB of linear
/// memory, a short execution deadline and 32 outgoing requests.
///
/// ```no_run
/// use std::time::Duration;
/// use edgekit_host::Limits;
///
/// let limits = Limits {
///     deadline: Duration::from_millis(50),
///     ..Limits::default()
/// };
/// assert_eq!(limits.max_memory, 128 << 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory one instance may grow to, in bytes. Growth beyond it is
    /// refused, which a Rust guest turns into an abort (a trap).
    pub max_memory: usize,
    /// Time the guest may spend executing wasm code during one request.
    /// Time spent waiting on the host (outgoing requests, reading the
    /// request body, writing a response the client reads slowly) does not
    /// count.
    pub deadline: Duration,
    /// Outgoing requests one request may make; further ones are denied.
    pub max_outgoing_requests: u32,
    /// Requests that may run at the same time; the pooling allocator reserves
    /// address space for this many instances up front (about 4 GiB of
    /// virtual, not resident, memory each). A request beyond it waits up to
    /// 100 ms for a slot (an instance is freed a moment after its answer's
    /// last byte, which a keep-alive client may already have followed with
    /// its next request), then gets a 503.
    pub max_concurrency: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_memory: 128 << 20,
            deadline: Duration::from_secs(1),
            max_outgoing_requests: 32,
            max_concurrency: 256,
        }
    }
}

/// Enforces [`Limits::max_memory`] and records how much linear memory an
/// instance used, for [`Stats::peak_memory`](crate::Stats::peak_memory).
pub(crate) struct MemoryTracker {
    max_memory: usize,
    current: usize,
    peak: usize,
    denied: bool,
}

impl MemoryTracker {
    pub(crate) fn new(max_memory: usize) -> Self {
        MemoryTracker {
            max_memory,
            current: 0,
            peak: 0,
            denied: false,
        }
    }

    /// The most linear memory (all memories together) the instance held.
    pub(crate) fn peak(&self) -> usize {
        self.peak
    }

    /// Whether a growth was refused: a trap that follows is then the memory
    /// limit's doing.
    pub(crate) fn denied(&self) -> bool {
        self.denied
    }
}

impl wasmtime::ResourceLimiter for MemoryTracker {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            self.denied = true;
            return Ok(false);
        }
        self.current = self.current - current.min(self.current) + desired;
        self.peak = self.peak.max(self.current);
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.denied = true;
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables are bounded by the pooling allocator's per-table slots.
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ResourceLimiter;

    #[test]
    fn records_peak_and_refuses_growth_past_the_limit() {
        let mut tracker = MemoryTracker::new(1 << 20);
        assert!(tracker.memory_growing(0, 64 << 10, None).unwrap());
        assert!(tracker.memory_growing(64 << 10, 512 << 10, None).unwrap());
        assert!(!tracker.memory_growing(512 << 10, 2 << 20, None).unwrap());
        assert_eq!(tracker.peak(), 512 << 10);
        assert!(tracker.denied());
    }
}
