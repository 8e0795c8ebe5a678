//! [`BodyError`]: why reading a body whole failed.

use std::fmt;

use http::StatusCode;

use crate::{Error, IntoResponse, Response};

/// Why [`Body::bytes`](crate::Body::bytes), [`text`](crate::Body::text),
/// [`json`](crate::Body::json) or [`chunk`](crate::Body::chunk) failed.
///
/// It answers with the right client error when returned from a handler (or
/// turned into an [`Error`] by `?`): `413` past the cap, `400` for invalid
/// UTF-8 or JSON (saying where the JSON went wrong), or for a body that
/// broke off (saying only "the body could not be read": the host's reason
/// is in this error's `Display`, for logs, never in the answer).
///
/// ```no_run
/// # async fn f(req: edgekit::Request) {
/// match req.into_body().limit(16).bytes().await {
///     Ok(bytes) => println!("{} bytes", bytes.len()),
///     Err(e) => assert_eq!(e.status(), edgekit::StatusCode::PAYLOAD_TOO_LARGE),
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct BodyError {
    kind: Kind,
    json: bool,
}

#[derive(Debug)]
enum Kind {
    TooLarge(usize),
    InvalidUtf8,
    InvalidJson(String),
    Read(String),
}

impl BodyError {
    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(Kind::TooLarge(limit))
    }

    pub(crate) fn invalid_utf8() -> Self {
        Self::new(Kind::InvalidUtf8)
    }

    pub(crate) fn invalid_json(error: &serde_json::Error) -> Self {
        Self::new(Kind::InvalidJson(error.to_string())).in_json()
    }

    pub(crate) fn read(error: &dyn std::error::Error) -> Self {
        Self::new(Kind::Read(error.to_string()))
    }

    fn new(kind: Kind) -> Self {
        Self { kind, json: false }
    }

    /// Marks the error as coming from a JSON read, so it answers in JSON.
    pub(crate) fn in_json(mut self) -> Self {
        self.json = true;
        self
    }

    /// The status this error answers with.
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) {
    /// if let Err(e) = req.into_body().text().await {
    ///     eprintln!("{}: {e}", e.status());
    /// }
    /// # }
    /// ```
    pub fn status(&self) -> StatusCode {
        match self.kind {
            Kind::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::InvalidUtf8 | Kind::InvalidJson(_) | Kind::Read(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether the body was larger than the cap.
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) {
    /// let too_large = req.into_body().bytes().await.is_err_and(|e| e.is_too_large());
    /// # }
    /// ```
    pub fn is_too_large(&self) -> bool {
        matches!(self.kind, Kind::TooLarge(_))
    }

    pub(crate) fn into_error(self) -> Error {
        let json = self.json;
        // Why a read broke off is the host's text (a connection error, a
        // reset): it stays the error's cause, and the client hears only
        // that its body could not be read.
        let error = match self.kind {
            Kind::Read(_) => {
                Error::new(self.status(), "the body could not be read").with_cause(self)
            }
            _ => Error::new(self.status(), self.to_string()),
        };
        if json { error.json() } else { error }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::TooLarge(limit) => write!(f, "body is larger than the limit of {limit} bytes"),
            Kind::InvalidUtf8 => f.write_str("body is not valid UTF-8"),
            Kind::InvalidJson(e) => write!(f, "invalid JSON: {e}"),
            Kind::Read(e) => write!(f, "reading the body failed: {e}"),
        }
    }
}

impl std::error::Error for BodyError {}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        self.into_error().into_response()
    }
}
