//! Writing log lines to stderr.

/// Writes `line` to the host's stderr, straight through `wasi:cli/stderr`:
/// std's `eprintln!` machinery would add kilobytes to every component.
pub(crate) fn write_stderr(line: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let stderr = wasip2::cli::stderr::get_stderr();
        // `blocking-write-and-flush` takes at most 4096 bytes a call.
        for chunk in line.as_bytes().chunks(4096) {
            // Nothing sensible is left to do if stderr itself fails.
            if stderr.blocking_write_and_flush(chunk).is_err() {
                return;
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprint!("{line}");
}

/// `log_error!("...", args)`: the SDK's own diagnostics, at level `error`,
/// written whatever `EDGEKIT_LOG` says: a client given a request id must be
/// able to find the cause (and not reading the threshold keeps components
/// that never log smaller).
macro_rules! log_error {
    ($($arg:tt)*) => {
        $crate::log::write_always($crate::log::Level::Error, format_args!($($arg)*))
    };
}
pub(crate) use log_error;
