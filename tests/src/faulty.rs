//! Peers that misbehave on purpose, on loopback: [`FaultyBackend`] (refuses,
//! resets, stalls, speaks garbage) and [`PartialBody`], a request body that
//! sends part of itself and then waits, as a slow or vanishing client does.
//!
//! Every stall is bounded by [`STALL_LIMIT`], so a test that goes wrong
//! fails instead of hanging.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The longest any misbehaving peer here holds a connection.
pub const STALL_LIMIT: Duration = Duration::from_secs(20);

/// How a [`FaultyBackend`] misbehaves once it has read a request's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers `status` at once, before reading the body (which it then
    /// drains, so the answer is not lost to a reset).
    AnswerEarly(u16),
    /// Closes the connection without a word.
    Close,
    /// Sends a head promising 1 MiB and 64 KiB of it, then resets the
    /// connection.
    ResetMidBody,
    /// Sends nothing at all.
    StallBeforeHead,
    /// Sends a head promising 1 MiB and [`STALLED_AFTER`] bytes of it,
    /// then nothing more.
    StallMidBody,
    /// Answers bytes that are not HTTP, then closes.
    Garbage,
}

/// How many body bytes [`Fault::StallMidBody`] sends before it stalls.
pub const STALLED_AFTER: usize = 1000;

/// A loopback server that misbehaves on every connection.
pub struct FaultyBackend {
    /// Where it listens.
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultyBackend {
    /// Starts a server that misbehaves as `fault` says.
    pub async fn start(fault: Fault) -> FaultyBackend {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(tokio::time::timeout(STALL_LIMIT, misbehave(stream, fault)));
            }
        });
        FaultyBackend {
            addr,
            accepted,
            task,
        }
    }

    /// How many connections reached it.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Its address as an `http://` URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for FaultyBackend {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn misbehave(mut stream: TcpStream, fault: Fault) {
    if read_head(&mut stream).await.is_none() {
        return;
    }
    let head_of_a_mebibyte = b"HTTP/1.1 200 OK\r\ncontent-length: 1048576\r\n\r\n";
    match fault {
        Fault::AnswerEarly(status) => {
            let answer = format!(
                "HTTP/1.1 {status} Refused\r\ncontent-length: 7\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nrefused"
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let mut sink = vec![0; 64 * 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
        Fault::Close => {}
        Fault::ResetMidBody => {
            let _ = stream.write_all(head_of_a_mebibyte).await;
            let _ = stream.write_all(&vec![b'r'; 64 * 1024]).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // A zero linger turns the close into a reset (RST).
            let _ = stream.set_zero_linger();
        }
        Fault::StallBeforeHead => tokio::time::sleep(STALL_LIMIT).await,
        Fault::StallMidBody => {
            let _ = stream.write_all(head_of_a_mebibyte).await;
            let _ = stream.write_all(&[b's'; STALLED_AFTER]).await;
            let _ = stream.flush().await;
            tokio::time::sleep(STALL_LIMIT).await;
        }
        Fault::Garbage => {
            let _ = stream
                .write_all(b"\x00\x01 this is not HTTP \xff\r\n\r\n")
                .await;
        }
    }
}

/// Reads up to the end of a request head; `None` if the peer left first.
async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    Some(head)
}

/// A request body that declares `declared` bytes, sends `first`, and then
/// sends nothing more until its [`PartialBodyHold`] is dropped, when it
/// fails: a client that stalls, then goes away.
pub struct PartialBody {
    declared: Option<u64>,
    frames: mpsc::Receiver<Bytes>,
}

/// Keeps a [`PartialBody`] waiting while it lives.
pub struct PartialBodyHold(#[allow(dead_code)] mpsc::Sender<Bytes>);

impl PartialBody {
    /// A body sending `first` out of `declared` bytes (`None`: chunked).
    pub fn new(first: Bytes, declared: Option<u64>) -> (PartialBody, PartialBodyHold) {
        let (sender, frames) = mpsc::channel(1);
        sender
            .try_send(first)
            .expect("an empty channel takes one frame");
        (PartialBody { declared, frames }, PartialBodyHold(sender))
    }
}

impl http_body::Body for PartialBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.frames.poll_recv(cx) {
            Poll::Ready(Some(data)) => Poll::Ready(Some(Ok(Frame::data(data)))),
            Poll::Ready(None) => Poll::Ready(Some(Err(std::io::Error::other("the client left")))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.declared
            .map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}

/// Sends `request` to `addr` over a fresh HTTP/1.1 connection and reads
/// the whole answer, within [`STALL_LIMIT`]; a broken answer's body is
/// `Err` with what broke.
pub async fn send_raw<B>(
    addr: SocketAddr,
    request: http::Request<B>,
) -> http::Response<Result<Bytes, String>>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    try_send_raw(addr, request).await.expect("a response head")
}

/// [`send_raw`], for a request that may fail before any answer (a client
/// that leaves mid-upload): `Err` with why.
pub async fn try_send_raw<B>(
    addr: SocketAddr,
    request: http::Request<B>,
) -> Result<http::Response<Result<Bytes, String>>, String>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let exchange = async {
        let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        let mut request = request;
        request
            .headers_mut()
            .insert("host", addr.to_string().parse().expect("a host value"));
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .map_err(|e| e.to_string());
        Ok(http::Response::from_parts(parts, body))
    };
    tokio::time::timeout(STALL_LIMIT, exchange)
        .await
        .map_err(|_| "no answer within the stall limit".to_owned())?
}

/// `http://127.0.0.1:PORT` for a free loopback port with nothing
/// listening on it: a backend that refuses every connection.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    format!("http://{}", listener.local_addr().expect("local addr"))
}

/// A body of `bytes`, for [`send_raw`].
pub fn full(bytes: impl Into<Bytes>) -> Full<Bytes> {
    Full::new(bytes.into())
}
