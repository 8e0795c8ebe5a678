//! Test-only: one route per wasi:http rule and error path the SDK keeps.
//!
//! - `/big?size=N`: a buffered response of N bytes (`check-write` chunking).
//! - `/stream?size=N`: the same, streamed in 10,000-byte chunks with no length.
//! - `/wrong-length`: a buffered body under a false `Content-Length`.
//! - `/post?size=N[&stream=1]`: POSTs N bytes to `$BACKEND` (handle before body),
//!   answers the backend's status and body.
//! - `/host-header`: GETs `$BACKEND` with a `Host` header set by hand.
//! - `/first-byte?ms=N`: GETs `$BACKEND` allowing N ms for the first byte.
//! - `/head`: sends `HEAD` to `$BACKEND` and reads the (empty) answer whole
//!   with the default cap, whatever its `Content-Length` says.
//! - `/fail`: an internal error whose cause must not reach the client.
//! - `/count?n=N`: a typed query (`n: u32`).
//! - `/text`: reads the body as text with the default cap.

use edgekit::header::{CONTENT_LENGTH, HOST, HeaderValue};
use std::time::Duration;

use edgekit::{
    Body, Error, FetchOptions, IntoResponse, Request, RequestExt, Response, StatusCode, fetch,
    fetch_with,
};

#[derive(serde::Deserialize)]
struct Size {
    size: usize,
    #[serde(default)]
    stream: u8,
}

#[derive(serde::Deserialize)]
struct Millis {
    ms: u64,
}

#[derive(serde::Deserialize)]
struct Count {
    n: u32,
}

/// Deterministic content, so the test can check every byte.
fn pattern(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i % 251) as u8).collect()
}

fn streamed(size: usize) -> Body {
    let chunks = pattern(size)
        .chunks(10_000)
        .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
        .collect::<Vec<_>>();
    Body::from_stream(futures_lite::stream::iter(chunks))
}

fn backend() -> Result<String, Error> {
    std::env::var("BACKEND").map_err(|_| Error::internal("BACKEND is not set"))
}

#[edgekit::edge_handler]
async fn handle(req: Request) -> Result<Response, Error> {
    match req.uri().path() {
        "/big" => Ok(pattern(req.query::<Size>()?.size).into_response()),
        "/stream" => Ok(streamed(req.query::<Size>()?.size).into_response()),
        "/wrong-length" => {
            let mut response = "twelve bytes".into_response();
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from_static("5"));
            Ok(response)
        }
        "/post" => {
            let size: Size = req.query()?;
            let body = match size.stream {
                1 => streamed(size.size),
                _ => Body::from(pattern(size.size)),
            };
            let request = edgekit::http::Request::post(backend()?).body(body)?;
            Ok(relay(fetch(request).await?).await?)
        }
        "/host-header" => {
            let request = edgekit::http::Request::get(backend()?)
                .header(HOST, "forged.example")
                .body(())?;
            Ok(relay(fetch(request).await?).await?)
        }
        "/first-byte" => {
            let ms: Millis = req.query()?;
            let options = FetchOptions::new().first_byte_timeout(Duration::from_millis(ms.ms));
            let request = edgekit::http::Request::get(backend()?).body(())?;
            Ok(relay(fetch_with(request, &options).await?).await?)
        }
        "/head" => {
            let request = edgekit::http::Request::head(backend()?).body(())?;
            let response = fetch(request).await?;
            let length = response
                .headers()
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_owned();
            let body = response.into_body().bytes().await?;
            Ok(format!("content-length {length}, {} bytes read", body.len()).into_response())
        }
        "/fail" => Err(Error::internal("secret-cause-7f3a")),
        "/count" => Ok(format!("n={}", req.query::<Count>()?.n).into_response()),
        "/text" => Ok(req.into_body().text().await?.into_response()),
        _ => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}

/// Buffers a backend's answer (small in these tests) into our response.
async fn relay(response: Response) -> Result<Response, Error> {
    let (parts, body) = response.into_parts();
    let bytes = body.bytes().await?;
    Ok((parts.status, bytes).into_response())
}
