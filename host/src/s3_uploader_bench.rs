//! `edgekit bench`'s part for `components/s3-uploader`: uploads of 1 MiB,
//! 64 MiB and 1 GiB through the component into a loopback `s3s` server
//! (SigV4 on), each beside the same bytes sent straight to that server by a
//! native client (hyper and the SigV4 signer the component uses, payload
//! hashed), in the same run; then 100 concurrent uploads of random sizes,
//! each checked byte-exact by SHA-256, and the multipart uploads left open.
//!
//! The body is sent in 64 KiB frames, once with a declared `Content-Length`
//! (as `curl -T` and browsers send a file) and once without (chunked, as
//! from a pipe).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use std::pin::Pin;
use std::task::{Context, Poll};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http_body_util::BodyExt;
use hyper::body::Frame;
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};

use edgekit_host::s3_server::{S3Server, S3ServerOptions};
use edgekit_host::{Host, build_crate};

const ACCESS_KEY: &str = "AKIDBENCH";
const SECRET_KEY: &str = "bench-secret";
const TOKEN: &str = "bench-token";
const BUCKET: &str = "bench";
const MIB: usize = 1024 * 1024;
/// The size of the frames a client sends the body in.
const FRAME: usize = 64 * 1024;
/// The goal: at least this share of the native client's throughput.
const MIN_RATIO: f64 = 0.7;
/// The memory bound: `PART_SIZE` (8 MiB by default) + 4 MiB.
const MAX_PEAK_MEMORY: usize = 12 * MIB;

/// Builds the component, starts the server, measures, prints the tables.
pub fn run(repo: &Path, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let wasm = build_crate(&repo.join("components/s3-uploader"))?;
    let size = std::fs::metadata(&wasm)?.len();
    let root = std::env::temp_dir().join(format!("edgekit-s3-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // Gigabytes of objects: removed however the run ends.
    let _cleanup = RemoveOnDrop(root.clone());
    runtime.block_on(async {
        let server = S3Server::start(S3ServerOptions::new(&root, ACCESS_KEY, SECRET_KEY)).await?;
        server.create_bucket(BUCKET)?;
        let host = Arc::new(host(&wasm, &server).await?);
        let mut verdicts = throughput(&host, &server).await?;
        verdicts.extend(load(&host, &server).await?);
        println!("\n| target | value | |\n|---|---:|---|");
        for (target, value, met) in verdicts {
            println!(
                "| {target} | {value} | {} |",
                if met { "met" } else { "MISSED" }
            );
        }
        println!("| s3_uploader.wasm | {size} bytes | |");
        anyhow::Ok(())
    })
}

/// One row of the targets table: what, the measured value, met or not.
type Verdict = (String, String, bool);

/// The component under the host, writing to `server` as `http://s3.test`.
async fn host(wasm: &Path, server: &S3Server) -> anyhow::Result<Host> {
    Host::builder(wasm)
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
}

/// 1 MiB, 64 MiB and 1 GiB, each way of sending, beside the native client.
async fn throughput(host: &Host, server: &S3Server) -> anyhow::Result<Vec<Verdict>> {
    println!("\n### s3-uploader: uploads into a loopback S3 server vs a native client\n");
    println!(
        "| body | Content-Length | component MiB/s | native client MiB/s | ratio | time in wasm / wall | peak guest memory |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for (label, size) in [("1 MiB", MIB), ("64 MiB", 64 * MIB), ("1 GiB", 1024 * MIB)] {
        let data = pattern(size, size as u64);
        let hash = sha256(&data);
        // Native, then the component, so both see the same machine load.
        for declared in [true, false] {
            let native = native_put(server, &format!("native-{size}"), &data).await?;
            let key = format!("guest-{size}");
            let mut request = http::Request::put(format!("/{key}"))
                .header("authorization", format!("Bearer {TOKEN}"));
            if declared {
                request = request.header("content-length", size.to_string());
            }
            let started = Instant::now();
            let ex = host.send(request.body(frames(&data))?).await?;
            let guest = started.elapsed();
            anyhow::ensure!(
                ex.response.status() == 201,
                "upload answered {}",
                ex.response.status()
            );
            let stored = server.object(BUCKET, &key).unwrap_or_default();
            anyhow::ensure!(sha256(&stored) == hash, "{key} is not the bytes sent");
            let (g, n) = (mib_per_s(size, guest), mib_per_s(size, native));
            let ratio = g / n;
            let how = if declared {
                "declared"
            } else {
                "none (chunked)"
            };
            let peak = ex.stats.peak_memory;
            println!(
                "| {label} | {how} | {g:.0} | {n:.0} | {ratio:.2} | {:.2} | {:.1} MiB |",
                ex.stats.wasm_time.as_secs_f64() / guest.as_secs_f64(),
                peak as f64 / MIB as f64
            );
            let what = format!("{label}, Content-Length {how}");
            verdicts.push((
                format!("throughput ≥ {MIN_RATIO:.1}× native ({what})"),
                format!("{ratio:.2}"),
                ratio >= MIN_RATIO,
            ));
            verdicts.push((
                format!("peak guest memory ≤ PART_SIZE + 4 MiB ({what})"),
                format!("{peak} bytes"),
                peak <= MAX_PEAK_MEMORY,
            ));
            for key in [key, format!("native-{size}")] {
                let _ = std::fs::remove_file(server.root().join(BUCKET).join(key));
            }
        }
    }
    Ok(verdicts)
}

/// 100 concurrent uploads of 1 KiB to 20 MiB, chunked.
async fn load(host: &Arc<Host>, server: &S3Server) -> anyhow::Result<Vec<Verdict>> {
    let mut sizes = Vec::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..100 {
        state = xorshift(state);
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
                .body(frames(&data))?;
            let ex = host.send(request).await?;
            anyhow::Ok((i, sha256(&data), ex.response.status(), ex.stats.peak_memory))
        }));
    }
    let (mut exact, mut peak) = (0, 0);
    for task in tasks {
        let (i, hash, status, memory) = task.await??;
        let stored = server
            .object(BUCKET, &format!("load/{i}"))
            .unwrap_or_default();
        if status == 201 && sha256(&stored) == hash {
            exact += 1;
        }
        peak = peak.max(memory);
    }
    let elapsed = started.elapsed();
    let open = server.open_multipart_uploads().len();
    println!(
        "\n100 concurrent uploads (1 KiB – 20 MiB, chunked), {:.0} MiB in all: {:.1} s ({:.0} MiB/s), \
         largest guest peak memory {:.1} MiB",
        total as f64 / MIB as f64,
        elapsed.as_secs_f64(),
        mib_per_s(total, elapsed),
        peak as f64 / MIB as f64
    );
    Ok(vec![
        (
            "100 concurrent uploads byte-exact by SHA-256".into(),
            format!("{exact}/100"),
            exact == 100,
        ),
        (
            "multipart uploads left open".into(),
            open.to_string(),
            open == 0,
        ),
    ])
}

