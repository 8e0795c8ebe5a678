//! The demo origin: a small web server on a loopback port that the gallery's
//! templates reach as `http://origin.demo/`, so the demos work with no
//! network. It serves sample Markdown pages under `/markdown/` and sample
//! images under `/images/<size>.<jpg|png|webp>`.

use super::images::{FORMATS, SIZES, encode};
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The host name the templates use for the demo origin.
pub const ORIGIN_HOST: &str = "origin.demo";

pub(crate) const PAGES: [(&str, &str); 3] = [
    ("index.md", include_str!("assets/demo/index.md")),
    ("guide.md", include_str!("assets/demo/guide.md")),
    ("tables.md", include_str!("assets/demo/tables.md")),
];

/// Starts the demo origin on `127.0.0.1` and returns its address.
pub(crate) async fn start() -> anyhow::Result<SocketAddr> {
    let mut files: HashMap<String, (&'static str, Bytes)> = HashMap::new();
    for (name, text) in PAGES {
        files.insert(
            format!("/markdown/{name}"),
            (
                "text/markdown; charset=utf-8",
                Bytes::from_static(text.as_bytes()),
            ),
        );
    }
    for (size, width, height) in SIZES {
        for (extension, content_type) in FORMATS {
            let bytes = encode(extension, width, height)?;
            files.insert(
                format!("/images/{size}.{extension}"),
                (content_type, Bytes::from(bytes)),
            );
        }
    }
    let mut listing: Vec<&String> = files.keys().collect();
    listing.sort();
    let index = listing
        .iter()
        .map(|path| format!("{path}\n"))
        .collect::<String>();
    files.insert(
        "/".to_string(),
        ("text/plain; charset=utf-8", Bytes::from(index)),
    );
    let files = Arc::new(files);

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let files = files.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let files = files.clone();
                    async move {
                        Ok::<_, Infallible>(answer(&files, request.method(), request.uri().path()))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

fn answer(
    files: &HashMap<String, (&'static str, Bytes)>,
    method: &http::Method,
    path: &str,
) -> http::Response<Full<Bytes>> {
    let (status, content_type, body) = match files.get(path) {
        _ if method != http::Method::GET && method != http::Method::HEAD => (
            http::StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            Bytes::from_static(b"method not allowed\n"),
        ),
        Some((content_type, body)) => (http::StatusCode::OK, *content_type, body.clone()),
        None => (
            http::StatusCode::NOT_FOUND,
            "text/plain",
            Bytes::from_static(b"not found\n"),
        ),
    };
    let mut response = http::Response::new(Full::new(if method == http::Method::HEAD {
        Bytes::new()
    } else {
        body.clone()
    }));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("public, max-age=60"),
    );
    if method == http::Method::HEAD {
        headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(body.len()),
        );
    }
    response
}
