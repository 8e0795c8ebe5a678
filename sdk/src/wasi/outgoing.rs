//! Sending requests over `wasi:http/outgoing-handler`.

use http::header::CONTENT_LENGTH;
use http::{HeaderValue, Method};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, FutureIncomingResponse, IncomingResponse, OutgoingBody, OutgoingRequest,
    RequestOptions, Scheme,
};

use super::fields::{from_fields, to_fields};
use super::incoming::{content_length, method_to_wasi};
use super::stream::{IncomingStream, Parent, send_body};
use super::wait::{Wait, Yield};
use crate::fetch::{FetchError, FetchErrorKind, FetchOptions};
use crate::{Body, Request, Response};

/// Sends `request`; the body is written by a task of its own while the
/// response is awaited.
pub(crate) async fn send(request: Request, options: &FetchOptions) -> Result<Response, FetchError> {
    let (parts, body) = request.into_parts();
    let invalid = |what: &str| FetchError::new(FetchErrorKind::InvalidRequest, what);

    let scheme = match parts.uri.scheme_str() {
        Some("http") => Scheme::Http,
        Some("https") => Scheme::Https,
        Some(other) => Scheme::Other(other.to_owned()),
        None => return Err(invalid("the URL has no scheme")),
    };
    let authority = parts
        .uri
        .authority()
        .ok_or_else(|| invalid("the URL has no host"))?;
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());

    let mut headers = parts.headers;
    // Rule: a Content-Length only when it is exact. A bodyless GET gets none,
    // unless the caller set `Content-Length: 0` itself: some servers (S3's
    // signature checks among them) refuse a bodyless DELETE without one.
    match body.exact_len() {
        Some(0) if !expects_body(&parts.method) && !explicit_zero(&headers) => {
            headers.remove(CONTENT_LENGTH);
        }
        Some(len) => {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
        }
        None => {}
    }

    let outgoing = OutgoingRequest::new(to_fields(&headers));
    outgoing
        .set_method(&method_to_wasi(&parts.method))
        .map_err(|()| invalid("the host refused the method"))?;
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| invalid("the host refused the scheme"))?;
    // `Host` is a forbidden header: the authority is how it is set.
    outgoing
        .set_authority(Some(authority.as_str()))
        .map_err(|()| invalid("the host refused the authority"))?;
    outgoing
        .set_path_with_query(Some(path))
        .map_err(|()| invalid("the host refused the path"))?;
    let outgoing_body = outgoing
        .body()
        .map_err(|()| invalid("the request body is unavailable"))?;

    // Rule: `handle` before writing the body, or a host may deadlock.
    let future = outgoing_handler::handle(outgoing, Some(request_options(options)))
        .map_err(|code| error_from_code(&code))?;

    if body.exact_len() == Some(0) {
        OutgoingBody::finish(outgoing_body, None).map_err(|code| error_from_code(&code))?;
    } else {
        wstd::runtime::spawn(
            async move { send_body::<Yield>(outgoing_body, body, "request").await },
        )
        .detach();
    }

    let response = wait_for_response(&future).await?;
    Ok(response_from_wasi(response, &parts.method))
}

/// Whether the caller set `Content-Length: 0`.
fn explicit_zero(headers: &http::HeaderMap) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .is_some_and(|value| value == "0")
}

fn expects_body(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// The host applies the timeouts; one it does not support is left unset.
fn request_options(options: &FetchOptions) -> RequestOptions {
    let wasi_options = RequestOptions::new();
    let nanos = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    if let Some(t) = options.connect_timeout {
        let _ = wasi_options.set_connect_timeout(Some(nanos(t)));
    }
    if let Some(t) = options.first_byte_timeout {
        let _ = wasi_options.set_first_byte_timeout(Some(nanos(t)));
    }
    if let Some(t) = options.between_bytes_timeout {
        let _ = wasi_options.set_between_bytes_timeout(Some(nanos(t)));
    }
    wasi_options
}

async fn wait_for_response(
    future: &FutureIncomingResponse,
) -> Result<IncomingResponse, FetchError> {
    loop {
        match future.get() {
            Some(Ok(Ok(response))) => return Ok(response),
            Some(Ok(Err(code))) => return Err(error_from_code(&code)),
            Some(Err(())) => {
                return Err(FetchError::new(
                    FetchErrorKind::Other,
                    "response already taken",
                ));
            }
            None => Yield::wait(future.subscribe()).await,
        }
    }
}

fn response_from_wasi(incoming: IncomingResponse, method: &Method) -> Response {
    let status = incoming.status();
    let headers = from_fields(&incoming.headers());
    // These answers have no body whatever their `Content-Length` says: a
    // `HEAD`'s is the size of the body a `GET` would get (RFC 9110, 9.3.2),
    // and a capped read must not refuse it for that size.
    let bodyless = *method == Method::HEAD || matches!(status, 100..=199 | 204 | 304);
    let len = if bodyless {
        Some(0)
    } else {
        content_length(&headers)
    };
    let body = Body::incoming(IncomingStream::new(Parent::Response(incoming)), len);
    let mut response = Response::new(body);
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    response
}

fn error_from_code(code: &ErrorCode) -> FetchError {
    use ErrorCode as E;
    let kind = match code {
        E::HttpRequestDenied | E::DestinationIpProhibited => FetchErrorKind::Denied,
        E::DnsTimeout | E::DnsError(_) | E::DestinationNotFound => FetchErrorKind::Dns,
        E::ConnectionRefused => FetchErrorKind::ConnectionRefused,
        E::ConnectionTimeout
        | E::ConnectionReadTimeout
        | E::ConnectionWriteTimeout
        | E::HttpResponseTimeout => FetchErrorKind::Timeout,
        E::HttpRequestMethodInvalid | E::HttpRequestUriInvalid | E::HttpRequestUriTooLong => {
            FetchErrorKind::InvalidRequest
        }
        E::DestinationUnavailable
        | E::DestinationIpUnroutable
        | E::ConnectionTerminated
        | E::ConnectionLimitReached
        | E::TlsProtocolError
        | E::TlsCertificateError
        | E::TlsAlertReceived(_)
        | E::HttpResponseIncomplete
        | E::HttpProtocolError => FetchErrorKind::Connection,
        _ => FetchErrorKind::Other,
    };
    FetchError::new(kind, format!("{code:?}"))
}
