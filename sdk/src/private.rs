//! What `#[edge_handler]` expands to calls into: not a public API.

use std::future::Future;

pub use wasip2;
use wasip2::http::types::{IncomingRequest, ResponseOutparam};

use crate::wasi::incoming::request_from_wasi;
use crate::wasi::respond::respond;
use crate::wasi::wait::{Block, Yield, block_on, run_blocking};
use crate::{IntoResponse, Request};

/// Runs a sync handler. Nothing here starts the async reactor, so plain
/// `fn` handlers stay as small as hand-written bindings.
pub fn serve<R: IntoResponse>(
    request: IncomingRequest,
    outparam: ResponseOutparam,
    handler: impl FnOnce(Request) -> R,
) {
    let response = match request_from_wasi(request) {
        Ok(request) => handler(request).into_response(),
        Err(error) => error.into_response(),
    };
    run_blocking(respond::<Block>(outparam, response));
}

/// Runs an `async` handler on the reactor, until the response body and any
/// request bodies it started are fully written.
pub fn serve_async<R: IntoResponse, F: Future<Output = R>>(
    request: IncomingRequest,
    outparam: ResponseOutparam,
    handler: impl FnOnce(Request) -> F,
) {
    block_on(async move {
        let response = match request_from_wasi(request) {
            Ok(request) => handler(request).await.into_response(),
            Err(error) => error.into_response(),
        };
        respond::<Yield>(outparam, response).await;
    });
}
