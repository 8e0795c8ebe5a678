//! [`StreamingOrigin`]: a loopback origin that streams a large body without
//! `Content-Length`, counting how much of it the client actually pulled —
//! to show a component stops reading at its limit instead of buffering.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures_lite::StreamExt;
use http_body_util::StreamBody;
use hyper::body::Frame;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Chunk size of the streamed body.
pub const CHUNK: usize = 64 * 1024;

/// A server answering every request with `200`, `Content-Type: image/jpeg`
/// and `total` bytes sent chunked, produced only as the client reads them.
pub struct StreamingOrigin {
    /// Where it listens.
    pub addr: SocketAddr,
    sent: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl StreamingOrigin {
    /// Starts the server.
    pub async fn start(total: u64) -> StreamingOrigin {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counter = counter.clone();
                let service = service_fn(move |_request| {
                    let counter = counter.clone();
                    async move {
                        let chunks = total.div_ceil(CHUNK as u64);
                        let stream = futures_lite::stream::iter(0..chunks).map(move |i| {
                            let len = (total - i * CHUNK as u64).min(CHUNK as u64) as usize;
                            counter.fetch_add(len as u64, Ordering::SeqCst);
                            // A JPEG start, so only the size can stop it.
                            let mut chunk = vec![0x55u8; len];
                            if i == 0 {
                                chunk[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
                            }
                            Ok::<_, Infallible>(Frame::data(Bytes::from(chunk)))
                        });
                        let response = http::Response::builder()
                            .header("content-type", "image/jpeg")
                            .body(StreamBody::new(stream))
                            .unwrap();
                        Ok::<_, Infallible>(response)
                    }
                });
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        StreamingOrigin { addr, sent, task }
    }

    /// Body bytes produced so far (pulled by the client, or sitting in
    /// socket buffers on their way).
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

impl Drop for StreamingOrigin {
    fn drop(&mut self) {
        self.task.abort();
    }
}
