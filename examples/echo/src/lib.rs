//! `POST /` streams the request body back unchanged, with the same
//! `Content-Type`. A body with a `Content-Length` is spliced inside the host
//! and never enters guest memory; one without is copied a chunk at a time as
//! it arrives. Either way any size passes in constant guest memory.

use edgekit::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use edgekit::{IntoResponse, Method, Request, Response, StatusCode};

#[edgekit::edge_handler]
fn echo(req: Request) -> Response {
    if req.method() != Method::POST {
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, "use POST\n").into_response();
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let (parts, body) = req.into_parts();
    let mut response = Response::new(body);
    if let Some(content_type) = parts.headers.get(CONTENT_TYPE) {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, content_type.clone());
    }
    response
}
