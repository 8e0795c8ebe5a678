//! Writing the SDK's own diagnostics to stderr.

use std::fmt;

/// Writes one line to the host's stderr, straight through `wasi:cli/stderr`:
/// std's `eprintln!` machinery would add kilobytes to every component.
pub(crate) fn error_line(message: fmt::Arguments<'_>) {
    let line = format!("edgekit: {message}\n");
    #[cfg(target_arch = "wasm32")]
    {
        let stderr = wasip2::cli::stderr::get_stderr();
        // Nothing sensible is left to do if stderr itself fails.
        let _ = stderr.blocking_write_and_flush(line.as_bytes());
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprint!("{line}");
}

/// `error_line!("...", args)`: logs a formatted line to stderr.
macro_rules! log_error {
    ($($arg:tt)*) => {
        $crate::wasi::log::error_line(format_args!($($arg)*))
    };
}
pub(crate) use log_error;
