//! `CORS_ALLOW_ORIGIN`: letting browser pages on another origin use the proxy.

use edgekit::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    VARY,
};
use edgekit::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use edgekit::{Body, Response};

use crate::headers::ALWAYS_FORWARDED;

/// Whether `method` and `headers` make a CORS preflight request.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    *method == Method::OPTIONS
        && headers.contains_key(ORIGIN)
        && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight: which methods and headers the proxy takes.
pub fn preflight(origin: &HeaderValue, methods: &[Method], forward: &[HeaderName]) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let join = |items: Vec<&str>| HeaderValue::from_str(&items.join(", ")).ok();
    let headers = response.headers_mut();
    if let Some(value) = join(methods.iter().map(Method::as_str).collect()) {
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, value);
    }
    let allowed: Vec<&str> = std::iter::once("authorization")
        .chain(
            ALWAYS_FORWARDED
                .iter()
                .chain(forward)
                .map(HeaderName::as_str),
        )
        .collect();
    if let Some(value) = join(allowed) {
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    allow(headers, origin);
    response
}

/// Marks a response readable by pages on `origin`.
pub fn allow(headers: &mut HeaderMap, origin: &HeaderValue) {
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    // Range requests and caching need these; CORS hides them otherwise.
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("content-length, content-range, etag, last-modified"),
    );
    if origin != "*" {
        headers.append(VARY, HeaderValue::from_static("origin"));
    }
}
