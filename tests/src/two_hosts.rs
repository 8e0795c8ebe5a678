//! [`TwoHosts`]: one component served by `edgekit-host` and by `wasmtime
//! serve -Scli` with the same settings, so a test can send an attack to
//! both and assert the exact answer under each. Wasmtime enforces the WASI
//! resource rules strictly and removes `Connection` before the guest sees
//! it: what holds under it holds on the platforms built on it.

use std::fmt;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host, HostBuilder};
use http::HeaderMap;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper_util::rt::TokioIo;

use crate::portable::{Other, Server};

/// The memory limit of both hosts: 128 MiB, the platforms' usual one.
pub const MAX_MEMORY: usize = 128 * 1024 * 1024;

/// Which host answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// `edgekit-host`, in process.
    Ours,
    /// `wasmtime serve -Scli`, over loopback.
    Wasmtime,
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Which::Ours => "edgekit-host",
            Which::Wasmtime => "wasmtime serve",
        })
    }
}

/// What a request's body is on the wire.
#[derive(Clone)]
pub enum Payload {
    /// These bytes, with their `Content-Length`.
    Whole(Bytes),
    /// These chunks, each its own frame (`Transfer-Encoding: chunked`).
    Chunks(Vec<Bytes>),
    /// `Content-Length: declared`, then only `sent`, then the client
    /// stops writing: a body cut short.
    Cut {
        /// The bytes that arrive.
        sent: Bytes,
        /// The length announced.
        declared: usize,
    },
}

/// An answer as the client got it.
#[derive(Debug)]
pub struct Answer {
    /// Who answered.
    pub which: Which,
    /// Its status.
    pub status: u16,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, read whole.
    pub body: Bytes,
    /// `edgekit-host`'s record of the exchange (outgoing requests, logs).
    pub exchange: Option<Exchange>,
}

impl Answer {
    /// The body as text, for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Every value of header `name`, as text.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The one value of header `name`, or `""` when absent.
    pub fn header(&self, name: &str) -> String {
        let values = self.all(name);
        assert!(values.len() <= 1, "{}: {name} given {values:?}", self.which);
        values.into_iter().next().unwrap_or_default()
    }
}

/// The component under both hosts.
pub struct TwoHosts {
    ours: Host,
    wasmtime: Server,
}

impl TwoHosts {
    /// Serves `wasm` with `env` under both hosts, each limited to
    /// [`MAX_MEMORY`].
    pub async fn start(wasm: &str, env: &[(&str, String)]) -> TwoHosts {
        TwoHosts::start_with(wasm, env, |builder| builder).await
    }

    /// Like [`start`](Self::start), with `edgekit-host` configured further
    /// by `configure` (a longer CPU deadline, say: `wasmtime serve` has
    /// none by default).
    pub async fn start_with(
        wasm: &str,
        env: &[(&str, String)],
        configure: impl FnOnce(HostBuilder) -> HostBuilder,
    ) -> TwoHosts {
        let mut builder = configure(Host::builder(wasm).max_memory(MAX_MEMORY));
        for (key, value) in env {
            builder = builder.env(*key, value.clone());
        }
        let ours = builder.build().await.expect("the component loads");
        let limit = format!("-Wmax-memory-size={MAX_MEMORY}");
        let wasmtime = Server::start_with(Other::Wasmtime, wasm, env, &[&limit]).await;
        TwoHosts { ours, wasmtime }
    }

    /// Sends `request(which)` to each host in turn; the answers come in
    /// the order [`Which::Ours`], [`Which::Wasmtime`].
    pub async fn send(&self, request: impl Fn(Which) -> http::Request<Payload>) -> [Answer; 2] {
        [
            self.send_ours(request(Which::Ours)).await,
            self.send_wasmtime(request(Which::Wasmtime)).await,
        ]
    }

    async fn send_ours(&self, request: http::Request<Payload>) -> Answer {
        let (mut parts, payload) = request.into_parts();
        let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = match payload {
            Payload::Whole(bytes) => {
                parts.headers.insert("content-length", bytes.len().into());
                vec![Ok(Frame::data(bytes))]
            }
            Payload::Chunks(chunks) => chunks.into_iter().map(|c| Ok(Frame::data(c))).collect(),
            Payload::Cut { sent, declared } => {
                parts.headers.insert("content-length", declared.into());
                vec![
                    Ok(Frame::data(sent)),
                    Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the client stopped sending",
                    )),
                ]
            }
        };
        let body = StreamBody::new(futures_lite::stream::iter(frames));
        let exchange = self
            .ours
            .send(http::Request::from_parts(parts, body))
            .await
            .expect("edgekit-host takes the request");
        Answer {
            which: Which::Ours,
            status: exchange.response.status().as_u16(),
            headers: exchange.response.headers().clone(),
            body: exchange.response.body().clone(),
            exchange: Some(exchange),
        }
    }

    async fn send_wasmtime(&self, request: http::Request<Payload>) -> Answer {
        let (parts, payload) = request.into_parts();
        let response = match payload {
            Payload::Whole(bytes) => {
                self.hyper(http::Request::from_parts(parts, Full::new(bytes)))
                    .await
            }
            Payload::Chunks(chunks) => {
                let frames = chunks
                    .into_iter()
                    .map(|c| Ok::<_, std::io::Error>(Frame::data(c)));
                let body = StreamBody::new(futures_lite::stream::iter(frames));
                self.hyper(http::Request::from_parts(parts, body)).await
            }
            Payload::Cut { sent, declared } => {
                let addr = self.wasmtime.addr;
                tokio::task::spawn_blocking(move || cut_short(addr, &parts, &sent, declared))
                    .await
                    .unwrap()
            }
        };
        let (parts, body) = response.into_parts();
        Answer {
            which: Which::Wasmtime,
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
            exchange: None,
        }
    }

    /// One request over a fresh HTTP/1.1 connection.
    async fn hyper<B>(&self, mut request: http::Request<B>) -> http::Response<Bytes>
    where
        B: hyper::body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let stream = tokio::net::TcpStream::connect(self.wasmtime.addr)
            .await
            .unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        request
            .headers_mut()
            .entry("host")
            .or_insert(self.wasmtime.addr.to_string().parse().unwrap());
        let response = sender.send_request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        http::Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }
}

/// Writes the head with `Content-Length: declared` and only `sent` of the
/// body, closes the writing side, and reads the answer to the end.
fn cut_short(
    addr: std::net::SocketAddr,
    parts: &http::request::Parts,
    sent: &[u8],
    declared: usize,
) -> http::Response<Bytes> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut head = format!("{} {target} HTTP/1.1\r\nhost: {addr}\r\n", parts.method);
    for (name, value) in &parts.headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(&format!(
        "content-length: {declared}\r\nconnection: close\r\n\r\n"
    ));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(sent).unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

/// An HTTP/1.1 response read whole (`Content-Length`, chunked, or to the
/// end of the connection).
fn parse_response(raw: &[u8]) -> http::Response<Bytes> {
    let text_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..text_end]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut builder = http::Response::builder().status(status);
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        chunked |= name.eq_ignore_ascii_case("transfer-encoding");
        builder = builder.header(name.trim(), value.trim());
    }
    let mut body = &raw[text_end + 4..];
    let body = if chunked {
        let mut out = Vec::new();
        loop {
            let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap(), 16).unwrap();
            body = &body[line_end + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&body[..size]);
            body = &body[size + 2..];
        }
        Bytes::from(out)
    } else {
        Bytes::copy_from_slice(body)
    };
    builder.body(body).unwrap()
}
