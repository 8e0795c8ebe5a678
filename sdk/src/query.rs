//! Reading a request's query string into a type: [`RequestExt::query`].

use std::fmt;

use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::{Error, IntoResponse, Response};

/// Conveniences on [`Request`](crate::Request).
pub trait RequestExt {
    /// Parses the query string (`?name=Ada&limit=10`) into `T`; a query that
    /// does not fit is a [`QueryError`], which answers `400 Bad Request`.
    ///
    /// ```no_run
    /// use edgekit::{Error, Request, RequestExt};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Page { limit: Option<u32> }
    ///
    /// fn handle(req: Request) -> Result<String, Error> {
    ///     let page: Page = req.query()?;
    ///     Ok(format!("limit {}", page.limit.unwrap_or(10)))
    /// }
    /// ```
    fn query<T: DeserializeOwned>(&self) -> Result<T, QueryError>;
}

impl<B> RequestExt for http::Request<B> {
    fn query<T: DeserializeOwned>(&self) -> Result<T, QueryError> {
        let query = self.uri().query().unwrap_or_default();
        serde_urlencoded::from_str(query).map_err(|e| QueryError(e.to_string()))
    }
}

/// A query string that does not match the expected type; answers `400`.
///
/// ```no_run
/// # fn f(req: edgekit::Request) {
/// use edgekit::RequestExt;
/// if let Err(e) = req.query::<std::collections::HashMap<String, u32>>() {
///     eprintln!("{e}");
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct QueryError(String);

impl QueryError {
    pub(crate) fn into_error(self) -> Error {
        Error::new(StatusCode::BAD_REQUEST, self.to_string())
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid query string: {}", self.0)
    }
}

impl std::error::Error for QueryError {}

impl IntoResponse for QueryError {
    fn into_response(self) -> Response {
        self.into_error().into_response()
    }
}
