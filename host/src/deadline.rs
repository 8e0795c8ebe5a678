//! The execution deadline: how long a guest has been running wasm code.
//!
//! Wall-clock time since the request started would kill a guest that waits
//! on a slow backend, and counting epoch ticks would charge it for ticks it
//! spent blocked in the host. Instead the store's call hook measures the
//! time between entering and leaving wasm, and the epoch callback (which only
//! fires while wasm runs) compares it with the budget.

use std::time::{Duration, Instant};
use wasmtime::{CallHook, UpdateDeadline};

/// Time spent executing wasm in one store, against a budget.
pub(crate) struct WasmClock {
    budget: Duration,
    spent: Duration,
    entered: Option<Instant>,
    exceeded: bool,
}

impl WasmClock {
    pub(crate) fn new(budget: Duration) -> Self {
        WasmClock {
            budget,
            spent: Duration::ZERO,
            entered: None,
            exceeded: false,
        }
    }

    /// Follows control moving between the host and wasm.
    pub(crate) fn on_call_hook(&mut self, hook: CallHook) {
        if hook.entering_host() {
            if let Some(entered) = self.entered.take() {
                self.spent += entered.elapsed();
            }
        } else if self.entered.is_none() {
            self.entered = Some(Instant::now());
        }
    }

    /// Time spent in wasm so far.
    pub(crate) fn spent(&self) -> Duration {
        self.spent
            + self
                .entered
                .map_or(Duration::ZERO, |entered| entered.elapsed())
    }

    /// Whether the guest was stopped for running past its budget.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded
    }

    /// Called on every epoch tick that finds the guest running: yields to
    /// other requests while under budget, stops the guest once over it.
    pub(crate) fn on_epoch(&mut self) -> wasmtime::Result<UpdateDeadline> {
        if self.spent() > self.budget {
            self.exceeded = true;
            return Err(wasmtime::Error::msg("execution deadline exceeded"));
        }
        Ok(UpdateDeadline::Yield(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_outside_wasm_is_not_counted() {
        let mut clock = WasmClock::new(Duration::from_millis(20));
        clock.on_call_hook(CallHook::CallingWasm);
        clock.on_call_hook(CallHook::CallingHost);
        std::thread::sleep(Duration::from_millis(40));
        clock.on_call_hook(CallHook::ReturningFromHost);
        assert!(clock.on_epoch().is_ok());
        assert!(clock.spent() < Duration::from_millis(20));
    }

    #[test]
    fn time_inside_wasm_runs_out() {
        let mut clock = WasmClock::new(Duration::from_millis(5));
        clock.on_call_hook(CallHook::CallingWasm);
        std::thread::sleep(Duration::from_millis(10));
        assert!(clock.on_epoch().is_err());
        assert!(clock.exceeded());
    }
}
