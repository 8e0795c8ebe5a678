//! Other wasi:http hosts, `jco serve` (Node.js) and `wasmtime serve -Scli`,
//! and [`assert_same`]: a component must answer under them as under
//! `edgekit-host`, because it may depend on nothing only our host provides.
//!
//! jco is installed on first use from the lock file in `tests/jco/` (npm);
//! the Wasmtime CLI is installed by `scripts/test`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use edgekit_host::Host;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

fn jco_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("jco")
}

/// Installs jco once per test process, at the versions `package.json` pins
/// (`npm ci` refuses npm 11's lock files that leave out other platforms'
/// optional packages, so this is `npm install`).
fn jco_binary() -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let dir = jco_dir();
            let binary = dir.join("node_modules/.bin/jco");
            if !binary.exists() {
                let status = Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund"])
                    .current_dir(&dir)
                    .status()
                    .expect("npm runs (is Node.js installed?)");
                assert!(status.success(), "npm install in {} failed", dir.display());
            }
            binary
        })
        .clone()
}

/// The Wasmtime CLI, version 48 (the same Wasmtime as `edgekit-host`).
fn wasmtime_binary() -> &'static str {
    let version = Command::new("wasmtime").arg("--version").output();
    let found =
        version.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).starts_with("wasmtime 48."));
    assert!(
        found,
        "wasmtime 48 is not on PATH: run scripts/test, which installs it"
    );
    "wasmtime"
}

/// The independent hosts the examples must run under unchanged.
#[derive(Clone, Copy)]
pub enum Other {
    /// `jco serve` from npm `@bytecodealliance/jco`.
    Jco,
    /// `wasmtime serve -Scli`.
    Wasmtime,
}

/// Another host serving one component on a loopback port.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `other` serving `wasm` with `env`, and waits until it accepts connections.
    pub async fn start(other: Other, wasm: &str, env: &[(&str, String)]) -> Server {
        Server::start_with_args(other, wasm, env, &[]).await
    }

    /// [`start`](Server::start), with `args` added to `wasmtime serve`'s
    /// command line before the component (e.g. `-W max-memory-size=134217728`);
    /// jco takes none.
    pub async fn start_with_args(
        other: Other,
        wasm: &str,
        env: &[(&str, String)],
        args: &[&str],
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = match other {
            Other::Jco => {
                let mut command = Command::new(jco_binary());
                command.args([
                    "serve",
                    wasm,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                ]);
                command.envs(env.iter().map(|(key, value)| (key, value)));
                command
            }
            Other::Wasmtime => {
                let mut command = Command::new(wasmtime_binary());
                command.args(["serve", "-Scli", "--addr", &format!("127.0.0.1:{port}")]);
                command.args(
                    env.iter()
                        .map(|(key, value)| format!("--env={key}={value}")),
                );
                command.args(args);
                command.arg(wasm);
                command
            }
        };
        command.stdout(Stdio::null()).stderr(Stdio::null());
        // jco runs the server in a child process of its own: a process
        // group lets `drop` stop every process of the server.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().expect("the server starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Server { child, addr }
    }

    /// Sends one request over a fresh HTTP/1.1 connection.
    pub async fn send(&self, request: http::Request<Bytes>) -> http::Response<Bytes> {
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let mut request = request.map(Full::new);
        request
            .headers_mut()
            .insert("host", self.addr.to_string().parse().unwrap());
        let response = sender.send_request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        http::Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What must be the same under both hosts: status, content type, body.
pub fn essence(response: &http::Response<Bytes>) -> (u16, String, Bytes) {
    let content_type = response
        .headers()
        .get("content-type")
        .map_or(String::new(), |v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        content_type,
        response.body().clone(),
    )
}

/// Sends each request to `edgekit-host` and to `other`, both serving `wasm`
/// with `env`, and asserts the answers have the same [`essence`].
pub async fn assert_same(
    other: Other,
    wasm: &str,
    env: &[(&str, String)],
    requests: Vec<http::Request<Bytes>>,
) {
    let mut builder = Host::builder(wasm);
    for (key, value) in env {
        builder = builder.env(*key, value.clone());
    }
    let host = builder.build().await.unwrap();
    let server = Server::start(other, wasm, env).await;
    for request in requests {
        let (parts, body) = request.into_parts();
        let ours = host
            .send(http::Request::from_parts(
                parts.clone(),
                Full::new(body.clone()),
            ))
            .await
            .unwrap()
            .response;
        let theirs = server
            .send(http::Request::from_parts(parts.clone(), body))
            .await;
        assert_eq!(
            essence(&ours),
            essence(&theirs),
            "{} {}",
            parts.method,
            parts.uri
        );
    }
}

/// A `GET` request with no body.
pub fn get(uri: &str) -> http::Request<Bytes> {
    http::Request::get(uri).body(Bytes::new()).unwrap()
}

/// A `POST` request with a body and its content type.
pub fn post(uri: &str, content_type: &str, body: impl Into<Bytes>) -> http::Request<Bytes> {
    http::Request::post(uri)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}
