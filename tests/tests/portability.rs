//! Every example answers the same under an independent wasi:http host,
//! `jco serve` (Node.js), as under `edgekit-host`: the components depend on
//! nothing only our host provides.
//!
//! jco is installed on first use from the lock file in `tests/jco/` (npm).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use edgekit_host::Host;
use edgekit_tests::{Backend, ECHO, FETCH, HELLO, JSON};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

fn jco_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("jco")
}

/// Installs jco once per test process (`npm ci` is idempotent across runs).
fn jco_binary() -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let dir = jco_dir();
            let binary = dir.join("node_modules/.bin/jco");
            if !binary.exists() {
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&dir)
                    .status()
                    .expect("npm runs (is Node.js installed?)");
                assert!(status.success(), "npm ci in {} failed", dir.display());
            }
            binary
        })
        .clone()
}

/// `jco serve` running one component on a loopback port.
struct Jco {
    child: Child,
    addr: SocketAddr,
}

impl Jco {
    async fn start(wasm: &str, env: &[(&str, String)]) -> Jco {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(jco_binary());
        command
            .args([
                "serve",
                wasm,
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        // jco runs the server in a child process of its own: a process
        // group lets `drop` stop both.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().expect("jco starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "jco serve did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Jco { child, addr }
    }

    async fn send(&self, request: http::Request<Bytes>) -> http::Response<Bytes> {
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

impl Drop for Jco {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What must be the same under both hosts.
fn essence(response: &http::Response<Bytes>) -> (u16, String, Bytes) {
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

async fn assert_same(wasm: &str, env: &[(&str, String)], requests: Vec<http::Request<Bytes>>) {
    let mut builder = Host::builder(wasm);
    for (key, value) in env {
        builder = builder.env(*key, value.clone());
    }
    let host = builder.build().await.unwrap();
    let jco = Jco::start(wasm, env).await;
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
        let theirs = jco
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

fn get(uri: &str) -> http::Request<Bytes> {
    http::Request::get(uri).body(Bytes::new()).unwrap()
}

fn post(uri: &str, content_type: &str, body: impl Into<Bytes>) -> http::Request<Bytes> {
    http::Request::post(uri)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn hello_under_jco() {
    let requests = vec![get("/"), get("/?name=Ada"), get("/?name=a&name=b")];
    assert_same(HELLO, &[], requests).await;
}

#[tokio::test]
async fn echo_under_jco() {
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 241) as u8).collect();
    let requests = vec![
        post("/", "text/x-edgekit", "hello echo"),
        post("/", "application/octet-stream", big),
        get("/"),
    ];
    assert_same(ECHO, &[], requests).await;
}

#[tokio::test]
async fn json_under_jco() {
    let requests = vec![
        post("/", "application/json", r#"{"a":1}"#),
        post("/", "application/json", "{oops"),
        post("/", "application/json", "x".repeat(70_000)),
    ];
    assert_same(JSON, &[], requests).await;
}

#[tokio::test]
async fn fetch_under_jco() {
    let a = Backend::text("alpha").await;
    let b = Backend::text("bravo!!").await;
    let env = [
        ("BACKEND_A", format!("http://{}/a", a.addr)),
        ("BACKEND_B", format!("http://{}/b", b.addr)),
    ];
    assert_same(FETCH, &env, vec![get("/")]).await;
    assert_eq!(a.received().len(), 2);
}