/// The same bytes straight to the server: one signed `PutObject` (payload
/// hashed natively), over a fresh loopback connection.
async fn native_put(server: &S3Server, key: &str, data: &Bytes) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let url = format!("http://{}/{BUCKET}/{key}", server.addr());
    // Hashed inside the timing, as the component hashes inside its own.
    let hash = sha256(data);
    let length = data.len().to_string();
    let signed = sign_put(&url, &length, hash)?;
    let mut request = http::Request::put(format!("/{BUCKET}/{key}"))
        .header("host", server.addr().to_string())
        .header("content-length", length.as_str());
    for (name, value) in &signed {
        request = request.header(name.as_str(), value.as_str());
    }
    let stream = tokio::net::TcpStream::connect(server.addr()).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let response = sender.send_request(request.body(frames(data))?).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    anyhow::ensure!(
        status == 200,
        "native PUT: {status} {}",
        String::from_utf8_lossy(&body)
    );
    Ok(started.elapsed())
}

/// The SigV4 headers of a `PUT` of `length` bytes hashing to `hash`, signed
/// as the S3 uploader signs (S3's rules: single URI encoding, no path
/// normalisation, `x-amz-content-sha256`).
fn sign_put(url: &str, length: &str, hash: String) -> anyhow::Result<Vec<(String, String)>> {
    let identity: Identity = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench").into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(SystemTime::now())
        .settings(settings)
        .build()?
        .into();
    let request = SignableRequest::new(
        "PUT",
        url,
        [("content-length", length)].into_iter(),
        SignableBody::Precomputed(hash),
    )?;
    let (instructions, _signature) = sign(request, &params)?.into_parts();
    Ok(instructions
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect())
}

/// The body as a client streams it, in [`FRAME`]-sized frames.
fn frames(data: &Bytes) -> Frames {
    Frames { data: data.clone() }
}

/// What is left of a body, sent [`FRAME`] bytes at a time.
struct Frames {
    data: Bytes,
}

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let data = &mut self.get_mut().data;
        if data.is_empty() {
            return Poll::Ready(None);
        }
        let frame = data.split_to(FRAME.min(data.len()));
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }
}

/// `len` deterministic pseudo-random bytes (incompressible, as files are).
fn pattern(len: usize, seed: u64) -> Bytes {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = xorshift(state);
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    Bytes::from(out)
}

fn xorshift(mut state: u64) -> u64 {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    state
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn mib_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / MIB as f64 / time.as_secs_f64()
}

/// Deletes a directory when dropped.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
