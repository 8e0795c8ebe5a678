//! Waiting for time to pass, on `wasi:clocks/monotonic-clock`.

use std::time::Duration;

use wasip2::clocks::monotonic_clock;

use super::wait::{Wait, Yield};

/// Resolves after `duration`, letting the reactor run other tasks meanwhile.
pub(crate) async fn sleep(duration: Duration) {
    let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
    Yield::wait(monotonic_clock::subscribe_duration(nanos)).await;
}
