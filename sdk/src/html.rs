//! [`Html`]: HTML responses.

use crate::response::with_content_type;
use crate::{Body, IntoResponse, Response};

/// An HTML response: `200` with `Content-Type: text/html; charset=utf-8`.
///
/// ```
/// use edgekit::{Html, IntoResponse};
///
/// let response = Html("<h1>Hi</h1>").into_response();
/// assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_content_type(self.0, "text/html; charset=utf-8")
    }
}
