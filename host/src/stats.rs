//! What the host observed while a request ran.

use crate::OutgoingRecord;
use http::StatusCode;
use std::fmt;
use std::time::Duration;

/// Measurements and logs of one request.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// let ex = host.send(http::Request::get("/").body(String::new())?).await?;
/// let stats = &ex.stats;
/// println!(
///     "instantiate {:?}, handler {:?}, {} bytes of memory, {} outgoing",
///     stats.instantiate, stats.handler, stats.peak_memory, stats.outgoing.len()
/// );
/// assert!(stats.failure.is_none(), "{}", stats.stderr);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Time to instantiate the component in a fresh store.
    pub instantiate: Duration,
    /// Time from calling the handler until the response body ended (or the
    /// handler returned, when the body was not read to its end).
    pub handler: Duration,
    /// Time the guest spent executing wasm code: what the deadline counts.
    pub wasm_time: Duration,
    /// The most guest linear memory the instance held, in bytes.
    pub peak_memory: usize,
    /// Every outgoing request, in order.
    pub outgoing: Vec<OutgoingRecord>,
    /// What the guest printed to stdout (empty when stdio is inherited; at
    /// most 1 MiB is kept).
    pub stdout: String,
    /// What the guest printed to stderr (same rules as `stdout`).
    pub stderr: String,
    /// Why the request failed, if it did.
    pub failure: Option<Failure>,
}

/// Why a request failed: the guest broke a limit, trapped, or never answered.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// use edgekit_host::FailureKind;
///
/// let ex = host.send(http::Request::get("/spin").body(String::new())?).await?;
/// let failure = ex.stats.failure.expect("the guest should have been stopped");
/// assert_eq!(failure.kind, FailureKind::Deadline);
/// println!("{failure}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The kind of failure.
    pub kind: FailureKind,
    /// The details, e.g. the trap message with its wasm backtrace.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// The kinds of [`Failure`].
///
/// ```no_run
/// use edgekit_host::FailureKind;
///
/// assert_eq!(FailureKind::Deadline.to_string(), "execution deadline exceeded");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The guest ran wasm code for longer than [`Limits::deadline`](crate::Limits::deadline).
    Deadline,
    /// The guest trapped after a memory growth beyond
    /// [`Limits::max_memory`](crate::Limits::max_memory) was refused.
    MemoryLimit,
    /// The guest trapped (a panic, `unreachable`, out-of-bounds access, ...).
    Trap,
    /// The handler returned without sending a response.
    NoResponse,
    /// The handler answered with a `wasi:http` error code instead of a response.
    ErrorCode,
    /// The response body broke off after its head was sent (e.g. a body
    /// shorter than its `Content-Length`); only [`Host::send`](crate::Host::send)
    /// reports this, a streaming reader sees the body error itself.
    ResponseBody,
    /// Every instance slot was busy
    /// ([`Limits::max_concurrency`](crate::Limits::max_concurrency)).
    Overloaded,
    /// The component could not be instantiated.
    Instantiate,
}

impl FailureKind {
    /// The status the client gets when the response was not sent yet.
    ///
    /// ```no_run
    /// use edgekit_host::FailureKind;
    ///
    /// assert_eq!(FailureKind::Overloaded.status(), http::StatusCode::SERVICE_UNAVAILABLE);
    /// ```
    pub fn status(self) -> StatusCode {
        match self {
            FailureKind::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureKind::Deadline => "execution deadline exceeded",
            FailureKind::MemoryLimit => "memory limit exceeded",
            FailureKind::Trap => "guest trapped",
            FailureKind::NoResponse => "handler returned no response",
            FailureKind::ErrorCode => "handler failed",
            FailureKind::ResponseBody => "response body failed",
            FailureKind::Overloaded => "too many concurrent requests",
            FailureKind::Instantiate => "instantiation failed",
        })
    }
}
