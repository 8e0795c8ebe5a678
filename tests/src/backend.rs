//! [`Backend`]: a real HTTP/1 server on loopback that records what reached it.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

/// One request as the backend received it; the body is read whole and
/// summarised by its length and SHA-256.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request method.
    pub method: Method,
    /// The request target (origin form: path and query).
    pub uri: Uri,
    /// Every header as received, `host` included.
    pub headers: HeaderMap,
    /// How many body bytes arrived.
    pub body_len: usize,
    /// SHA-256 of the body, hex.
    pub body_sha256: String,
}

/// A loopback HTTP server; dropped, it stops accepting.
pub struct Backend {
    /// Where it listens.
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Backend {
    /// Starts a server that answers every request with `respond(&received)`.
    pub async fn start<F, Fut>(respond: F) -> Backend
    where
        F: Fn(Received) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = http::Response<Bytes>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let respond = respond.clone();
                let log = log.clone();
                let service = service_fn(move |request: http::Request<Incoming>| {
                    let respond = respond.clone();
                    let log = log.clone();
                    async move {
                        let (parts, body) = request.into_parts();
                        let mut hasher = Sha256::new();
                        let mut body_len = 0;
                        let mut body = body;
                        while let Some(Ok(frame)) = body.frame().await {
                            if let Ok(data) = frame.into_data() {
                                body_len += data.len();
                                hasher.update(&data);
                            }
                        }
                        let received = Received {
                            method: parts.method,
                            uri: parts.uri,
                            headers: parts.headers,
                            body_len,
                            body_sha256: hex(&hasher.finalize()),
                        };
                        log.lock().unwrap().push(received.clone());
                        let response = respond(received).await;
                        Ok::<_, Infallible>(response.map(Full::new))
                    }
                });
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Backend {
            addr,
            received,
            task,
        }
    }

    /// A server that answers `200` with `body` to everything.
    pub async fn text(body: &'static str) -> Backend {
        Backend::start(
            move |_| async move { http::Response::new(Bytes::from_static(body.as_bytes())) },
        )
        .await
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
