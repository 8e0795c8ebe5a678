//! `s3-uploader` throughput and load, measured (not asserted for speed):
//! run with
//!
//! ```sh
//! cargo test -p edgekit-tests --test s3_uploader_bench -- --ignored --nocapture
//! ```
//!
//! It prints one table: upload throughput through the component under the
//! in-process host for 1 MiB, 64 MiB and 1 GiB, sent in 64 KiB frames
//! with a declared `Content-Length` (as `curl -T` and browsers send a file)
//! and without one (chunked, as from a pipe), beside the same bytes sent
//! straight to the same loopback `s3s` server by a native client (hyper and
//! the component's own SigV4 signer, payload hashed), the share of the
//! wall time the guest spent running wasm, and the guest's peak memory; then 100 concurrent uploads of random sizes, each checked
//! byte-exact by SHA-256, and the count of multipart uploads left open.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use edgekit_host::Host;
use edgekit_tests::S3_UPLOADER;
use edgekit_tests::backend::sha256;
use edgekit_tests::s3_server::{S3Server, S3ServerOptions};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use s3_uploader::sign::{Payload, Signer};

const ACCESS_KEY: &str = "AKIDBENCH";
const SECRET_KEY: &str = "bench-secret";
const TOKEN: &str = "bench-token";
const BUCKET: &str = "bench";
const MIB: usize = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

fn pattern(len: usize, seed: u64) -> Bytes {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    Bytes::from(out)
}

type Frames = futures_lite::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, std::io::Error>>>;

/// The body as a client streams it: 64 KiB frames (the request says
/// whether a length is declared).
fn frames(data: &Bytes) -> StreamBody<Frames> {
    let frames: Vec<_> = (0..data.len())
        .step_by(CHUNK)
        .map(|at| Ok(Frame::data(data.slice(at..(at + CHUNK).min(data.len())))))
        .collect();
    StreamBody::new(futures_lite::stream::iter(frames))
}

