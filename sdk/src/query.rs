//! Reading a request's query string into a type: [`RequestExt::query`](crate::RequestExt::query).

use std::fmt;

use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::{Error, IntoResponse, Response};

/// Parses the query string of `uri` into `T`.
pub(crate) fn parse_query<T: DeserializeOwned>(uri: &http::Uri) -> Result<T, QueryError> {
    let query = uri.query().unwrap_or_default();
    serde_urlencoded::from_str(query).map_err(|e| QueryError(e.to_string()))
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
