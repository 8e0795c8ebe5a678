//! Turning the incoming `wasi:http` request into a [`Request`].

use http::header::CONTENT_LENGTH;
use http::{HeaderMap, Method, StatusCode, Uri};
use wasip2::http::types::{IncomingRequest, Method as WasiMethod, Scheme};

use super::fields::from_fields;
use super::stream::{IncomingStream, Parent};
use crate::{Body, Error, Request};

/// Converts the request the host handed the component. A request the `http`
/// types cannot represent is a `400`.
pub(crate) fn request_from_wasi(incoming: IncomingRequest) -> Result<Request, Error> {
    let bad = |what: &'static str| Error::new(StatusCode::BAD_REQUEST, what);
    let method = method_from_wasi(incoming.method()).ok_or_else(|| bad("invalid method"))?;
    let path = incoming.path_with_query().unwrap_or_else(|| "/".to_owned());
    let mut uri = Uri::builder().path_and_query(path);
    if let Some(authority) = incoming.authority().filter(|a| !a.is_empty()) {
        let scheme = match incoming.scheme() {
            Some(Scheme::Https) => "https".to_owned(),
            Some(Scheme::Other(other)) => other,
            Some(Scheme::Http) | None => "http".to_owned(),
        };
        uri = uri.scheme(scheme.as_str()).authority(authority);
    }
    let uri = uri.build().map_err(|_| bad("invalid request URI"))?;
    let headers = from_fields(&incoming.headers());
    let len = content_length(&headers);

    let body = Body::incoming(IncomingStream::new(Parent::Request(incoming)), len);
    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

/// The exact body length a `Content-Length` header promises, if valid.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn method_from_wasi(method: WasiMethod) -> Option<Method> {
    Some(match method {
        WasiMethod::Get => Method::GET,
        WasiMethod::Head => Method::HEAD,
        WasiMethod::Post => Method::POST,
        WasiMethod::Put => Method::PUT,
        WasiMethod::Delete => Method::DELETE,
        WasiMethod::Connect => Method::CONNECT,
        WasiMethod::Options => Method::OPTIONS,
        WasiMethod::Trace => Method::TRACE,
        WasiMethod::Patch => Method::PATCH,
        WasiMethod::Other(other) => Method::from_bytes(other.as_bytes()).ok()?,
    })
}

pub(crate) fn method_to_wasi(method: &Method) -> WasiMethod {
    match *method {
        Method::GET => WasiMethod::Get,
        Method::HEAD => WasiMethod::Head,
        Method::POST => WasiMethod::Post,
        Method::PUT => WasiMethod::Put,
        Method::DELETE => WasiMethod::Delete,
        Method::CONNECT => WasiMethod::Connect,
        Method::OPTIONS => WasiMethod::Options,
        Method::TRACE => WasiMethod::Trace,
        Method::PATCH => WasiMethod::Patch,
        ref other => WasiMethod::Other(other.as_str().to_owned()),
    }
}
