//! [`IntoResponse`]: everything a handler may return.

use std::borrow::Cow;

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

use crate::{Body, Response};

/// Turns a handler's return value into a [`Response`].
///
/// Implemented for [`Response`], strings (`text/plain`), bytes
/// (`application/octet-stream`), [`StatusCode`] (empty body),
/// `(StatusCode, T)`, `(StatusCode, HeaderMap, T)`, [`Json`](crate::Json),
/// [`Html`](crate::Html), [`Redirect`](crate::Redirect), [`Error`](crate::Error),
/// and `Result<T, E>` where both sides are.
///
/// ```
/// use edgekit::{IntoResponse, StatusCode};
///
/// let response = (StatusCode::CREATED, "made it").into_response();
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
/// ```
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for Body {
    fn into_response(self) -> Response {
        Response::new(self)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::empty())
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self;
        response
    }
}

/// A response with `body` and a fixed `Content-Type`.
pub(crate) fn with_content_type(body: impl Into<Body>, content_type: &'static str) -> Response {
    let mut response = Response::new(body.into());
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

const TEXT: &str = "text/plain; charset=utf-8";
const OCTETS: &str = "application/octet-stream";

macro_rules! into_response_with_type {
    ($($ty:ty => $content_type:expr),* $(,)?) => {$(
        impl IntoResponse for $ty {
            fn into_response(self) -> Response {
                with_content_type(self, $content_type)
            }
        }
    )*};
}

into_response_with_type!(
    &'static str => TEXT,
    String => TEXT,
    Bytes => OCTETS,
    Vec<u8> => OCTETS,
    &'static [u8] => OCTETS,
);

impl IntoResponse for Cow<'static, str> {
    fn into_response(self) -> Response {
        match self {
            Cow::Borrowed(s) => s.into_response(),
            Cow::Owned(s) => s.into_response(),
        }
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        *response.status_mut() = self.0;
        response
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, HeaderMap, T) {
    fn into_response(self) -> Response {
        let mut response = (self.0, self.2).into_response();
        let headers = response.headers_mut();
        let mut last = None;
        // Each name given replaces the default; repeated names add values.
        for (name, value) in self.1 {
            let name = name.or_else(|| last.clone());
            if let Some(name) = name {
                if last.as_ref() != Some(&name) {
                    headers.remove(&name);
                }
                headers.append(name.clone(), value);
                last = Some(name);
            }
        }
        response
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http::header::{CONTENT_LENGTH, HeaderName, SET_COOKIE};

    use super::*;

    #[test]
    fn strings_and_bytes_get_their_content_types() {
        assert_eq!(
            String::from("x").into_response().headers()[CONTENT_TYPE],
            TEXT
        );
        assert_eq!(
            Bytes::from_static(b"x").into_response().headers()[CONTENT_TYPE],
            OCTETS
        );
        assert_eq!(vec![1u8].into_response().headers()[CONTENT_TYPE], OCTETS);
        let empty = StatusCode::NO_CONTENT.into_response();
        assert_eq!(empty.status(), 204);
        assert_eq!(empty.body().exact_len(), Some(0));
    }

    #[test]
    fn given_headers_replace_defaults_and_repeat() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/csv"));
        headers.append(SET_COOKIE, HeaderValue::from_static("a=1"));
        headers.append(SET_COOKIE, HeaderValue::from_static("b=2"));
        headers.insert(
            HeaderName::from_static("x-one"),
            HeaderValue::from_static("1"),
        );
        let response = (StatusCode::CREATED, headers, "a,b").into_response();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/csv");
        let cookies: Vec<_> = response.headers().get_all(SET_COOKIE).iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        assert_eq!(response.headers()["x-one"], "1");
        assert!(!response.headers().contains_key(CONTENT_LENGTH));
    }

    #[test]
    fn results_take_either_side() {
        let ok: Result<&'static str, StatusCode> = Ok("fine");
        assert_eq!(ok.into_response().status(), 200);
        let err: Result<&'static str, StatusCode> = Err(StatusCode::IM_A_TEAPOT);
        assert_eq!(err.into_response().status(), 418);
    }
}
