//! Outbound HTTP: [`fetch`] and friends, over `wasi:http/outgoing-handler`.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::{Body, Error, IntoResponse, Response, wasi};

/// Sends `request` and resolves to the response once its head arrived; the
/// response body streams in as you read it.
///
/// The request body is written while the response is awaited, so a large
/// upload never holds the whole body in memory. Several fetches run
/// concurrently when joined inside an `async` handler:
///
/// ```no_run
/// use edgekit::{Error, Request, fetch, join};
/// use edgekit::http::Request as Outgoing;
///
/// #[edgekit::edge_handler]
/// async fn handle(_req: Request) -> Result<String, Error> {
///     let a = Outgoing::get("https://a.example/").body(())?;
///     let b = Outgoing::get("https://b.example/").body(())?;
///     let (a, b) = join(fetch(a), fetch(b)).await;
///     Ok(format!("{} {}", a?.status(), b?.status()))
/// }
/// ```
pub async fn fetch<B: Into<Body>>(request: http::Request<B>) -> Result<Response, FetchError> {
    fetch_with(request, &FetchOptions::default()).await
}

/// [`fetch`] with timeouts and other [`FetchOptions`].
///
/// ```no_run
/// # async fn f() -> Result<(), edgekit::Error> {
/// use std::time::Duration;
/// use edgekit::{FetchOptions, fetch_with, http::Request};
///
/// let options = FetchOptions::new().first_byte_timeout(Duration::from_secs(2));
/// let response = fetch_with(Request::get("https://api.example/").body(())?, &options).await?;
/// # Ok(()) }
/// ```
pub async fn fetch_with<B: Into<Body>>(
    request: http::Request<B>,
    options: &FetchOptions,
) -> Result<Response, FetchError> {
    wasi::outgoing::send(request.map(Into::into), options).await
}

/// [`fetch`] for sync handlers: blocks until the response head arrived.
///
/// Call it from a plain `fn` handler, not from inside an `async fn` (there,
/// `.await` [`fetch`] instead). A streaming request body is written in full
/// before this returns.
///
/// ```no_run
/// use edgekit::{Error, Request, fetch_blocking};
/// use edgekit::http::Request as Outgoing;
///
/// #[edgekit::edge_handler]
/// fn handle(_req: Request) -> Result<String, Error> {
///     let response = fetch_blocking(Outgoing::get("https://api.example/").body(())?)?;
///     Ok(response.status().to_string())
/// }
/// ```
pub fn fetch_blocking<B: Into<Body>>(request: http::Request<B>) -> Result<Response, FetchError> {
    crate::block_on(fetch(request))
}

/// Timeouts for [`fetch_with`]; the host applies them. Unset means the
/// host's default.
///
/// ```
/// use std::time::Duration;
/// let options = edgekit::FetchOptions::new()
///     .connect_timeout(Duration::from_secs(1))
///     .first_byte_timeout(Duration::from_secs(5))
///     .between_bytes_timeout(Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) first_byte_timeout: Option<Duration>,
    pub(crate) between_bytes_timeout: Option<Duration>,
}

impl FetchOptions {
    /// Options with every timeout left to the host.
    ///
    /// ```
    /// let options = edgekit::FetchOptions::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// How long establishing the connection may take.
    ///
    /// ```
    /// let o = edgekit::FetchOptions::new().connect_timeout(std::time::Duration::from_millis(500));
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long the first byte of the response may take once connected.
    ///
    /// ```
    /// let o = edgekit::FetchOptions::new().first_byte_timeout(std::time::Duration::from_secs(3));
    /// ```
    pub fn first_byte_timeout(mut self, timeout: Duration) -> Self {
        self.first_byte_timeout = Some(timeout);
        self
    }

    /// How long the response body may pause between two chunks.
    ///
    /// ```
    /// let o = edgekit::FetchOptions::new().between_bytes_timeout(std::time::Duration::from_secs(3));
    /// ```
    pub fn between_bytes_timeout(mut self, timeout: Duration) -> Self {
        self.between_bytes_timeout = Some(timeout);
        self
    }
}

/// What kind of failure a [`FetchError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The request could not be sent as given (no scheme or host, a bad method).
    InvalidRequest,
    /// The host's policy refused the destination.
    Denied,
    /// The host name did not resolve.
    Dns,
    /// Nothing accepted the connection.
    ConnectionRefused,
    /// A connect, first-byte or between-bytes timeout expired.
    Timeout,
    /// The connection or TLS failed, or the peer broke the protocol.
    Connection,
    /// Anything else the host reported.
    Other,
}

/// A [`fetch`] that did not produce a response.
///
/// Returned from a handler (or converted by `?`), it answers `502 Bad
/// Gateway` (`504 Gateway Timeout` for timeouts) without revealing the
/// destination; the details are logged.
///
/// ```no_run
/// # async fn f() -> Result<(), edgekit::Error> {
/// use edgekit::{FetchErrorKind, fetch, http::Request};
/// match fetch(Request::get("http://backend.internal/").body(())?).await {
///     Ok(response) => println!("{}", response.status()),
///     Err(e) if e.kind() == FetchErrorKind::Timeout => println!("too slow"),
///     Err(e) => println!("failed: {e}"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FetchError {
    kind: FetchErrorKind,
    detail: String,
}

impl FetchError {
    pub(crate) fn new(kind: FetchErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// The kind of failure.
    ///
    /// ```no_run
    /// # fn f(e: edgekit::FetchError) {
    /// let timed_out = e.kind() == edgekit::FetchErrorKind::Timeout;
    /// # }
    /// ```
    pub fn kind(&self) -> FetchErrorKind {
        self.kind
    }

    /// The status a gateway answers with for this failure: `504` for
    /// timeouts, `502` otherwise.
    ///
    /// ```no_run
    /// # fn f(e: edgekit::FetchError) {
    /// let status = e.status();
    /// # }
    /// ```
    pub fn status(&self) -> StatusCode {
        match self.kind {
            FetchErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        }
    }

    pub(crate) fn into_error(self) -> Error {
        let message = match self.kind {
            FetchErrorKind::Timeout => "gateway timeout",
            _ => "bad gateway",
        };
        Error::new(self.status(), message).with_cause(self)
    }
}

/// A short fixed phrase, safe to show a client: "timed out",
/// "connection refused", ...
///
/// ```
/// assert_eq!(edgekit::FetchErrorKind::Timeout.to_string(), "timed out");
/// ```
impl fmt::Display for FetchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FetchErrorKind::InvalidRequest => "invalid request",
            FetchErrorKind::Denied => "destination denied",
            FetchErrorKind::Dns => "DNS lookup failed",
            FetchErrorKind::ConnectionRefused => "connection refused",
            FetchErrorKind::Timeout => "timed out",
            FetchErrorKind::Connection => "connection failed",
            FetchErrorKind::Other => "request failed",
        })
    }
}

/// The kind, then the host's details in parentheses: for logs, not for
/// clients (show [`FetchError::kind`] to them).
impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for FetchError {}

impl IntoResponse for FetchError {
    fn into_response(self) -> Response {
        self.into_error().into_response()
    }
}
