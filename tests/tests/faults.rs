//! Faults on the way to a backend answer their documented status and never
//! trap a component, under `edgekit-host` and under `wasmtime serve -Scli`.
//!
//! The s3-uploader cases are the ones that trapped under `wasmtime serve`
//! ("resource has children"): the storage answered while the upload was
//! still streaming in, and the upload's body was dropped mid-read.

use bytes::Bytes;
use edgekit_host::FailureKind;
use edgekit_tests::faulty::{Fault, FaultyBackend, PartialBody, closed_port_url, full};
use edgekit_tests::hosts::{Answer, BOTH, Running, Under};
use edgekit_tests::storage::{ACCESS_KEY, BUCKET, SECRET_KEY, Storage};
use edgekit_tests::{ANON_PROXY, Backend, FETCH, GEO_ROUTER, IMAGE_RESIZE, MARKDOWN, S3_UPLOADER};

const TOKEN: &str = "t0ken-for-faults";

async fn uploader(under: Under, endpoint: String, secret: &str) -> Running {
    uploader_with(under, endpoint, secret, "false").await
}

async fn uploader_with(under: Under, endpoint: String, secret: &str, overwrite: &str) -> Running {
    let env = [
        ("OVERWRITE", overwrite.to_owned()),
        ("S3_ENDPOINT", endpoint),
        ("S3_BUCKET", BUCKET.to_owned()),
        ("S3_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
        ("S3_SECRET_ACCESS_KEY", secret.to_owned()),
        ("S3_PATH_STYLE", "true".to_owned()),
        ("UPLOAD_TOKEN", TOKEN.to_owned()),
    ];
    Running::start(under, S3_UPLOADER, &env).await
}

/// Bytes with no known file signature.
fn upload(len: usize) -> Bytes {
    (0..len).map(|i| b'a' + (i % 23) as u8).collect()
}

async fn put(running: &Running, key: &str, body: Bytes) -> Answer {
    let request = http::Request::put(format!("/{key}"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-length", body.len())
        .body(full(body))
        .unwrap();
    running.send(request).await
}

fn error_of(answer: &Answer) -> String {
    let json: serde_json::Value = serde_json::from_str(&answer.text()).expect("a JSON error");
    json["error"].as_str().expect("an error message").to_owned()
}

#[tokio::test]
async fn s3_uploader_wrong_credentials_are_a_502_at_every_size() {
    let storage = Storage::start().await;
    for under in BOTH {
        let running = uploader(under, storage.server.endpoint(), "not-the-secret").await;
        for size in [10, 100_000, 1 << 20, 5_000_000] {
            let answer = put(&running, "wrong.bin", upload(size)).await;
            assert_eq!(answer.failure, None, "{under:?} {size}");
            assert_eq!(answer.status(), 502, "{under:?} {size}: {}", answer.text());
            // S3 refuses as soon as it has the headers and closes the
            // connection: while the body is still being sent, the refusal
            // may be lost with it, and then all the component can say is
            // that the storage could not be reached.
            let message = error_of(&answer);
            assert!(
                message == "the storage refused the upload: SignatureDoesNotMatch"
                    || message == "the storage is unreachable",
                "{under:?} {size}: {message}"
            );
        }
    }
    assert_eq!(storage.keys(), Vec::<String>::new());
    storage.assert_no_open_uploads();
}

#[tokio::test]
async fn s3_uploader_an_existing_key_is_a_409_every_time() {
    let storage = Storage::start().await;
    for under in BOTH {
        let running = uploader(under, storage.server.endpoint(), SECRET_KEY).await;
        let key = format!("exists-{under:?}.bin");
        let original = upload(2_000_000);
        let first = put(&running, &key, original.clone()).await;
        assert_eq!(first.status(), 201, "{under:?}: {}", first.text());
        for attempt in 0..6 {
            let answer = put(&running, &key, upload(2_000_000 + attempt)).await;
            assert_eq!(answer.failure, None, "{under:?} try {attempt}");
            assert_eq!(
                answer.status(),
                409,
                "{under:?} try {attempt}: {}",
                answer.text()
            );
            assert_eq!(error_of(&answer), "an object with this key already exists");
        }
        assert_eq!(storage.object(&key).as_deref(), Some(original.as_ref()));
    }
    storage.assert_no_open_uploads();
}

#[tokio::test]
async fn s3_uploader_a_storage_that_is_down_is_a_502_at_every_size() {
    for under in BOTH {
        let running = uploader(under, closed_port_url(), SECRET_KEY).await;
        for size in [10, 64 * 1024, 1 << 20, 5_000_000] {
            let answer = put(&running, "down.bin", upload(size)).await;
            assert_eq!(answer.failure, None, "{under:?} {size}");
            assert_eq!(answer.status(), 502, "{under:?} {size}: {}", answer.text());
            assert_eq!(error_of(&answer), "the storage is unreachable", "{under:?}");
        }
    }
}

/// What a client gets when a backend misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// This status, with a whole body.
    Status(u16),
    /// The backend's `200` head was passed on before it broke: the body
    /// ends early, so the client can tell it is incomplete.
    CutOff,
}

/// A component in front of one misbehaving backend.
struct Front {
    name: &'static str,
    wasm: &'static str,
    /// Its settings, given the backend's `http://127.0.0.1:port/`.
    env: fn(&str) -> Vec<(&'static str, String)>,
    /// The request that reaches the backend, given its URL.
    uri: fn(&str) -> String,
    /// What each fault must give.
    expect: fn(Fault) -> Expect,
    /// What a healthy backend answers (to `200` through the component).
    healthy: fn() -> Bytes,
}

fn text_page() -> Bytes {
    Bytes::from_static(b"healthy")
}

/// A 4x4 PNG, for image-resize's healthy origin.
fn tiny_png() -> Bytes {
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 4)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    Bytes::from(png.into_inner())
}

/// Every fault, under both hosts: the exact answer, no trap, and the next
/// request (to a healthy backend) served normally.
async fn assert_fault_matrix(front: &Front) {
    let healthy_body = (front.healthy)();
    let healthy = Backend::start(move |_| {
        let body = healthy_body.clone();
        async move { http::Response::new(body) }
    })
    .await;
    let healthy_url = format!("http://{}/", healthy.addr);
    for fault in FAULTS {
        let backend = FaultyBackend::start(fault).await;
        for under in BOTH {
            let case = format!("{} / {fault:?} / {under:?}", front.name);
            let env = (front.env)(&backend.url());
            let running = Running::start(under, front.wasm, &env).await;
            let answer = running.send(get(&(front.uri)(&backend.url()))).await;
            match (front.expect)(fault) {
                Expect::Status(status) => {
                    assert_eq!(answer.failure, None, "{case}");
                    assert_eq!(
                        answer.status(),
                        status,
                        "{case}: {:?}",
                        answer.response.body()
                    );
                    assert!(answer.response.body().is_ok(), "{case}: the body is whole");
                }
                Expect::CutOff => {
                    assert_eq!(answer.status(), 200, "{case}");
                    assert_cut_off(&answer, under, &case);
                }
            }
            assert!(backend.connections() > 0, "{case}: the backend was reached");
            // The same component, pointed at a healthy backend, still answers.
            let env = (front.env)(&healthy_url);
            let running = Running::start(under, front.wasm, &env).await;
            let next = running.send(get(&(front.uri)(&healthy_url))).await;
            assert_eq!(next.status(), 200, "{case}: the next request");
        }
    }
}

const FAULTS: [Fault; 5] = [
    Fault::Close,
    Fault::ResetMidBody,
    Fault::StallBeforeHead,
    Fault::StallMidBody,
    Fault::Garbage,
];

/// The body broke off, and no whole body of the promised length arrived.
fn assert_cut_off(answer: &Answer, under: Under, case: &str) {
    match under {
        Under::Ours => {
            let failure = answer.failure.as_ref().expect("a cut-off body is reported");
            assert_eq!(failure.kind, FailureKind::ResponseBody, "{case}: {failure}");
        }
        Under::Wasmtime => assert!(answer.response.body().is_err(), "{case}"),
    }
}

fn get(uri: &str) -> http::Request<http_body_util::Full<Bytes>> {
    http::Request::get(uri).body(full(Bytes::new())).unwrap()
}

fn port_of(url: &str) -> String {
    url.rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned()
}

#[tokio::test]
async fn examples_fetch_answers_each_backend_fault() {
    assert_fault_matrix(&Front {
        name: "examples/fetch",
        wasm: FETCH,
        env: |url| vec![("BACKEND_A", url.to_owned()), ("BACKEND_B", url.to_owned())],
        uri: |_| "/".to_owned(),
        // It reads both answers whole before it answers.
        expect: |_| Expect::Status(502),
        healthy: text_page,
    })
    .await;
}

#[tokio::test]
async fn anon_proxy_answers_each_target_fault() {
    assert_fault_matrix(&Front {
        name: "anon-proxy",
        wasm: ANON_PROXY,
        env: |url| {
            vec![
                ("ALLOWED_HOSTS", "127.0.0.1".to_owned()),
                ("ALLOWED_PORTS", port_of(url)),
                ("TIMEOUT_MS", "1000".to_owned()),
            ]
        },
        uri: |url| format!("/?url={url}page"),
        expect: |fault| match fault {
            Fault::StallBeforeHead => Expect::Status(504),
            // The head is passed on at once; the body streams after it.
            Fault::ResetMidBody | Fault::StallMidBody => Expect::CutOff,
            _ => Expect::Status(502),
        },
        healthy: text_page,
    })
    .await;
}

#[tokio::test]
async fn geo_router_proxy_answers_each_site_fault() {
    assert_fault_matrix(&Front {
        name: "geo-router",
        wasm: GEO_ROUTER,
        env: |url| {
            vec![
                ("ROUTES", format!(r#"{{"default": "{url}"}}"#)),
                ("MODE", "proxy".to_owned()),
                ("TIMEOUT_MS", "1000".to_owned()),
            ]
        },
        uri: |_| "/page".to_owned(),
        expect: |fault| match fault {
            Fault::ResetMidBody | Fault::StallMidBody => Expect::CutOff,
            // A site that is down, slow or broken counts as down.
            _ => Expect::Status(502),
        },
        healthy: text_page,
    })
    .await;
}

/// The storage misbehaves while an upload streams towards it: a `502` that
/// says so, whatever the size, and nothing left behind.
#[tokio::test]
async fn s3_uploader_answers_each_storage_fault() {
    let cases = [
        (Fault::Close, "the storage is unreachable"),
        (Fault::ResetMidBody, "the storage is unreachable"),
        (Fault::Garbage, "the storage is unreachable"),
        (
            Fault::AnswerEarly(403),
            "the storage refused the upload: AccessDenied",
        ),
    ];
    for (fault, message) in cases {
        let storage = FaultyBackend::start(fault).await;
        let endpoint = storage.url().trim_end_matches('/').to_owned();
        for under in BOTH {
            // Overwriting, so no conditional write is rechecked with a
            // HEAD, which this storage would answer as wrongly as the PUT.
            let running = uploader_with(under, endpoint.clone(), SECRET_KEY, "true").await;
            for size in [10, 64 * 1024, 5_000_000] {
                let case = format!("{fault:?} / {under:?} / {size}");
                let answer = put(&running, "faulty.bin", upload(size)).await;
                assert_eq!(answer.failure, None, "{case}");
                assert_eq!(answer.status(), 502, "{case}: {}", answer.text());
                assert_eq!(error_of(&answer), message, "{case}");
            }
        }
    }
}

/// A client that sends part of an upload and goes away: nothing is stored,
/// no multipart upload is left open, and the next upload is stored.
#[tokio::test]
async fn s3_uploader_a_client_that_leaves_mid_upload_leaves_nothing_behind() {
    let storage = Storage::start().await;
    for under in BOTH {
        let running = uploader(under, storage.server.endpoint(), SECRET_KEY).await;
        // Declared within one part, declared beyond it (multipart), and chunked.
        for declared in [Some(2_000_000), Some(12_000_000), None] {
            let case = format!("{under:?} / {declared:?}");
            let (body, hold) = PartialBody::new(upload(1_000_000), declared);
            let mut request =
                http::Request::put("/left.bin").header("authorization", format!("Bearer {TOKEN}"));
            if let Some(length) = declared {
                request = request.header("content-length", length);
            }
            let request = request.body(body).unwrap();
            let leave = tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                drop(hold);
            });
            // Under our host the answer can still be read (a 400); over TCP
            // the client is gone, so only what it left behind counts.
            let answer = running.try_send(request).await;
            leave.await.unwrap();
            if under == Under::Ours {
                let answer = answer.expect("our host reads the answer");
                assert_eq!(answer.failure, None, "{case}");
                assert_eq!(answer.status(), 400, "{case}: {}", answer.text());
            }
            // Over TCP the component may still be tidying up after the
            // client has gone: give it a bounded moment.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while !storage.server.open_multipart_uploads().is_empty()
                && std::time::Instant::now() < deadline
            {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(storage.object("left.bin"), None, "{case}");
            storage.assert_no_open_uploads();
            let key = format!("after-{under:?}-{declared:?}.bin");
            let next = put(&running, &key, upload(10_000)).await;
            assert_eq!(next.status(), 201, "{case}: {}", next.text());
        }
    }
}

/// Reads the head and a little of a long answer, then goes away.
async fn leave_mid_download(running: &Running, uri: &str) {
    match running {
        Running::Ours(host) => {
            let exchange = host.send_streaming(get(uri)).await.unwrap();
            assert_eq!(exchange.response.status(), 200);
            let mut body = exchange.response.into_body();
            let first = http_body_util::BodyExt::frame(&mut body).await;
            assert!(matches!(first, Some(Ok(_))), "a first frame arrives");
            drop(body);
            let stats = exchange.stats.await;
            if let Some(failure) = stats.failure {
                assert_ne!(failure.kind, FailureKind::Trap, "{failure}");
            }
        }
        Running::Wasmtime(server) => {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            let head = format!("GET {uri} HTTP/1.1\r\nhost: {}\r\n\r\n", server.addr);
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut first = vec![0; 64 * 1024];
            let n = stream.read(&mut first).await.unwrap();
            assert!(
                first[..n].starts_with(b"HTTP/1.1 200"),
                "{:?}",
                String::from_utf8_lossy(&first[..n.min(200)])
            );
        }
    }
}

#[tokio::test]
async fn anon_proxy_a_client_that_leaves_mid_download() {
    let big = Bytes::from(vec![b'd'; 32 << 20]);
    let origin = Backend::start(move |_| {
        let big = big.clone();
        async move { http::Response::new(big) }
    })
    .await;
    let env = [
        ("ALLOWED_HOSTS", "127.0.0.1".to_owned()),
        ("ALLOWED_PORTS", origin.addr.port().to_string()),
    ];
    let uri = format!("/?url=http://{}/big", origin.addr);
    for under in BOTH {
        let running = Running::start(under, ANON_PROXY, &env).await;
        leave_mid_download(&running, &uri).await;
        let small = running
            .send(get(&format!("/?url=http://{}/again", origin.addr)))
            .await;
        assert_eq!(small.status(), 200, "{under:?}: the next request");
    }
}

/// The origin timeouts of image-resize and markdown, shortened for tests.
fn quick_timeouts() -> [(&'static str, String); 4] {
    [
        ("CONNECT_TIMEOUT", "1".to_owned()),
        ("FIRST_BYTE_TIMEOUT", "1".to_owned()),
        ("BETWEEN_BYTES_TIMEOUT", "1".to_owned()),
        ("TOTAL_TIMEOUT", "5".to_owned()),
    ]
}

/// Both read the origin's answer whole before they answer: a broken origin
/// is a `502`, a slow one a `504`.
fn whole_reader(fault: Fault) -> Expect {
    match fault {
        Fault::StallBeforeHead | Fault::StallMidBody => Expect::Status(504),
        _ => Expect::Status(502),
    }
}

/// image-resize reads the origin whole too, but it sniffs the first bytes
/// as they come: the stalled body's first bytes are not an image, so that
/// is a `502` before the stall matters (its timeouts are checked with
/// image prefixes in `tests/tests/image_resize.rs`).
fn image_reader(fault: Fault) -> Expect {
    match fault {
        Fault::StallMidBody => Expect::Status(502),
        other => whole_reader(other),
    }
}

#[tokio::test]
async fn image_resize_answers_each_origin_fault() {
    assert_fault_matrix(&Front {
        name: "image-resize",
        wasm: IMAGE_RESIZE,
        env: |url| {
            let mut env = vec![("ORIGIN", url.to_owned())];
            env.extend(quick_timeouts());
            env
        },
        uri: |_| "/photo.png?w=2".to_owned(),
        expect: image_reader,
        healthy: tiny_png,
    })
    .await;
}

#[tokio::test]
async fn markdown_answers_each_origin_fault() {
    assert_fault_matrix(&Front {
        name: "markdown",
        wasm: MARKDOWN,
        env: |url| {
            let mut env = vec![("ORIGIN", url.to_owned())];
            env.extend(quick_timeouts());
            env
        },
        uri: |_| "/guide.md".to_owned(),
        expect: whole_reader,
        healthy: text_page,
    })
    .await;
}
