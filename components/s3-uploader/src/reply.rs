//! The answers: `201` with the stored object, JSON errors.

use edgekit::http::{HeaderValue, header};
use edgekit::{Body, Error, Response, StatusCode};

use crate::upload::{Stored, UploadError};

/// `201 Created`: `{"key", "size", "etag", "sha256", "url"}`, with the
/// object's URL in `Location`.
pub fn created(stored: &Stored, url: &str) -> Response {
    let body = serde_json::json!({
        "key": stored.key,
        "size": stored.size,
        "etag": stored.etag,
        "sha256": stored.sha256,
        "url": url,
    });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::CREATED;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(location) = HeaderValue::try_from(url) {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// A JSON error with `status` and `message`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Error {
    Error::new(status, message.into()).json()
}

/// The client-facing error for a failed upload; S3 details go to the log.
pub fn upload_error(failure: UploadError) -> Error {
    let error = error(failure.status(), failure.message());
    match failure {
        UploadError::S3(cause) => error.with_cause(cause.to_string()),
        _ => error,
    }
}
