//! Test-only: a sync handler that forwards its request body to `$BACKEND`
//! with `fetch_blocking` and answers the backend's status and body.

use edgekit::{Error, IntoResponse, Request, Response, block_on, fetch_blocking};

#[edgekit::edge_handler]
fn forward(req: Request) -> Result<Response, Error> {
    let backend = std::env::var("BACKEND").map_err(|_| Error::internal("BACKEND is not set"))?;
    let body = block_on(req.into_body().limit(16 << 20).bytes())?;
    let response = fetch_blocking(edgekit::http::Request::post(backend).body(body)?)?;
    let status = response.status();
    let answer = block_on(response.into_body().bytes())?;
    Ok((status, answer).into_response())
}
