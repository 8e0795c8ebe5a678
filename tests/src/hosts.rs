//! [`Running`]: one component served by `edgekit-host` or by
//! `wasmtime serve -Scli`, behind one `send`, so a fault test states its
//! case once and runs it under both hosts.

use bytes::Bytes;
use edgekit_host::{Failure, Host};

use crate::faulty::{send_raw, try_send_raw};
use crate::portable::{Other, Server};

/// Which host serves the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Under {
    /// `edgekit-host`, in this process.
    Ours,
    /// `wasmtime serve -Scli`, which enforces WASI's resource rules as
    /// strictly as a production host.
    Wasmtime,
}

/// Both hosts, for `for under in BOTH`.
pub const BOTH: [Under; 2] = [Under::Ours, Under::Wasmtime];

/// A component being served.
pub enum Running {
    /// In this process.
    Ours(Host),
    /// In a `wasmtime serve` process on loopback.
    Wasmtime(Server),
}

/// One answer: status, headers, the body (`Err` when it broke off), and,
/// under our host, why the guest failed if it did.
pub struct Answer {
    /// The response head and body.
    pub response: http::Response<Result<Bytes, String>>,
    /// Our host's report of a trap or a broken limit (`None` under Wasmtime).
    pub failure: Option<Failure>,
}

impl Answer {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.response.status().as_u16()
    }

    /// The body as text; panics when it broke off.
    pub fn text(&self) -> String {
        let body = self.response.body().as_ref().expect("a whole body");
        String::from_utf8_lossy(body).into_owned()
    }
}

impl Running {
    /// Serves `wasm` with `env` under `under`. Outgoing requests may go to
    /// loopback under both hosts.
    pub async fn start(under: Under, wasm: &str, env: &[(&str, String)]) -> Running {
        match under {
            Under::Ours => {
                let mut builder = Host::builder(wasm);
                for (key, value) in env {
                    builder = builder.env(*key, value.clone());
                }
                Running::Ours(builder.build().await.expect("the host builds"))
            }
            Under::Wasmtime => Running::Wasmtime(Server::start(Other::Wasmtime, wasm, env).await),
        }
    }

    /// Sends `request` and reads the whole answer.
    pub async fn send<B>(&self, request: http::Request<B>) -> Answer
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match self {
            Running::Ours(host) => {
                let exchange = host
                    .send(request)
                    .await
                    .expect("the host takes the request");
                let (parts, body) = exchange.response.into_parts();
                Answer {
                    response: http::Response::from_parts(parts, Ok(body)),
                    failure: exchange.stats.failure,
                }
            }
            Running::Wasmtime(server) => Answer {
                response: send_raw(server.addr, request).await,
                failure: None,
            },
        }
    }

    /// [`send`](Self::send), for a request the client gives up on: `None`
    /// when it failed before an answer (under Wasmtime, a client that left
    /// hears nothing; under our host the answer is still there to read).
    pub async fn try_send<B>(&self, request: http::Request<B>) -> Option<Answer>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match self {
            Running::Ours(_) => Some(self.send(request).await),
            Running::Wasmtime(server) => {
                try_send_raw(server.addr, request)
                    .await
                    .ok()
                    .map(|response| Answer {
                        response,
                        failure: None,
                    })
            }
        }
    }
}
