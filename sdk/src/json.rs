//! [`Json`]: JSON responses.

use serde::Serialize;

use crate::response::with_content_type;
use crate::{Error, IntoResponse, Response};

/// A JSON response: `200` with `Content-Type: application/json`.
///
/// To read a JSON request body, use [`Body::json`](crate::Body::json).
///
/// ```
/// use edgekit::{IntoResponse, Json};
///
/// let response = Json(serde_json::json!({ "ok": true })).into_response();
/// assert_eq!(response.headers()["content-type"], "application/json");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(bytes) => with_content_type(bytes, "application/json"),
            Err(e) => Error::internal(e).into_response(),
        }
    }
}
