//! [`Redirect`]: redirect responses.

use http::StatusCode;
use http::header::{HeaderValue, LOCATION};

use crate::{Error, IntoResponse, Response};

/// A redirect to another location.
///
/// ```
/// use edgekit::{IntoResponse, Redirect};
///
/// let response = Redirect::permanent("https://example.com/new").into_response();
/// assert_eq!(response.status(), 308);
/// assert_eq!(response.headers()["location"], "https://example.com/new");
/// ```
#[derive(Debug, Clone)]
pub struct Redirect {
    status: StatusCode,
    location: String,
}

impl Redirect {
    /// `303 See Other`: the client fetches `location` with `GET`.
    ///
    /// ```
    /// let r = edgekit::Redirect::to("/done");
    /// ```
    pub fn to(location: impl Into<String>) -> Self {
        Self::with_status(StatusCode::SEE_OTHER, location)
    }

    /// `307 Temporary Redirect`: same method and body, this time only.
    ///
    /// ```
    /// let r = edgekit::Redirect::temporary("/elsewhere");
    /// ```
    pub fn temporary(location: impl Into<String>) -> Self {
        Self::with_status(StatusCode::TEMPORARY_REDIRECT, location)
    }

    /// `308 Permanent Redirect`: same method and body, from now on.
    ///
    /// ```
    /// let r = edgekit::Redirect::permanent("/new-home");
    /// ```
    pub fn permanent(location: impl Into<String>) -> Self {
        Self::with_status(StatusCode::PERMANENT_REDIRECT, location)
    }

    /// A redirect with any status (`301`, `302`, ...).
    ///
    /// ```
    /// let r = edgekit::Redirect::with_status(edgekit::StatusCode::FOUND, "/old-style");
    /// ```
    pub fn with_status(status: StatusCode, location: impl Into<String>) -> Self {
        Self {
            status,
            location: location.into(),
        }
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        match HeaderValue::try_from(self.location) {
            Ok(location) => {
                let mut response = self.status.into_response();
                response.headers_mut().insert(LOCATION, location);
                response
            }
            Err(e) => Error::internal(e).into_response(),
        }
    }
}