async fn host(server: &S3Server) -> Host {
    Host::builder(S3_UPLOADER)
        .route("s3.test", server.addr())
        .env("S3_ENDPOINT", "http://s3.test")
        .env("S3_BUCKET", BUCKET)
        .env("S3_ACCESS_KEY_ID", ACCESS_KEY)
        .env("S3_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("S3_PATH_STYLE", "true")
        .env("UPLOAD_TOKEN", TOKEN)
        .env("MAX_UPLOAD_BYTES", (2usize << 30).to_string())
        // 1 GiB in 8 MiB parts is 128 parts plus create and complete.
        .max_outgoing_requests(200)
        // Hashing 1 GiB in wasm takes seconds of CPU.
        .deadline(Duration::from_secs(120))
        .max_concurrency(128)
        .deny_unlisted_hosts()
        .build()
        .await
        .expect("the component loads")
}

/// The same bytes straight to the server: one signed PutObject (payload
/// hashed natively), over a fresh loopback connection.
async fn native_put(server: &S3Server, key: &str, data: &Bytes) -> Duration {
    let started = Instant::now();
    let signer = Signer::new(ACCESS_KEY, SECRET_KEY, None, "us-east-1");
    let url = format!("http://{}/{BUCKET}/{key}", server.addr());
    let hash = sha256(data);
    let length = data.len().to_string();
    let headers = [("content-length", length.as_str())];
    let signed = signer
        .headers(
            "PUT",
            &url,
            &headers,
            Payload::Sha256(&hash),
            SystemTime::now(),
        )
        .unwrap();
    let mut request = http::Request::put(format!("/{BUCKET}/{key}"))
        .header("host", server.addr().to_string())
        .header("content-length", length.as_str());
    for (name, value) in &signed {
        request = request.header(name.as_str(), value.as_str());
    }
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let response = sender
        .send_request(request.body(frames(data)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    started.elapsed()
}

fn mib_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / MIB as f64 / time.as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn s3_uploader_throughput_and_load() {
    let root = std::env::temp_dir().join(format!("edgekit-s3-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // Gigabytes of objects: removed even when an assertion fails.
    let _cleanup = RemoveOnDrop(root.clone());
    let server = S3Server::start(S3ServerOptions::new(&root, ACCESS_KEY, SECRET_KEY))
        .await
        .unwrap();
    server.create_bucket(BUCKET).unwrap();
    let host = Arc::new(host(&server).await);

    println!(
        "| body | Content-Length | component (MiB/s) | native client (MiB/s) | ratio | time in wasm / wall | peak guest memory |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (label, size) in [("1 MiB", MIB), ("64 MiB", 64 * MIB), ("1 GiB", 1024 * MIB)] {
        let data = pattern(size, size as u64);
        // Native, then each way of sending through the component, so both
        // see the same machine load.
        for declared in [true, false] {
            let native = native_put(&server, &format!("native-{size}"), &data).await;
            let mut request = http::Request::put(format!("/guest-{size}"))
                .header("authorization", format!("Bearer {TOKEN}"));
            if declared {
                request = request.header("content-length", size.to_string());
            }
            let request = request.body(frames(&data)).unwrap();
            let started = Instant::now();
            let ex = host.send(request).await.unwrap();
            let guest = started.elapsed();
            assert_eq!(ex.response.status(), 201, "{:?}", ex.response.body());
            let stored = server.object(BUCKET, &format!("guest-{size}")).unwrap();
            assert_eq!(sha256(&stored), sha256(&data));
            let (g, n) = (mib_per_s(size, guest), mib_per_s(size, native));
            println!(
                "| {label} | {} | {g:.0} | {n:.0} | {:.2}× | {:.2} | {:.1} MiB |",
                if declared {
                    "declared"
                } else {
                    "none (chunked)"
                },
                g / n,
                ex.stats.wasm_time.as_secs_f64() / guest.as_secs_f64(),
                ex.stats.peak_memory as f64 / MIB as f64
            );
            for key in [format!("guest-{size}"), format!("native-{size}")] {
                let _ = std::fs::remove_file(server.root().join(BUCKET).join(key));
            }
        }
    }

    // 100 concurrent uploads, 1 KiB to 20 MiB.
    let mut sizes = Vec::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..100 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        sizes.push(1024 + (state % (20 * MIB as u64 - 1024)) as usize);
    }
    let total: usize = sizes.iter().sum();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, size) in sizes.iter().copied().enumerate() {
        let host = host.clone();
        tasks.push(tokio::spawn(async move {
            let data = pattern(size, i as u64 + 7);
            let request = http::Request::put(format!("/load/{i}"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .body(frames(&data))
                .unwrap();
            let ex = host.send(request).await.unwrap();
            (i, sha256(&data), ex.response.status(), ex.stats.peak_memory)
        }));
    }
    let mut exact = 0;
    let mut peak = 0;
    for task in tasks {
        let (i, hash, status, memory) = task.await.unwrap();
        assert_eq!(status, 201);
        let stored = server.object(BUCKET, &format!("load/{i}")).unwrap();
        if sha256(&stored) == hash {
            exact += 1;
        }
        peak = peak.max(memory);
    }
    let elapsed = started.elapsed();
    println!();
    println!(
        "100 concurrent uploads, {:.0} MiB in all: {:.1} s ({:.0} MiB/s), {exact}/100 byte-exact by SHA-256, \
         {} multipart uploads left open, largest guest peak memory {:.1} MiB",
        total as f64 / MIB as f64,
        elapsed.as_secs_f64(),
        mib_per_s(total, elapsed),
        server.open_multipart_uploads().len(),
        peak as f64 / MIB as f64
    );
    assert_eq!(exact, 100);
    assert!(server.open_multipart_uploads().is_empty());
}

/// Deletes a directory when dropped.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
