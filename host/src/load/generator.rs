//! The load generator: `n` HTTP/1.1 keep-alive connections on loopback, each
//! sending one request after another until a deadline, counting what came
//! back. Bounded in count (one request in flight per connection) and in time
//! (no new request after the deadline, and each request given at most
//! [`REQUEST_TIMEOUT`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// The longest a request may take before it counts as a failure.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Makes the request a connection sends: from the connection's index and
/// the request's sequence number on it.
pub type RequestFn = Arc<dyn Fn(usize, u64) -> http::Request<Full<Bytes>> + Send + Sync>;

/// The answer that counts as a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this status, with its whole body read.
    Status(u16),
    /// Any 5xx, with its whole body read: what a request that breaks a
    /// limit must get.
    ServerError,
}

impl Expect {
    fn accepts(self, status: http::StatusCode) -> bool {
        match self {
            Expect::Status(code) => status.as_u16() == code,
            Expect::ServerError => status.is_server_error(),
        }
    }
}

/// What the connections to one server saw.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Requests answered as expected.
    pub answered: u64,
    /// Everything else, by kind (`status 503`, `timeout`, `connection: …`).
    pub failures: BTreeMap<String, u64>,
    /// Times the server closed an idle connection between requests (no
    /// request lost: the next one goes on a new connection).
    pub reconnects: u64,
    /// The time of every request answered as expected.
    pub latencies: Vec<Duration>,
}

impl Tally {
    /// All failures together.
    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    fn fail(&mut self, kind: String) {
        *self.failures.entry(kind).or_default() += 1;
    }

    fn merge(&mut self, other: Tally) {
        self.answered += other.answered;
        self.reconnects += other.reconnects;
        self.latencies.extend(other.latencies);
        for (kind, count) in other.failures {
            *self.failures.entry(kind).or_default() += count;
        }
    }
}

/// Sends requests made by `request` to `addr` over `connections`
/// connections until `until`, and tallies the answers against `expect`.
pub async fn drive(
    addr: SocketAddr,
    connections: usize,
    request: RequestFn,
    expect: Expect,
    until: Instant,
) -> Tally {
    let mut workers = tokio::task::JoinSet::new();
    for index in 0..connections {
        let request = request.clone();
        workers.spawn(connection(addr, index, request, expect, until));
    }
    let mut tally = Tally::default();
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(one) => tally.merge(one),
            Err(error) => tally.fail(format!("load generator task: {error}")),
        }
    }
    tally
}

async fn connection(
    addr: SocketAddr,
    index: usize,
    request: RequestFn,
    expect: Expect,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut sender: Option<SendRequest<Full<Bytes>>> = None;
    let mut sequence = 0;
    while Instant::now() < until {
        let ready = match sender.as_mut() {
            Some(open) => open.ready().await.is_ok(),
            None => false,
        };
        if !ready {
            if sender.take().is_some() {
                tally.reconnects += 1;
            }
            match connect(addr).await {
                Ok(open) => sender = Some(open),
                Err(error) => {
                    tally.fail(format!("connect: {error}"));
                    // A refused connection comes back at once: do not spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
            continue;
        }
        let Some(open) = sender.as_mut() else {
            continue;
        };
        let mut outgoing = request(index, sequence);
        sequence += 1;
        if let Ok(host) = http::HeaderValue::from_str(&addr.to_string()) {
            outgoing.headers_mut().insert(http::header::HOST, host);
        }
        let started = Instant::now();
        let exchange = async {
            let response = open.send_request(outgoing).await?;
            let status = response.status();
            response.into_body().collect().await?;
            Ok::<_, hyper::Error>(status)
        };
        match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
            Ok(Ok(status)) if expect.accepts(status) => {
                tally.answered += 1;
                tally.latencies.push(started.elapsed());
            }
            Ok(Ok(status)) => tally.fail(format!("status {}", status.as_u16())),
            Ok(Err(error)) => {
                tally.fail(format!("connection: {error}"));
                sender = None;
            }
            Err(_) => {
                tally.fail(format!("no answer within {}s", REQUEST_TIMEOUT.as_secs()));
                sender = None;
            }
        }
    }
    tally
}

async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_breaker_must_get_a_server_error() {
        assert!(Expect::ServerError.accepts(http::StatusCode::INTERNAL_SERVER_ERROR));
        assert!(Expect::ServerError.accepts(http::StatusCode::GATEWAY_TIMEOUT));
        assert!(!Expect::ServerError.accepts(http::StatusCode::OK));
        assert!(Expect::Status(201).accepts(http::StatusCode::CREATED));
        assert!(!Expect::Status(201).accepts(http::StatusCode::OK));
    }

    #[test]
    fn tallies_add_up() {
        let mut a = Tally {
            answered: 2,
            ..Tally::default()
        };
        a.fail("status 503".into());
        let mut b = Tally {
            answered: 3,
            ..Tally::default()
        };
        b.fail("status 503".into());
        b.fail("timeout".into());
        a.merge(b);
        assert_eq!(a.answered, 5);
        assert_eq!(a.failed(), 3);
        assert_eq!(a.failures["status 503"], 2);
    }
}
