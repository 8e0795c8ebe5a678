//! Test-only: each route drops a pending WASI operation early, the way a
//! timeout, a `select`, a `try_join` or an early answer does. None of them
//! may trap the component: WASI requires a pollable to go before its
//! stream, a stream before its body, a body before its request.
//!
//! | path | what is dropped while pending |
//! |---|---|
//! | `/read?ms=N` | a read of the request body (the client sends nothing for N ms) |
//! | `/fetch?ms=N` | a fetch of `$BACKEND` that has not answered within N ms |
//! | `/fetched-body?ms=N` | the body of `$BACKEND`'s answer, stalled mid-way |
//! | `/join` | a fetch of `$BACKEND` whose twin (`$FAILING`) failed first |
//! | `/forward` | the request body, streaming into `$BACKEND`, which answers early |
//! | `/read-while-fetch` | a read of the request body, outrun by `$BACKEND`'s answer |
//! | `/broken-stream` | nothing: a response body that fails after 1,000 bytes |
//!
//! Every route but `/broken-stream` answers `200` with a line that says
//! which way it went, or the fetch's own error status.

use std::time::Duration;

use edgekit::{Body, Error, Request, RequestExt, Response, StatusCode, fetch, timeout, try_join};
use futures_lite::future;

#[derive(serde::Deserialize)]
struct Millis {
    ms: u64,
}

fn env(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|_| Error::internal(format!("{name} is not set")))
}

fn get(url: &str) -> Result<Request, Error> {
    Ok(edgekit::http::Request::get(url).body(Body::empty())?)
}

#[edgekit::edge_handler]
async fn handle(req: Request) -> Result<Response, Error> {
    let line = match req.uri().path() {
        "/read" => read(req).await?,
        "/fetch" => {
            let ms = req.query::<Millis>()?.ms;
            match timeout(Duration::from_millis(ms), fetch(get(&env("BACKEND")?)?)).await {
                Ok(response) => format!("fetched {}", response?.status().as_u16()),
                Err(_) => "the fetch was dropped".into(),
            }
        }
        "/fetched-body" => fetched_body(req).await?,
        "/join" => {
            let (a, b) =
                try_join(fetch(get(&env("BACKEND")?)?), fetch(get(&env("FAILING")?)?)).await?;
            format!("both answered: {} {}", a.status(), b.status())
        }
        "/forward" => {
            let mut forward = edgekit::http::Request::post(env("BACKEND")?);
            if let Some(length) = req.headers().get("content-length") {
                forward = forward.header("content-length", length);
            }
            let response = fetch(forward.body(req.into_body())?).await?;
            format!("the backend answered {}", response.status().as_u16())
        }
        "/read-while-fetch" => {
            let mut body = req.into_body();
            let reading = async {
                let mut total = 0;
                while let Ok(Some(chunk)) = body.chunk().await {
                    total += chunk.len();
                }
                format!("read {total} bytes first")
            };
            let fetching = async {
                match fetch(get(&env("BACKEND")?)?).await {
                    Ok(response) => Ok(format!(
                        "the backend answered {} first",
                        response.status().as_u16()
                    )),
                    Err(e) => Err(Error::from(e)),
                }
            };
            let line = future::or(fetching, async { Ok(reading.await) }).await?;
            drop(body);
            line
        }
        "/broken-stream" => {
            let chunks: [Result<&'static [u8], std::io::Error>; 2] = [
                Ok(&[b'x'; 1000]),
                Err(std::io::Error::other("broken on purpose")),
            ];
            return Ok(Response::new(Body::from_stream(
                futures_lite::stream::iter(chunks),
            )));
        }
        _ => return Ok(edgekit::IntoResponse::into_response(StatusCode::NOT_FOUND)),
    };
    Ok(edgekit::IntoResponse::into_response(line))
}

/// Reads the request body until a read is still pending after `ms`.
async fn read(req: Request) -> Result<String, Error> {
    let ms = req.query::<Millis>()?.ms;
    Ok(read_until_stalled(req.into_body(), ms, "read").await)
}

/// Reads `$BACKEND`'s answer until a read is still pending after `ms`.
async fn fetched_body(req: Request) -> Result<String, Error> {
    let ms = req.query::<Millis>()?.ms;
    let response = fetch(get(&env("BACKEND")?)?).await?;
    Ok(read_until_stalled(response.into_body(), ms, "fetched body").await)
}

/// Reads `body` until a read is still pending after `ms`, then drops the
/// body in the middle of that read; `what` names it in the answer.
async fn read_until_stalled(mut body: Body, ms: u64, what: &str) -> String {
    let mut total = 0;
    loop {
        match timeout(Duration::from_millis(ms), body.chunk()).await {
            Ok(Ok(Some(chunk))) => total += chunk.len(),
            Ok(Ok(None)) => return format!("read all {total} bytes"),
            Ok(Err(_)) => return format!("the body failed after {total} bytes"),
            Err(_) => {
                drop(body);
                return format!("the {what} was dropped after {total} bytes");
            }
        }
    }
}
