//! Structured logging to stderr: one JSON object a line, with the level,
//! the [`request_id`](crate::request_id) and the message.
//!
//! ```text
//! {"level":"info","request_id":"9f1c2e0a7b3d4c55","msg":"resized 1200x800 to 600x400"}
//! ```
//!
//! The level comes from the environment variable `EDGEKIT_LOG` (`error`,
//! `warn`, `info`, `debug`, `trace` or `off`; default `info`). Hosts capture
//! stderr per request: `edgekit-host` puts it in `Stats::stderr`.
//!
//! ```no_run
//! use edgekit::log;
//!
//! #[edgekit::edge_handler]
//! fn handle(req: edgekit::Request) -> &'static str {
//!     log::info!("{} {}", req.method(), req.uri().path());
//!     log::debug!("headers: {:?}", req.headers());
//!     "ok"
//! }
//! ```

use std::fmt;
use std::sync::OnceLock;

use crate::json_text::push_json_string;

/// How important a log line is.
///
/// ```
/// use edgekit::log::Level;
/// assert!(Level::Error < Level::Debug);
/// assert_eq!(Level::Warn.name(), "warn");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Something failed.
    Error,
    /// Something looks wrong.
    Warn,
    /// What happened (the default threshold).
    Info,
    /// Detail for debugging.
    Debug,
    /// Even more detail.
    Trace,
}

impl Level {
    /// The level's name as written in log lines and `EDGEKIT_LOG`.
    ///
    /// ```
    /// assert_eq!(edgekit::log::Level::Info.name(), "info");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

/// The most detailed level written: `EDGEKIT_LOG`, or `info`; `None` is
/// `off`. An unknown value keeps the default rather than silencing errors.
fn threshold() -> Option<Level> {
    static THRESHOLD: OnceLock<Option<Level>> = OnceLock::new();
    *THRESHOLD.get_or_init(|| {
        let text = std::env::var("EDGEKIT_LOG").unwrap_or_default();
        parse_threshold(&text)
    })
}

fn parse_threshold(text: &str) -> Option<Level> {
    match text.trim().to_ascii_lowercase().as_str() {
        "off" | "none" => None,
        "error" => Some(Level::Error),
        "warn" | "warning" => Some(Level::Warn),
        "debug" => Some(Level::Debug),
        "trace" => Some(Level::Trace),
        _ => Some(Level::Info),
    }
}

/// Whether lines at `level` are written; check it before building an
/// expensive message.
///
/// ```no_run
/// use edgekit::log::{Level, enabled};
/// if enabled(Level::Debug) {
///     edgekit::log::debug!("{}", "expensive".repeat(3));
/// }
/// ```
pub fn enabled(level: Level) -> bool {
    threshold().is_some_and(|max| level <= max)
}

/// Writes one line at `level`; the macros call it.
///
/// ```no_run
/// edgekit::log::write(edgekit::log::Level::Warn, format_args!("disk {}% full", 91));
/// ```
pub fn write(level: Level, message: fmt::Arguments<'_>) {
    if enabled(level) {
        write_always(level, message);
    }
}

/// Writes one line whatever the threshold.
pub(crate) fn write_always(level: Level, message: fmt::Arguments<'_>) {
    crate::wasi::log::write_stderr(&line(level, crate::request_id(), &message.to_string()));
}

fn line(level: Level, request_id: &str, message: &str) -> String {
    let mut line = String::with_capacity(message.len() + 64);
    line.push_str("{\"level\":\"");
    line.push_str(level.name());
    line.push_str("\",\"request_id\":\"");
    line.push_str(request_id);
    line.push_str("\",\"msg\":");
    push_json_string(&mut line, message);
    line.push_str("}\n");
    line
}

/// Logs at level `error`: `error!("failed: {e}")`.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_error {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Error, format_args!($($arg)*)) };
}

/// Logs at level `warn`.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_warn {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Warn, format_args!($($arg)*)) };
}

/// Logs at level `info`.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_info {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Info, format_args!($($arg)*)) };
}

/// Logs at level `debug`.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_debug {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Debug, format_args!($($arg)*)) };
}

/// Logs at level `trace`.
#[doc(hidden)]
#[macro_export]
macro_rules! __log_trace {
    ($($arg:tt)*) => { $crate::log::write($crate::log::Level::Trace, format_args!($($arg)*)) };
}

/// Logs a line at level `error`, formatted like `format!`.
///
/// ```no_run
/// edgekit::log::error!("origin answered {}", 503);
/// ```
#[doc(inline)]
pub use crate::__log_error as error;

/// Logs a line at level `warn`, formatted like `format!`.
///
/// ```no_run
/// edgekit::log::warn!("slow origin: {} ms", 950);
/// ```
#[doc(inline)]
pub use crate::__log_warn as warn;

/// Logs a line at level `info`, formatted like `format!`.
///
/// ```no_run
/// edgekit::log::info!("served {}", "/index.md");
/// ```
#[doc(inline)]
pub use crate::__log_info as info;

/// Logs a line at level `debug`, formatted like `format!`.
///
/// ```no_run
/// edgekit::log::debug!("cache key {}", "abc");
/// ```
#[doc(inline)]
pub use crate::__log_debug as debug;

/// Logs a line at level `trace`, formatted like `format!`.
///
/// ```no_run
/// edgekit::log::trace!("chunk of {} bytes", 4096);
/// ```
#[doc(inline)]
pub use crate::__log_trace as trace;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_json_with_level_id_and_message() {
        assert_eq!(
            line(Level::Warn, "00ff", "quote \" and\nnewline"),
            "{\"level\":\"warn\",\"request_id\":\"00ff\",\"msg\":\"quote \\\" and\\nnewline\"}\n"
        );
        let parsed: serde_json::Value =
            serde_json::from_str(&line(Level::Info, "1", "a\u{1}b")).unwrap();
        assert_eq!(parsed["msg"], "a\u{1}b");
    }

    #[test]
    fn thresholds() {
        assert_eq!(parse_threshold(""), Some(Level::Info));
        assert_eq!(parse_threshold("DEBUG"), Some(Level::Debug));
        assert_eq!(parse_threshold("off"), None);
        assert_eq!(parse_threshold("loud"), Some(Level::Info));
    }
}
