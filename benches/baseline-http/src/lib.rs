//! `baseline-hello` plus only what any SDK whose public types are the `http`
//! crate's must do: the incoming request becomes an `http::Request` (method,
//! URI, header map) and the answer an `http::Response` whose headers become
//! wasi `fields`. No body abstraction, errors, logging or query parsing
//! beyond the baseline's: the size and start-up floor the SDK is measured
//! against, next to the bare baseline.

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{
    Fields, IncomingRequest, Method as WasiMethod, OutgoingBody, OutgoingResponse,
    ResponseOutparam, Scheme,
};

#[path = "../../percent_decode.rs"]
mod percent_decode;
use percent_decode::percent_decode;

struct Hello;

impl Guest for Hello {
    fn handle(request: IncomingRequest, outparam: ResponseOutparam) {
        let request = to_http(&request);
        let name = request
            .uri()
            .query()
            .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("name=")))
            .map(percent_decode)
            .unwrap_or_else(|| "world".to_owned());
        let body = format!("Hello, {name}!");
        let response = http::Response::builder()
            .header(CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(CONTENT_LENGTH, body.len())
            .body(body)
            .expect("valid response");

        let (parts, body) = response.into_parts();
        let headers = Fields::from_list(
            &parts
                .headers
                .iter()
                .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
                .collect::<Vec<_>>(),
        )
        .expect("valid headers");
        let outgoing = OutgoingResponse::new(headers);
        outgoing
            .set_status_code(parts.status.as_u16())
            .expect("valid status");
        let outgoing_body = outgoing.body().expect("body");
        ResponseOutparam::set(outparam, Ok(outgoing));
        let stream = outgoing_body.write().expect("stream");
        stream
            .blocking_write_and_flush(body.as_bytes())
            .expect("write");
        drop(stream);
        OutgoingBody::finish(outgoing_body, None).expect("finish");
    }
}

/// The incoming request as an `http::Request`, the way an SDK exposing
/// `http` types builds it.
fn to_http(request: &IncomingRequest) -> http::Request<()> {
    let method = match request.method() {
        WasiMethod::Get => Method::GET,
        WasiMethod::Head => Method::HEAD,
        WasiMethod::Post => Method::POST,
        WasiMethod::Put => Method::PUT,
        WasiMethod::Delete => Method::DELETE,
        WasiMethod::Connect => Method::CONNECT,
        WasiMethod::Options => Method::OPTIONS,
        WasiMethod::Trace => Method::TRACE,
        WasiMethod::Patch => Method::PATCH,
        WasiMethod::Other(other) => Method::from_bytes(other.as_bytes()).unwrap_or_default(),
    };
    let scheme = match request.scheme() {
        Some(Scheme::Https) => "https",
        _ => "http",
    };
    let authority = request.authority().unwrap_or_else(|| "localhost".into());
    let path = request.path_with_query().unwrap_or_else(|| "/".into());
    let uri = format!("{scheme}://{authority}{path}")
        .parse::<Uri>()
        .unwrap_or_default();

    let mut headers = HeaderMap::new();
    for (name, value) in request.headers().entries() {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value),
        ) {
            headers.append(name, value);
        }
    }

    let mut http_request = http::Request::new(());
    *http_request.method_mut() = method;
    *http_request.uri_mut() = uri;
    *http_request.headers_mut() = headers;
    http_request
}

wasi::http::proxy::export!(Hello);
