//! [`Error`]: what a handler returns when it cannot answer normally.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};

use crate::body::BoxError;
use crate::config::ConfigError;
use crate::json_text::push_json_string;
use crate::wasi::log::log_error;
use crate::{Body, BodyError, FetchError, IntoResponse, QueryError, Response, TimedOut};

/// A handler error that becomes a safe HTTP response.
///
/// Client errors carry a short message meant for the client. Server errors
/// (`Error::internal`, and any other error turned into an `Error` by `?`)
/// answer `500` with only `internal error` and a request id; the cause goes
/// to stderr with the same id, so it can be found in the logs without being
/// shown to the client.
///
/// ```no_run
/// use edgekit::{Error, Request, StatusCode};
///
/// #[edgekit::edge_handler]
/// async fn handle(req: Request) -> Result<String, Error> {
///     let name = req.uri().path().trim_start_matches('/');
///     if name.is_empty() {
///         return Err(Error::new(StatusCode::BAD_REQUEST, "say who to greet"));
///     }
///     let bytes = std::fs::read("/greeting.txt")?; // a failure here is a 500
///     Ok(format!("{} {name}", String::from_utf8_lossy(&bytes)))
/// }
/// ```
pub struct Error {
    status: StatusCode,
    message: Cow<'static, str>,
    json: bool,
    cause: Option<BoxError>,
    /// An HTML page shown instead of the plain message (configuration errors).
    page: Option<String>,
}

impl Error {
    /// An error with a status and a message that is safe to show the client.
    ///
    /// ```
    /// let e = edgekit::Error::new(edgekit::StatusCode::NOT_FOUND, "no such todo");
    /// assert_eq!(e.status(), 404);
    /// ```
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
            json: false,
            cause: None,
            page: None,
        }
    }

    /// A `500 Internal Server Error` whose cause is logged, never shown.
    ///
    /// ```
    /// let e = edgekit::Error::internal("database unreachable");
    /// assert_eq!(e.status(), 500);
    /// assert_eq!(e.message(), "internal error");
    /// ```
    pub fn internal(cause: impl Into<BoxError>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").with_cause(cause)
    }

    /// Attaches a cause: logged with the request id, never sent to the client.
    ///
    /// ```
    /// let e = edgekit::Error::new(edgekit::StatusCode::BAD_GATEWAY, "origin failed")
    ///     .with_cause("connection refused by 10.0.0.7");
    /// assert_eq!(e.message(), "origin failed");
    /// ```
    pub fn with_cause(mut self, cause: impl Into<BoxError>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// Answers in JSON (`{"error": "..."}`) instead of plain text.
    ///
    /// ```
    /// let e = edgekit::Error::new(edgekit::StatusCode::BAD_REQUEST, "title is required").json();
    /// ```
    pub fn json(mut self) -> Self {
        self.json = true;
        self
    }

    /// The operator's mistake: `500` with a page that says "configuration
    /// error" and lists the bad keys; the full message (never a secret's
    /// value) goes to stderr.
    fn configuration(error: ConfigError) -> Self {
        let mut e = Self::new(error.status(), "configuration error");
        e.page = Some(error.page());
        e.with_cause(error)
    }

    /// The status this error answers with.
    ///
    /// ```
    /// assert_eq!(edgekit::Error::internal("x").status(), edgekit::StatusCode::INTERNAL_SERVER_ERROR);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message the client sees.
    ///
    /// ```
    /// assert_eq!(edgekit::Error::internal("secret detail").message(), "internal error");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Any error converts with `?`: the SDK's own client errors keep their
/// status (`413`, `400`, `502`, ...), everything else is an internal error.
impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(error: E) -> Self {
        // Moving through `Box<dyn Any>` lets the SDK's own errors keep their
        // status without specialisation.
        let boxed: Box<dyn Any> = Box::new(error);
        let boxed = match boxed.downcast::<BodyError>() {
            Ok(e) => return e.into_error(),
            Err(other) => other,
        };
        let boxed = match boxed.downcast::<QueryError>() {
            Ok(e) => return e.into_error(),
            Err(other) => other,
        };
        let boxed = match boxed.downcast::<FetchError>() {
            Ok(e) => return e.into_error(),
            Err(other) => other,
        };
        let boxed = match boxed.downcast::<TimedOut>() {
            Ok(e) => {
                return Self::new(StatusCode::GATEWAY_TIMEOUT, "gateway timeout").with_cause(*e);
            }
            Err(other) => other,
        };
        let boxed = match boxed.downcast::<ConfigError>() {
            Ok(e) => return Self::configuration(*e),
            Err(other) => other,
        };
        match boxed.downcast::<E>() {
            Ok(e) => Self::internal(*e),
            Err(_) => Self::internal("unknown error"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("cause", &self.cause)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bare code: `StatusCode`'s `Display` would pull its reason table
        // into every component.
        write!(f, "{} {}", self.status.as_u16(), self.message)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let request_id = self.status.is_server_error().then(|| {
            let id = crate::request_id().to_string();
            // The one place a cause is written: stderr, under the id the
            // client was given.
            log_error!("request failed: {self}");
            id
        });
        let (content_type, body) = if let Some(page) = &self.page {
            ("text/html; charset=utf-8", page.clone())
        } else if self.json {
            let mut body = String::from("{\"error\":");
            push_json_string(&mut body, &self.message);
            if let Some(id) = &request_id {
                body.push_str(",\"request_id\":");
                push_json_string(&mut body, id);
            }
            body.push('}');
            ("application/json", body)
        } else {
            let body = match &request_id {
                Some(id) => format!("{} (request id: {id})\n", self.message),
                None => format!("{}\n", self.message),
            };
            ("text/plain; charset=utf-8", body)
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(id) = request_id.and_then(|id| HeaderValue::try_from(id).ok()) {
            headers.insert("x-request-id", id);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_errors_keep_their_status_through_question_mark() {
        fn body() -> Result<(), Error> {
            Err(BodyError::too_large(5))?
        }
        fn io() -> Result<(), Error> {
            Err(std::io::Error::other("disk on fire"))?
        }
        assert_eq!(body().unwrap_err().status(), 413);
        let internal = io().unwrap_err();
        assert_eq!(internal.status(), 500);
        assert_eq!(internal.message(), "internal error");
        assert!(internal.to_string().contains("disk on fire"));
    }

    #[test]
    fn server_errors_show_an_id_and_not_the_cause() {
        let response = Error::internal("secret").into_response();
        assert_eq!(response.status(), 500);
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 16);
        let body = futures_lite::future::block_on(response.into_body().text()).unwrap();
        assert_eq!(body, format!("internal error (request id: {id})\n"));
    }

    #[test]
    fn client_errors_can_answer_in_json() {
        let response = Error::new(StatusCode::BAD_REQUEST, "bad \"title\"")
            .json()
            .into_response();
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert!(!response.headers().contains_key("x-request-id"));
        let body = futures_lite::future::block_on(response.into_body().text()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["error"], "bad \"title\"");
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        push_json_string(&mut out, "a\"b\\c\n\u{1}é");
        assert_eq!(out, r#""a\"b\\c\n\u0001é""#);
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, "a\"b\\c\n\u{1}é");
    }
}
