//! [`SlowOrigin`]: a loopback HTTP/1.1 server written on raw TCP, to answer
//! in ways a well-behaved server never does: a body that stalls after the
//! head, one that drips a byte at a time, one cut off before its declared
//! length. Every connection is bounded in time.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the body misbehaves.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Sends `first`, then nothing, holding the connection for `hold`.
    Stall {
        /// Bytes sent before the stall.
        first: Vec<u8>,
        /// How long the connection is then held open.
        hold: Duration,
    },
    /// Sends `first`, then one byte of `rest` every `every` (chunked).
    Drip {
        /// Bytes sent at once.
        first: Vec<u8>,
        /// Bytes sent one at a time.
        rest: Vec<u8>,
        /// The pause between two of them.
        every: Duration,
    },
    /// Declares `declared` bytes, sends `sent`, and closes.
    CutOff {
        /// The `Content-Length` sent.
        declared: usize,
        /// The bytes actually sent.
        sent: Vec<u8>,
    },
}

/// A server answering every request `200` with `content_type` and a body
/// that behaves as told.
pub struct SlowOrigin {
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl SlowOrigin {
    /// Starts the server.
    pub async fn start(content_type: &'static str, behaviour: Behaviour) -> SlowOrigin {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let behaviour = behaviour.clone();
                tokio::spawn(async move {
                    // No connection outlives a minute, whatever the client does.
                    let _ = tokio::time::timeout(
                        Duration::from_secs(60),
                        answer(stream, content_type, behaviour),
                    )
                    .await;
                });
            }
        });
        SlowOrigin { addr, task }
    }

    /// `http://` and the address.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SlowOrigin {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    mut stream: TcpStream,
    content_type: &str,
    behaviour: Behaviour,
) -> std::io::Result<()> {
    read_head(&mut stream).await?;
    match behaviour {
        Behaviour::Stall { first, hold } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            write_chunk(&mut stream, &first).await?;
            tokio::time::sleep(hold).await;
        }
        Behaviour::Drip { first, rest, every } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            write_chunk(&mut stream, &first).await?;
            for byte in rest {
                tokio::time::sleep(every).await;
                write_chunk(&mut stream, &[byte]).await?;
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
        Behaviour::CutOff { declared, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {declared}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&sent).await?;
            stream.flush().await?;
        }
    }
    Ok(())
}

async fn write_chunk(stream: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    stream
        .write_all(format!("{:x}\r\n", data.len()).as_bytes())
        .await?;
    stream.write_all(data).await?;
    stream.write_all(b"\r\n").await?;
    stream.flush().await
}

/// Reads up to the end of the request head (a `GET` has no body).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        if stream.read(&mut byte).await? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(())
}

/// Sends a raw request to `addr` whose body is cut off: the head declares
/// `declared` bytes, `sent` follow, and the writing side closes. Returns
/// the raw response (status line, headers and body) as text.
pub async fn send_cut_off(addr: SocketAddr, head: &str, declared: usize, sent: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "{head}\r\nhost: {addr}\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.write_all(sent).await.expect("write");
    stream.shutdown().await.expect("shutdown");
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}
