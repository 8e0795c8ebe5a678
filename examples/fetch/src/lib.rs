//! `GET /` fetches the URLs in `BACKEND_A` and `BACKEND_B` at the same time
//! and answers `{"a": {"status": N, "bytes": N}, "b": {...}}`. A backend
//! that cannot be reached gives a `502` whose JSON names it and says what
//! kind of failure it was ("timed out", "connection refused"): never the
//! host's own error text, which is logged instead.

use std::time::Duration;

use edgekit::{Error, FetchOptions, IntoResponse, Json, Response, StatusCode, fetch_with, join};
use serde_json::{Value, json};

#[edgekit::edge_handler]
async fn handle() -> Response {
    let (a, b) = match (std::env::var("BACKEND_A"), std::env::var("BACKEND_B")) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Error::internal("BACKEND_A and BACKEND_B must be set").into_response(),
    };
    match join(probe(&a), probe(&b)).await {
        (Ok(a), Ok(b)) => Json(json!({ "a": a, "b": b })).into_response(),
        (a, b) => {
            let failed: Vec<&str> = [("a", a.is_err()), ("b", b.is_err())]
                .into_iter()
                .filter_map(|(name, failed)| failed.then_some(name))
                .collect();
            let reasons: Vec<String> = [a.err(), b.err()].into_iter().flatten().collect();
            let body = json!({
                "error": format!("backend {} unreachable", failed.join(" and ")),
                "backends": failed,
                "reasons": reasons,
            });
            (StatusCode::BAD_GATEWAY, Json(body)).into_response()
        }
    }
}

/// Fetches `url` and counts its body's bytes as they stream in.
async fn probe(url: &str) -> Result<Value, String> {
    let request = edgekit::http::Request::get(url)
        .body(())
        .map_err(|_| "invalid URL".to_owned())?;
    let options = FetchOptions::new()
        .connect_timeout(Duration::from_secs(2))
        .first_byte_timeout(Duration::from_secs(5))
        .between_bytes_timeout(Duration::from_secs(5));
    let response = fetch_with(request, &options).await.map_err(|e| {
        edgekit::log::warn!("{url}: {e}");
        e.kind().to_string()
    })?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let mut bytes = 0;
    while let Some(chunk) = body.chunk().await.map_err(|e| {
        edgekit::log::warn!("{url}: the body broke off: {e}");
        "the body broke off".to_owned()
    })? {
        bytes += chunk.len();
    }
    Ok(json!({ "status": status, "bytes": bytes }))
}
