//! `s3-uploader` end to end: the real `.wasm` under `edgekit-host`, writing
//! into a real S3-compatible server (`s3s` + `s3s-fs` on loopback, SigV4
//! authentication on, so a wrong signature fails).

use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host};
use edgekit_tests::S3_UPLOADER;
use edgekit_tests::backend::sha256;
use edgekit_tests::faulty::closed_port_url;
use edgekit_tests::portable::{Other, Server};
use edgekit_tests::storage::{ACCESS_KEY, BUCKET, SECRET_KEY, Storage};
use edgekit_tests::two_hosts::{Answer, Payload, TwoHosts};
use http_body_util::{Full, StreamBody};
use hyper::body::Frame;
use serde_json::Value;

const TOKEN: &str = "t0ken-for-uploads";
const MIB: usize = 1024 * 1024;
/// The smallest part S3 allows, used so multipart paths run on small bodies.
const PART: usize = 5 * MIB;

/// The uploader with path-style URLs to `s3.test`, routed to the server,
/// and `env` on top of the defaults.
async fn uploader(storage: &Storage, env: &[(&str, &str)]) -> Host {
    let mut builder = Host::builder(S3_UPLOADER)
        .route("s3.test", storage.server.addr())
        .route("uploads.s3.test", storage.server.addr())
        .deny_unlisted_hosts();
    let defaults = [
        ("S3_ENDPOINT", "http://s3.test"),
        ("S3_BUCKET", BUCKET),
        ("S3_ACCESS_KEY_ID", ACCESS_KEY),
        ("S3_SECRET_ACCESS_KEY", SECRET_KEY),
        ("S3_PATH_STYLE", "true"),
        ("UPLOAD_TOKEN", TOKEN),
        ("PART_SIZE", "5242880"),
    ];
    for (key, value) in defaults {
        if !env.iter().any(|(k, _)| *k == key) {
            builder = builder.env(key, value);
        }
    }
    for (key, value) in env {
        if !value.is_empty() {
            builder = builder.env(*key, *value);
        }
    }
    builder.build().await.expect("the component loads")
}

/// Bytes that look like nothing in particular (no known file signature).
fn data(len: usize, seed: u64) -> Bytes {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    if let Some(first) = out.first_mut() {
        *first = b'x';
    }
    Bytes::from(out)
}

fn put(uri: &str, body: impl Into<Bytes>) -> http::Request<Full<Bytes>> {
    http::Request::put(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Full::new(body.into()))
        .unwrap()
}

type Frames = futures_lite::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, std::io::Error>>>;

/// A body of unknown length in `chunk`-byte frames; with `fail_at`, the
/// client "disconnects" (the body errors) after that many bytes.
fn streamed(data: &Bytes, chunk: usize, fail_at: Option<usize>) -> StreamBody<Frames> {
    let mut frames = Vec::new();
    let mut offset = 0;
    while offset < data.len() {
        if fail_at.is_some_and(|at| offset >= at) {
            frames.push(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "client went away",
            )));
            break;
        }
        let end = (offset + chunk).min(data.len());
        frames.push(Ok(Frame::data(data.slice(offset..end))));
        offset = end;
    }
    StreamBody::new(futures_lite::stream::iter(frames))
}

fn put_streamed(uri: &str, body: StreamBody<Frames>) -> http::Request<StreamBody<Frames>> {
    http::Request::put(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(body)
        .unwrap()
}

/// The object `key` holds exactly `expected` (compared by length and
/// SHA-256, so a failure does not print megabytes).
fn assert_stored(storage: &Storage, key: &str, expected: &[u8]) {
    let stored = storage
        .object(key)
        .unwrap_or_else(|| panic!("{key} is stored"));
    assert_eq!(
        (stored.len(), sha256(&stored)),
        (expected.len(), sha256(expected)),
        "{key}"
    );
}

fn json(ex: &Exchange) -> Value {
    serde_json::from_slice(ex.response.body()).unwrap_or_else(|_| {
        panic!(
            "JSON body, got {:?}",
            String::from_utf8_lossy(ex.response.body())
        )
    })
}

fn error_message(ex: &Exchange) -> String {
    json(ex)["error"].as_str().unwrap_or_default().to_owned()
}

fn methods(ex: &Exchange) -> Vec<String> {
    ex.stats
        .outgoing
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o.method,
                o.uri
                    .query()
                    .map_or("", |q| q.split('=').next().unwrap_or(""))
            )
        })
        .collect()
}

#[tokio::test]
async fn a_small_file_is_one_signed_put() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let body = data(1000, 1);
    let ex = host
        .send(
            http::Request::put("/photos/cat%20one.txt")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "text/plain")
                .body(Full::new(body.clone()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        ex.response.status(),
        201,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    assert_eq!(ex.response.headers()["content-type"], "application/json");
    let answer = json(&ex);
    assert_eq!(answer["key"], "photos/cat one.txt");
    assert_eq!(answer["size"], 1000);
    assert_eq!(answer["sha256"], sha256(&body));
    assert_eq!(answer["url"], "http://s3.test/uploads/photos/cat%20one.txt");
    assert_eq!(
        ex.response.headers()["location"],
        "http://s3.test/uploads/photos/cat%20one.txt"
    );
    // s3s-fs's ETag is the MD5 of the bytes.
    assert_eq!(answer["etag"].as_str().unwrap().len(), 32);
    assert_stored(&storage, "photos/cat one.txt", &body);
    assert_eq!(methods(&ex), ["PUT "]);
    let sent = &ex.stats.outgoing[0].headers;
    assert_eq!(sent["x-amz-content-sha256"], sha256(&body).as_str());
    assert_eq!(sent["if-none-match"], "*");
    assert!(
        sent["authorization"]
            .to_str()
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDUPLOADER/")
    );
}

#[tokio::test]
async fn a_large_body_of_unknown_length_goes_up_in_parts_within_the_memory_budget() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let body = data(2 * PART + 123_456, 2);
    let ex = host
        .send(put_streamed("/big.bin", streamed(&body, 64 * 1024, None)))
        .await
        .unwrap();
    assert_eq!(
        ex.response.status(),
        201,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    let answer = json(&ex);
    assert_eq!(answer["size"], body.len());
    assert_eq!(answer["sha256"], sha256(&body));
    assert_stored(&storage, "big.bin", &body);
    assert_eq!(
        methods(&ex),
        [
            "POST uploads",
            "PUT partNumber",
            "PUT partNumber",
            "PUT partNumber",
            "POST uploadId"
        ]
    );
    storage.assert_no_open_uploads();
    assert!(
        ex.stats.peak_memory < PART + 4 * MIB,
        "peak guest memory {} bytes",
        ex.stats.peak_memory
    );
}

#[tokio::test]
async fn post_with_a_path_and_a_declared_length_works_too() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let body = data(PART + 1, 3);
    let ex = host
        .send(
            http::Request::post("/a/b.bin")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-length", body.len().to_string())
                .body(Full::new(body.clone()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_stored(&storage, "a/b.bin", &body);
    assert_eq!(methods(&ex).len(), 4, "create, two parts, complete");
    // An empty file is a valid upload.
    let ex = host.send(put("/empty", Bytes::new())).await.unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_eq!(json(&ex)["size"], 0);
    assert_stored(&storage, "empty", b"");
}

/// A `PUT` declaring `length`, whose body is `body` (which may be shorter).
fn put_declared(
    uri: &str,
    length: usize,
    body: StreamBody<Frames>,
) -> http::Request<StreamBody<Frames>> {
    http::Request::put(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-length", length.to_string())
        .body(body)
        .unwrap()
}

/// The `x-amz-content-sha256` of each outgoing request.
fn payload_hashes(ex: &Exchange) -> Vec<String> {
    ex.stats
        .outgoing
        .iter()
        .map(|o| {
            o.headers["x-amz-content-sha256"]
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_declared_length_streams_straight_through_in_flat_memory() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let body = data(3 * PART + 4321, 40);
    let ex = host
        .send(put_declared(
            "/declared.bin",
            body.len(),
            streamed(&body, 64 * 1024, None),
        ))
        .await
        .unwrap();
    assert_eq!(
        ex.response.status(),
        201,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    let answer = json(&ex);
    assert_eq!(answer["size"], body.len());
    assert_eq!(answer["sha256"], sha256(&body));
    assert_stored(&storage, "declared.bin", &body);
    assert_eq!(
        methods(&ex),
        [
            "POST uploads",
            "PUT partNumber",
            "PUT partNumber",
            "PUT partNumber",
            "PUT partNumber",
            "POST uploadId"
        ]
    );
    storage.assert_no_open_uploads();
    // Parts go out as they are read: no part is ever held.
    assert!(
        ex.stats.peak_memory < 4 * MIB,
        "peak guest memory {} bytes",
        ex.stats.peak_memory
    );
    // Streamed parts are UNSIGNED-PAYLOAD (the server still checked the
    // signature of everything else); the bodiless create and the completion
    // document are signed with their hashes.
    let hashes = payload_hashes(&ex);
    assert_eq!(&hashes[1..5], ["UNSIGNED-PAYLOAD"; 4]);
    assert_eq!(hashes[0], sha256(b""));
    assert_eq!(hashes[5].len(), 64);

    // Within a part: one PutObject, streamed too.
    let small = data(300_000, 41);
    let ex = host
        .send(put_declared(
            "/declared-small.bin",
            small.len(),
            streamed(&small, 64 * 1024, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_eq!(json(&ex)["sha256"], sha256(&small));
    assert_eq!(methods(&ex), ["PUT "]);
    assert_eq!(payload_hashes(&ex), ["UNSIGNED-PAYLOAD"]);
    assert_stored(&storage, "declared-small.bin", &small);
}

#[tokio::test]
async fn a_body_shorter_than_its_declared_length_stores_nothing() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let body = data(3 * PART, 42);
    // The client goes away in the second part: the multipart upload is
    // aborted.
    let ex = host
        .send(put_declared(
            "/cut.bin",
            body.len(),
            streamed(&body, 256 * 1024, Some(PART + MIB)),
        ))
        .await
        .unwrap();
    assert!(ex.response.status().is_client_error() || ex.response.status().is_server_error());
    assert_eq!(
        methods(&ex),
        [
            "POST uploads",
            "PUT partNumber",
            "PUT partNumber",
            "DELETE uploadId"
        ]
    );
    storage.assert_untouched();

    // The body ends cleanly but early: 400, and the part in flight is cut
    // so S3 never takes it for a whole one.
    let ex = host
        .send(put_declared(
            "/short.bin",
            body.len(),
            streamed(&body.slice(..PART + MIB), 256 * 1024, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 400);
    assert_eq!(
        error_message(&ex),
        "the upload ended before its declared length"
    );
    assert_eq!(methods(&ex).last().unwrap(), "DELETE uploadId");
    storage.assert_untouched();

    // The same within one PutObject: nothing is stored.
    let small = data(MIB, 43);
    let ex = host
        .send(put_declared(
            "/short-small.bin",
            small.len(),
            streamed(&small.slice(..300_000), 64 * 1024, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 400);
    assert_eq!(methods(&ex), ["PUT "]);
    storage.assert_untouched();
}

/// One form field: name, file name, content type, bytes.
type FormField<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

fn form(boundary: &str, fields: &[FormField<'_>]) -> Bytes {
    let mut out = Vec::new();
    for (name, filename, content_type, value) in fields {
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(filename) = filename {
            out.extend_from_slice(format!("; filename=\"{filename}\"").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        if let Some(content_type) = content_type {
            out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Bytes::from(out)
}

fn post_form(body: Bytes) -> http::Request<Full<Bytes>> {
    http::Request::post("/")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header(
            "content-type",
            "multipart/form-data; boundary=----edgekitBoundary7MA4YWxk",
        )
        .body(Full::new(body))
        .unwrap()
}

#[tokio::test]
async fn an_html_form_uploads_with_its_key_field_or_its_file_name() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let file = data(PART + 77, 4);
    let boundary = "----edgekitBoundary7MA4YWxk";
    let body = form(
        boundary,
        &[
            ("note", None, None, b"ignored"),
            ("key", None, None, b"forms/report.bin"),
            (
                "file",
                Some("local-name.bin"),
                Some("application/octet-stream"),
                &file,
            ),
        ],
    );
    let ex = host.send(post_form(body)).await.unwrap();
    assert_eq!(
        ex.response.status(),
        201,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    assert_eq!(json(&ex)["key"], "forms/report.bin");
    assert_stored(&storage, "forms/report.bin", &file);

    let body = form(
        boundary,
        &[("file", Some("notes.txt"), Some("text/plain"), b"hello form")],
    );
    let ex = host.send(post_form(body)).await.unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_eq!(json(&ex)["key"], "notes.txt");
    assert_stored(&storage, "notes.txt", b"hello form");
    storage.assert_no_open_uploads();

    // A form without a file field writes nothing.
    let before = storage.keys();
    let ex = host
        .send(post_form(form(boundary, &[("key", None, None, b"x")])))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 400);
    assert_eq!(error_message(&ex), "the form has no 'file' field");
    assert_eq!(storage.keys(), before);
    assert!(ex.stats.outgoing.is_empty());
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401_and_writes_nothing() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    for authorization in [
        None,
        Some("Bearer wrong"),
        Some(&*format!("Bearer {TOKEN}x")),
        Some(&*format!("Basic {TOKEN}")),
    ] {
        let mut request = http::Request::put("/a.txt");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let ex = host
            .send(request.body(Full::new(Bytes::from("x"))).unwrap())
            .await
            .unwrap();
        assert_eq!(ex.response.status(), 401, "{authorization:?}");
        assert_eq!(ex.response.headers()["www-authenticate"], "Bearer");
        assert_eq!(error_message(&ex), "a valid bearer token is required");
        assert!(ex.stats.outgoing.is_empty());
    }
    storage.assert_untouched();
}

#[tokio::test]
async fn bad_keys_are_400_and_write_nothing() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[("KEY_PREFIX", "in/")]).await;
    let long = format!("/{}", "k".repeat(1022));
    let cases = [
        ("/", "bad key: the key is empty"),
        ("//etc/passwd", "bad key: the key starts with '/'"),
        (
            "/a//b",
            "bad key: the key has an empty segment ('//' or a trailing '/')",
        ),
        (
            "/a/",
            "bad key: the key has an empty segment ('//' or a trailing '/')",
        ),
        ("/a/../b", "bad key: the key has a '.' or '..' segment"),
        ("/a/%2e%2e/b", "bad key: the key has a '.' or '..' segment"),
        ("/a%2F..%2Fb", "bad key: the key has a '.' or '..' segment"),
        ("/a%0Ab", "bad key: the key has a control character"),
        ("/a%5Cb", "bad key: the key has a backslash"),
        ("/%FF", "bad key: the key is not valid UTF-8"),
        (long.as_str(), "bad key: the key is longer than 1024 bytes"),
    ];
    for (path, message) in cases {
        let ex = host.send(put(path, "x")).await.unwrap();
        assert_eq!(ex.response.status(), 400, "{path}");
        assert_eq!(error_message(&ex), message, "{path}");
        assert!(ex.stats.outgoing.is_empty(), "{path}");
    }
    // The form's key field follows the same rules.
    let body = form(
        "b0undary",
        &[
            ("key", None, None, b"../x"),
            ("file", Some("f"), None, b"x"),
        ],
    );
    let ex = host
        .send(
            http::Request::post("/")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "multipart/form-data; boundary=b0undary")
                .body(Full::new(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 400);
    storage.assert_untouched();
}

#[tokio::test]
async fn over_the_limit_is_413_before_reading_or_when_crossed() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[("MAX_UPLOAD_BYTES", "12000000")]).await;
    // Declared too large: refused before a byte is read or sent.
    let request = http::Request::put("/big.bin")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-length", "12000001")
        .body(streamed(&data(12_000_001, 5), MIB, None))
        .unwrap();
    let ex = host.send(request).await.unwrap();
    assert_eq!(ex.response.status(), 413);
    assert_eq!(error_message(&ex), "the upload is larger than the limit");
    assert!(ex.stats.outgoing.is_empty());

    // Unknown length: stopped when the limit is crossed, after two parts
    // went up, and the multipart upload is aborted.
    let ex = host
        .send(put_streamed(
            "/big.bin",
            streamed(&data(13_000_000, 6), 256 * 1024, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 413);
    assert_eq!(error_message(&ex), "the upload is larger than the limit");
    assert_eq!(
        methods(&ex),
        [
            "POST uploads",
            "PUT partNumber",
            "PUT partNumber",
            "DELETE uploadId"
        ]
    );

    // Small limit, single-request path: nothing is sent at all.
    let host = uploader(&storage, &[("MAX_UPLOAD_BYTES", "1000")]).await;
    let ex = host
        .send(put_streamed(
            "/small.bin",
            streamed(&data(1001, 7), 100, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 413);
    assert!(ex.stats.outgoing.is_empty());
    storage.assert_untouched();
}

#[tokio::test]
async fn disallowed_types_and_lying_magic_bytes_are_415() {
    let storage = Storage::start().await;
    let host = uploader(
        &storage,
        &[("ALLOWED_CONTENT_TYPES", "image/*, application/pdf")],
    )
    .await;
    let png = Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let jpeg = Bytes::from_static(b"\xff\xd8\xff\xe0\0\x10JFIF\0");
    let exe = Bytes::from_static(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff");
    let typed = |path: &str, content_type: &str, body: &Bytes| {
        http::Request::put(path)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", content_type)
            .body(Full::new(body.clone()))
            .unwrap()
    };
    let cases = [
        (
            typed("/a.html", "text/html", &Bytes::from("<html>")),
            "content type \"text/html\" is not allowed",
        ),
        (
            typed("/a.png", "image/png", &jpeg),
            "the file's content is image/jpeg, not image/png",
        ),
        (
            typed("/a.png", "image/png", &Bytes::from("just text")),
            "the file's content does not look like image/png",
        ),
        (
            typed("/a.svg", "image/svg+xml", &exe),
            "the file's content is application/x-msdownload, which is not allowed",
        ),
        (
            put("/a.bin", png.clone()),
            "content type \"application/octet-stream\" is not allowed",
        ),
    ];
    for (request, message) in cases {
        let ex = host.send(request).await.unwrap();
        assert_eq!(ex.response.status(), 415);
        assert_eq!(error_message(&ex), message);
        assert!(ex.stats.outgoing.is_empty());
    }
    // With a declared length the bytes would stream straight out: the
    // first ones are still checked before anything is sent.
    for length in [1000, PART + 1] {
        let mut lying = jpeg.to_vec();
        lying.resize(length, 0);
        let lying = Bytes::from(lying);
        let request = http::Request::put("/big.png")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "image/png")
            .header("content-length", length.to_string())
            .body(streamed(&lying, 64 * 1024, None))
            .unwrap();
        let ex = host.send(request).await.unwrap();
        assert_eq!(ex.response.status(), 415);
        assert_eq!(
            error_message(&ex),
            "the file's content is image/jpeg, not image/png"
        );
        assert!(ex.stats.outgoing.is_empty());
    }
    storage.assert_untouched();
    let ex = host
        .send(typed("/ok.png", "image/png", &png))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_eq!(storage.keys(), ["ok.png"]);
}

#[tokio::test]
async fn an_existing_key_is_409_and_kept_unless_overwrite_is_on() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let original = data(100, 8);
    assert_eq!(
        host.send(put("/taken.bin", original.clone()))
            .await
            .unwrap()
            .response
            .status(),
        201
    );

    let ex = host.send(put("/taken.bin", data(100, 9))).await.unwrap();
    assert_eq!(ex.response.status(), 409);
    assert_eq!(error_message(&ex), "an object with this key already exists");
    // Large enough that S3 refuses while the body is still being sent and
    // closes the connection: the answer is still the 409.
    let ex = host
        .send(put("/taken.bin", data(300_000, 9)))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 409, "{}", error_message(&ex));
    // In parts: the conditional complete fails and the upload is aborted.
    let ex = host
        .send(put_streamed(
            "/taken.bin",
            streamed(&data(PART + 10, 10), MIB, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 409);
    assert_eq!(methods(&ex).last().unwrap(), "DELETE uploadId");
    // S3 may answer the conditional write before it has read the whole
    // part, closing the body the SDK was still writing: that one line may
    // be logged, nothing else.
    assert!(
        ex.stats
            .stderr
            .lines()
            .all(|line| line.contains("the request body was cut short")),
        "{}",
        ex.stats.stderr
    );
    // Streamed in parts with a declared length: the conditional complete
    // fails and the upload is aborted.
    let body = data(PART + 10, 12);
    let ex = host
        .send(put_declared(
            "/taken.bin",
            body.len(),
            streamed(&body, 64 * 1024, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 409);
    assert_eq!(error_message(&ex), "an object with this key already exists");
    assert_eq!(methods(&ex).last().unwrap(), "DELETE uploadId");
    assert_stored(&storage, "taken.bin", &original);
    assert_eq!(storage.keys(), ["taken.bin"]);
    storage.assert_no_open_uploads();

    let host = uploader(&storage, &[("OVERWRITE", "true")]).await;
    let replacement = data(100, 11);
    let ex = host
        .send(put("/taken.bin", replacement.clone()))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 201);
    assert!(!ex.stats.outgoing[0].headers.contains_key("if-none-match"));
    assert_stored(&storage, "taken.bin", &replacement);
}

#[tokio::test]
async fn s3_errors_are_502_with_the_code_and_never_the_secret() {
    let storage = Storage::start().await;
    let wrong_secret = "wrong-secret-do-not-leak";
    let host = uploader(&storage, &[("S3_SECRET_ACCESS_KEY", wrong_secret)]).await;
    let ex = host.send(put("/a.bin", data(10, 12))).await.unwrap();
    assert_eq!(ex.response.status(), 502);
    assert_eq!(
        error_message(&ex),
        "the storage refused the upload: SignatureDoesNotMatch"
    );
    let ex_big = host
        .send(put_streamed(
            "/b.bin",
            streamed(&data(PART + 1, 13), MIB, None),
        ))
        .await
        .unwrap();
    assert_eq!(ex_big.response.status(), 502);

    let host = uploader(&storage, &[("S3_BUCKET", "no-such-bucket")]).await;
    let ex_missing = host.send(put("/a.bin", data(10, 14))).await.unwrap();
    assert_eq!(ex_missing.response.status(), 502);
    assert_eq!(
        error_message(&ex_missing),
        "the storage refused the upload: NoSuchBucket"
    );

    let host = uploader(&storage, &[("S3_ACCESS_KEY_ID", "AKIDUNKNOWN")]).await;
    let ex_unknown = host.send(put("/a.bin", data(10, 15))).await.unwrap();
    assert_eq!(ex_unknown.response.status(), 502);

    for ex in [&ex, &ex_big, &ex_missing, &ex_unknown] {
        let body = String::from_utf8_lossy(ex.response.body());
        for secret in [SECRET_KEY, wrong_secret] {
            assert!(!body.contains(secret));
            assert!(!ex.stats.stderr.contains(secret));
        }
    }
    storage.assert_untouched();
}

#[tokio::test]
async fn a_client_disconnect_mid_upload_aborts_the_multipart_upload() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[]).await;
    let body = data(3 * PART, 16);
    let ex = host
        .send(put_streamed(
            "/cut.bin",
            streamed(&body, 256 * 1024, Some(PART + MIB)),
        ))
        .await
        .unwrap();
    assert!(ex.response.status().is_client_error() || ex.response.status().is_server_error());
    assert_eq!(
        methods(&ex),
        ["POST uploads", "PUT partNumber", "DELETE uploadId"]
    );
    storage.assert_untouched();
}

#[tokio::test]
async fn without_a_token_the_template_refuses_to_start_unless_anonymous_is_allowed() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[("UPLOAD_TOKEN", "")]).await;
    let ex = host.send(put("/a.txt", "x")).await.unwrap();
    assert_eq!(ex.response.status(), 500);
    assert!(String::from_utf8_lossy(ex.response.body()).contains("configuration error"));
    assert!(ex.stats.outgoing.is_empty());

    // Secrets never show in a configuration error either.
    let host = uploader(&storage, &[("PART_SIZE", "1")]).await;
    let ex = host.send(put("/a.txt", "x")).await.unwrap();
    assert_eq!(ex.response.status(), 500);
    assert!(!String::from_utf8_lossy(ex.response.body()).contains(SECRET_KEY));
    assert!(!ex.stats.stderr.contains(SECRET_KEY));
    storage.assert_untouched();

    let host = uploader(
        &storage,
        &[("UPLOAD_TOKEN", ""), ("ALLOW_ANONYMOUS", "true")],
    )
    .await;
    let ex = host
        .send(
            http::Request::put("/anon.txt")
                .body(Full::new(Bytes::from("hi")))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 201);
}

#[tokio::test]
async fn uuid_and_sha256_key_modes() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[("KEY_MODE", "uuid"), ("KEY_PREFIX", "u/")]).await;
    let ex = host.send(put("/Holiday.JPG", data(10, 17))).await.unwrap();
    let key = json(&ex)["key"].as_str().unwrap().to_owned();
    assert!(
        key.starts_with("u/") && key.ends_with(".jpg") && key.len() == 2 + 36 + 4,
        "{key}"
    );
    // The path is only a name to take the extension from.
    let ex = host.send(put("/", data(10, 18))).await.unwrap();
    assert_eq!(ex.response.status(), 201);

    let host = uploader(&storage, &[("KEY_MODE", "sha256"), ("KEY_PREFIX", "cas/")]).await;
    let small = data(1000, 19);
    let ex = host.send(put("/x.txt", small.clone())).await.unwrap();
    assert_eq!(json(&ex)["key"], format!("cas/{}.txt", sha256(&small)));
    // The same bytes again: the same key, no conflict.
    let ex = host.send(put("/y.txt", small.clone())).await.unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_eq!(json(&ex)["key"], format!("cas/{}.txt", sha256(&small)));
    // In parts: staged under a temporary key, copied to its hash, staging removed.
    let big = data(PART + 5, 20);
    let ex = host
        .send(put_streamed("/z.bin", streamed(&big, MIB, None)))
        .await
        .unwrap();
    assert_eq!(
        ex.response.status(),
        201,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    let key = format!("cas/{}.bin", sha256(&big));
    assert_eq!(json(&ex)["key"], key.as_str());
    assert_stored(&storage, &key, &big);
    assert_eq!(
        storage
            .keys()
            .iter()
            .filter(|k| k.starts_with("cas/"))
            .count(),
        2
    );
    storage.assert_no_open_uploads();
}

#[tokio::test]
async fn virtual_hosted_style_and_session_tokens() {
    let storage = Storage::start().await;
    let host = uploader(
        &storage,
        &[
            ("S3_PATH_STYLE", "false"),
            ("S3_SESSION_TOKEN", "session-token-123"),
        ],
    )
    .await;
    let body = data(PART + 3, 21);
    let ex = host
        .send(put_streamed("/v/h.bin", streamed(&body, MIB, None)))
        .await
        .unwrap();
    assert_eq!(
        ex.response.status(),
        201,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    assert_eq!(json(&ex)["url"], "http://uploads.s3.test/v/h.bin");
    assert!(
        ex.stats
            .outgoing
            .iter()
            .all(|o| o.uri.host() == Some("uploads.s3.test"))
    );
    assert!(
        ex.stats
            .outgoing
            .iter()
            .all(|o| o.headers["x-amz-security-token"] == "session-token-123")
    );
    assert_stored(&storage, "v/h.bin", &body);
}

#[tokio::test]
async fn cors_preflights_are_answered_for_listed_origins() {
    let storage = Storage::start().await;
    let host = uploader(&storage, &[("CORS_ORIGINS", "https://app.example")]).await;
    let preflight = |origin: &str| {
        http::Request::options("/file.txt")
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    let ex = host.send(preflight("https://app.example")).await.unwrap();
    assert_eq!(ex.response.status(), 204);
    assert_eq!(
        ex.response.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    assert_eq!(
        ex.response.headers()["access-control-allow-headers"],
        "authorization, content-type"
    );
    let ex = host.send(preflight("https://evil.example")).await.unwrap();
    assert_eq!(ex.response.status(), 403);

    let mut request = put("/cors.txt", "hi");
    request
        .headers_mut()
        .insert("origin", "https://app.example".parse().unwrap());
    let ex = host.send(request).await.unwrap();
    assert_eq!(ex.response.status(), 201);
    assert_eq!(
        ex.response.headers()["access-control-allow-origin"],
        "https://app.example"
    );
}

/// Sends `request` straight to the S3 server (as a browser would with a
/// presigned URL), keeping its `Host`.
async fn send_to(storage: &Storage, request: http::Request<Full<Bytes>>) -> http::Response<Bytes> {
    use http_body_util::BodyExt;
    let stream = tokio::net::TcpStream::connect(storage.server.addr())
        .await
        .unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    http::Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
}

fn presign_request(body: &str) -> http::Request<Full<Bytes>> {
    http::Request::post("/presign")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap()
}

#[tokio::test]
async fn presign_mode_hands_out_urls_that_the_bucket_accepts() {
    let storage = Storage::start().await;
    let host = uploader(
        &storage,
        &[
            ("MODE", "presign"),
            ("ALLOWED_CONTENT_TYPES", "image/*"),
            ("MAX_UPLOAD_BYTES", "1000"),
            ("PRESIGN_TTL", "60"),
        ],
    )
    .await;
    let ex = host
        .send(presign_request(
            r#"{"key": "direct/pic.png", "content_type": "image/png", "size": 12}"#,
        ))
        .await
        .unwrap();
    assert_eq!(
        ex.response.status(),
        200,
        "{}",
        String::from_utf8_lossy(ex.response.body())
    );
    assert!(ex.stats.outgoing.is_empty(), "presigning is local");
    let answer = json(&ex);
    assert_eq!(answer["key"], "direct/pic.png");
    assert_eq!(answer["method"], "PUT");
    assert_eq!(answer["expires_in"], 60);
    let url: http::Uri = answer["url"].as_str().unwrap().parse().unwrap();
    assert_eq!(url.path(), "/uploads/direct/pic.png");
    assert!(url.query().unwrap().contains("X-Amz-Expires=60"));
    let upload = |body: &'static [u8], content_type: &str| {
        let mut request = http::Request::put(url.path_and_query().unwrap().as_str())
            .header("host", "s3.test")
            .header("content-type", content_type)
            .header("if-none-match", "*");
        request = request.header("content-length", body.len().to_string());
        request.body(Full::new(Bytes::from_static(body))).unwrap()
    };
    // A different type than signed: refused by the bucket itself.
    let refused = send_to(&storage, upload(b"\x89PNG\r\n\x1a\n1234", "image/gif")).await;
    assert_eq!(refused.status(), 403);
    assert!(storage.keys().is_empty());
    let stored = send_to(&storage, upload(b"\x89PNG\r\n\x1a\n1234", "image/png")).await;
    assert_eq!(stored.status(), 200, "{:?}", stored.body());
    assert_eq!(
        storage.object("direct/pic.png").unwrap(),
        b"\x89PNG\r\n\x1a\n1234"
    );

    // The checks an upload gets, before any URL is signed.
    let cases = [
        (
            r#"{"key": "a/../b.png", "content_type": "image/png", "size": 1}"#,
            400,
        ),
        (
            r#"{"key": "b.png", "content_type": "image/png", "size": 1001}"#,
            413,
        ),
        (
            r#"{"key": "b.html", "content_type": "text/html", "size": 10}"#,
            415,
        ),
        (r#"{"key": "b.png"}"#, 400),
    ];
    for (body, status) in cases {
        let ex = host.send(presign_request(body)).await.unwrap();
        assert_eq!(ex.response.status(), status, "{body}");
        assert!(json(&ex)["url"].is_null());
    }
    // Uploading through the component is off in this mode.
    let ex = host.send(put("/x.png", "x")).await.unwrap();
    assert_eq!(ex.response.status(), 404);
    assert_eq!(storage.keys(), ["direct/pic.png"]);
}

#[tokio::test]
async fn concurrent_uploads_are_each_byte_exact() {
    let storage = Storage::start().await;
    let host = std::sync::Arc::new(uploader(&storage, &[]).await);
    let mut tasks = Vec::new();
    for i in 0..12u64 {
        let host = host.clone();
        tasks.push(tokio::spawn(async move {
            let body = data(((i as usize * 1_234_567) % (3 * PART)) + 1, 100 + i);
            let ex = host
                .send(put_streamed(
                    &format!("/many/{i}.bin"),
                    streamed(&body, 128 * 1024, None),
                ))
                .await
                .unwrap();
            (i, body, ex)
        }));
    }
    for task in tasks {
        let (i, body, ex) = task.await.unwrap();
        assert_eq!(
            ex.response.status(),
            201,
            "{:?} {:?}",
            ex.response.body(),
            ex.stats.failure
        );
        assert_eq!(
            sha256(&storage.object(&format!("many/{i}.bin")).unwrap()),
            sha256(&body)
        );
    }
    storage.assert_no_open_uploads();
}

/// The same component, unchanged, under `jco serve` and `wasmtime serve
/// -Scli`, writing to the same S3 server.
#[tokio::test]
async fn runs_unchanged_under_jco_and_wasmtime_serve() {
    let storage = Storage::start().await;
    for (other, name) in [(Other::Wasmtime, "wasmtime"), (Other::Jco, "jco")] {
        let env = [
            ("S3_ENDPOINT", storage.server.endpoint()),
            ("S3_BUCKET", BUCKET.to_owned()),
            ("S3_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
            ("S3_SECRET_ACCESS_KEY", SECRET_KEY.to_owned()),
            ("S3_PATH_STYLE", "true".to_owned()),
            ("UPLOAD_TOKEN", TOKEN.to_owned()),
            ("PART_SIZE", "5242880".to_owned()),
        ];
        let server = Server::start(other, S3_UPLOADER, &env).await;
        let body = data(PART + 1000, 30);
        let request = http::Request::put(format!("/portable/{name}.bin"))
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(body.clone())
            .unwrap();
        let response = server.send(request).await;
        assert_eq!(response.status(), 201, "{name}: {:?}", response.body());
        let answer: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(answer["sha256"], sha256(&body), "{name}");
        assert_stored(&storage, &format!("portable/{name}.bin"), &body);

        let unauthorized = server
            .send(http::Request::put("/x").body(Bytes::from("x")).unwrap())
            .await;
        assert_eq!(unauthorized.status(), 401, "{name}");
    }
    storage.assert_no_open_uploads();
}

// ---- Attacks (issue 21): each under edgekit-host and `wasmtime serve`,
// against the same S3 server, with the exact answer asserted.

/// The uploader's settings for [`TwoHosts`]: the S3 server by its loopback
/// address, and `extra` on top.
fn env_for(storage: &Storage, extra: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut env: Vec<(&'static str, String)> = vec![
        ("S3_ENDPOINT", storage.server.endpoint()),
        ("S3_BUCKET", BUCKET.to_owned()),
        ("S3_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
        ("S3_SECRET_ACCESS_KEY", SECRET_KEY.to_owned()),
        ("S3_PATH_STYLE", "true".to_owned()),
        ("UPLOAD_TOKEN", TOKEN.to_owned()),
        ("PART_SIZE", PART.to_string()),
    ];
    for (key, value) in extra {
        env.retain(|(k, _)| k != key);
        let key: &'static str = Box::leak(key.to_string().into_boxed_str());
        env.push((key, value.to_string()));
    }
    env
}

async fn two_hosts(storage: &Storage, extra: &[(&str, &str)]) -> TwoHosts {
    TwoHosts::start(S3_UPLOADER, &env_for(storage, extra)).await
}

fn upload(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    payload: Payload,
) -> http::Request<Payload> {
    let mut request = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(payload).unwrap()
}

/// The answer is exactly `status` with the JSON error `message`.
fn assert_error(answer: &Answer, status: u16, message: &str) {
    assert_eq!(answer.status, status, "{}: {}", answer.which, answer.text());
    assert_eq!(
        answer.header("content-type"),
        "application/json",
        "{}",
        answer.which
    );
    let body: Value = serde_json::from_slice(&answer.body)
        .unwrap_or_else(|_| panic!("{}: JSON, got {}", answer.which, answer.text()));
    assert_eq!(body["error"], message, "{}", answer.which);
}

/// The `Content-Type` the bucket stores for `key` (s3s-fs keeps an
/// object's attributes beside it, named by the base64url of bucket and key).
fn stored_content_type(storage: &Storage, key: &str) -> Option<String> {
    let file = storage.server.root().join(format!(
        ".bucket-{}.object-{}.metadata.json",
        base64url(BUCKET.as_bytes()),
        base64url(key.as_bytes())
    ));
    let attributes: Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    attributes["content_type"].as_str().map(str::to_owned)
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=group.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[tokio::test]
async fn a_content_type_list_or_an_unchecked_image_type_is_415_and_stores_nothing() {
    let storage = Storage::start().await;
    let hosts = two_hosts(&storage, &[("ALLOWED_CONTENT_TYPES", "image/*")]).await;
    let html = Bytes::from_static(b"<html><script>alert(document.domain)</script>");
    let invalid = "the content type must be exactly one valid type/subtype";
    for (content_type, message) in [
        // The Fetch standard takes the last valid type of a list: HTML.
        ("image/x, text/html", invalid),
        ("image/png,text/html", invalid),
        ("image/png; a=\"b\", text/html", invalid),
        ("image/png text/html", invalid),
        (
            "image/x",
            "the file's content cannot be checked as image/x: list the type exactly to accept it",
        ),
        (
            "image/png",
            "the file's content does not look like image/png",
        ),
    ] {
        for answer in hosts
            .send(|which| {
                upload(
                    "PUT",
                    &format!("/xss-{}.html", which as u8),
                    &[("content-type", content_type)],
                    Payload::Whole(html.clone()),
                )
            })
            .await
        {
            assert_error(&answer, 415, message);
        }
    }
    // The same through a form's file part.
    let boundary = "----edgekitBoundary7MA4YWxk";
    let body = form(
        boundary,
        &[(
            "file",
            Some("x.html"),
            Some("image/x, text/html"),
            &html[..],
        )],
    );
    let content_type = format!("multipart/form-data; boundary={boundary}");
    for answer in hosts
        .send(|_| {
            upload(
                "POST",
                "/",
                &[("content-type", &content_type)],
                Payload::Whole(body.clone()),
            )
        })
        .await
    {
        assert_error(&answer, 415, invalid);
    }
    storage.assert_untouched();

    // A valid type is stored as its essence alone: one type, no parameters.
    let png = Bytes::from([PNG_HEAD, &[0u8; 100][..]].concat());
    for answer in hosts
        .send(|which| {
            upload(
                "PUT",
                &format!("/ok-{}.png", which as u8),
                &[("content-type", "Image/PNG ; name=\"x,text/html\"")],
                Payload::Whole(png.clone()),
            )
        })
        .await
    {
        assert_eq!(answer.status, 201, "{}: {}", answer.which, answer.text());
    }
    for key in ["ok-0.png", "ok-1.png"] {
        assert_eq!(
            stored_content_type(&storage, key).as_deref(),
            Some("image/png")
        );
    }
}

#[tokio::test]
async fn without_a_list_an_invalid_content_type_is_still_415() {
    let storage = Storage::start().await;
    let hosts = two_hosts(&storage, &[]).await;
    for answer in hosts
        .send(|_| {
            upload(
                "PUT",
                "/list.txt",
                &[("content-type", "text/plain, text/html")],
                Payload::Whole(Bytes::from_static(b"<script>")),
            )
        })
        .await
    {
        assert_error(
            &answer,
            415,
            "the content type must be exactly one valid type/subtype",
        );
    }
    storage.assert_untouched();
}

#[tokio::test]
async fn presign_signs_only_one_checked_type() {
    let storage = Storage::start().await;
    let hosts = two_hosts(
        &storage,
        &[("MODE", "presign"), ("ALLOWED_CONTENT_TYPES", "image/*")],
    )
    .await;
    let ask = |content_type: &str| {
        let body = serde_json::json!({"key": "a.png", "content_type": content_type, "size": 10});
        Payload::Whole(Bytes::from(body.to_string()))
    };
    for content_type in ["image/x, text/html", "image/png\ttext/html", ""] {
        for answer in hosts
            .send(|_| upload("POST", "/presign", &[], ask(content_type)))
            .await
        {
            assert_error(
                &answer,
                415,
                "the content type must be exactly one valid type/subtype",
            );
        }
    }
    for answer in hosts
        .send(|_| upload("POST", "/presign", &[], ask("text/html")))
        .await
    {
        assert_error(&answer, 415, "content type \"text/html\" is not allowed");
    }
    for answer in hosts
        .send(|_| upload("POST", "/presign", &[], ask("IMAGE/PNG; q=1")))
        .await
    {
        assert_eq!(answer.status, 200, "{}: {}", answer.which, answer.text());
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(
            body["headers"]["content-type"], "image/png",
            "{}",
            answer.which
        );
    }
    // A body that is not the expected JSON gets a fixed message, never
    // the parser's words.
    for answer in hosts
        .send(|_| {
            upload(
                "POST",
                "/presign",
                &[],
                Payload::Whole(Bytes::from("{\"key\": 1")),
            )
        })
        .await
    {
        assert_error(
            &answer,
            400,
            "the body must be JSON: {\"key\", \"content_type\", \"size\"}",
        );
    }
}

#[tokio::test]
async fn tiny_chunks_cannot_exhaust_memory() {
    let storage = Storage::start().await;
    // A million calls for 4 bytes each take more CPU than the default
    // 50 ms deadline allows (the platform's own defence); memory is what
    // is checked here.
    let hosts = TwoHosts::start_with(S3_UPLOADER, &env_for(&storage, &[]), |builder| {
        builder.deadline(Duration::from_secs(60))
    })
    .await;
    let started = std::time::Instant::now();
    // More than a part in 4-byte chunks: every byte is held until its part
    // is complete, one part plus read-ahead at most.
    let body = data(PART + 512 * 1024, 77);
    let chunks: Vec<Bytes> = (0..body.len())
        .step_by(4)
        .map(|at| body.slice(at..(at + 4).min(body.len())))
        .collect();
    let answers = hosts
        .send(|which| {
            upload(
                "PUT",
                &format!("/tiny-{}.bin", which as u8),
                &[],
                Payload::Chunks(chunks.clone()),
            )
        })
        .await;
    for answer in &answers {
        assert_eq!(answer.status, 201, "{}: {}", answer.which, answer.text());
    }
    eprintln!("both uploads took {:?}", started.elapsed());
    assert_stored(&storage, "tiny-0.bin", &body);
    assert_stored(&storage, "tiny-1.bin", &body);
    let ours = answers[0].exchange.as_ref().unwrap();
    assert!(
        ours.stats.peak_memory < PART + 4 * MIB,
        "peak memory {} for a {} byte part",
        ours.stats.peak_memory,
        PART
    );
    storage.assert_no_open_uploads();
}

#[tokio::test]
async fn quoted_semicolons_in_a_file_name_do_not_split_it() {
    let storage = Storage::start().await;
    let hosts = two_hosts(&storage, &[]).await;
    let boundary = "----edgekitBoundary7MA4YWxk";
    let content_type = format!("multipart/form-data; boundary={boundary}");
    for name in ["q;1.txt", "q;2.txt"] {
        for answer in hosts
            .send(|which| {
                let filename = format!("{}-{name}", which as u8);
                let body = form(
                    boundary,
                    &[("file", Some(&filename), Some("text/plain"), b"text")],
                );
                upload(
                    "POST",
                    "/",
                    &[("content-type", &content_type)],
                    Payload::Whole(body),
                )
            })
            .await
        {
            assert_eq!(answer.status, 201, "{}: {}", answer.which, answer.text());
            let body: Value = serde_json::from_slice(&answer.body).unwrap();
            assert_eq!(body["key"], format!("{}-{name}", answer.which as u8));
        }
    }
    let mut keys = storage.keys();
    keys.sort();
    assert_eq!(keys, ["0-q;1.txt", "0-q;2.txt", "1-q;1.txt", "1-q;2.txt"]);
}

#[tokio::test]
async fn a_part_header_that_cannot_be_signed_is_400_and_sends_nothing() {
    let storage = Storage::start().await;
    let hosts = two_hosts(&storage, &[]).await;
    let boundary = "----edgekitBoundary7MA4YWxk";
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let cases: [(&[u8], &str); 3] = [
        (
            b"Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/pl\x01ain",
            "a form part header holds a control character",
        ),
        (
            b"Content-Disposition: form-data; name=\"file\"; filename=\"a\x7f.txt\"",
            "a form part header holds a control character",
        ),
        (
            b"Content-Disposition: form-data; name=\"file\"; filename=\"a.txt",
            "a form part has a malformed Content-Disposition",
        ),
    ];
    for (head, message) in cases {
        let body = [
            format!("--{boundary}\r\n").as_bytes(),
            head,
            b"\r\n\r\nbytes\r\n",
            format!("--{boundary}--\r\n").as_bytes(),
        ]
        .concat();
        for answer in hosts
            .send(|_| {
                upload(
                    "POST",
                    "/",
                    &[("content-type", &content_type)],
                    Payload::Whole(Bytes::from(body.clone())),
                )
            })
            .await
        {
            assert_error(&answer, 400, message);
            if let Some(ex) = &answer.exchange {
                assert!(
                    ex.stats.outgoing.is_empty(),
                    "nothing is sent to the storage"
                );
            }
        }
    }
    storage.assert_untouched();
}

#[tokio::test]
async fn a_cut_body_a_bad_header_and_a_failed_storage_answer_fixed_messages() {
    let storage = Storage::start().await;
    let hosts = two_hosts(&storage, &[]).await;
    let body = data(300_000, 5);
    let cut = Payload::Cut {
        sent: body.slice(..100_000),
        declared: body.len(),
    };
    for answer in hosts
        .send(|_| upload("PUT", "/cut.bin", &[], cut.clone()))
        .await
    {
        assert_error(&answer, 400, "the upload could not be read to its end");
    }
    storage.assert_untouched();

    for answer in hosts
        .send(|_| {
            upload(
                "PUT",
                "/bad.bin",
                &[("content-type", "a/b/c")],
                Payload::Whole(body.clone()),
            )
        })
        .await
    {
        assert_error(
            &answer,
            415,
            "the content type must be exactly one valid type/subtype",
        );
    }

    // The storage is gone: a closed loopback port.
    let down = TwoHosts::start(
        S3_UPLOADER,
        &env_for(&storage, &[("S3_ENDPOINT", &closed_port_url())]),
    )
    .await;
    for answer in down
        .send(|_| {
            upload(
                "PUT",
                "/down.bin",
                &[],
                Payload::Whole(Bytes::from("small")),
            )
        })
        .await
    {
        assert_storage_unreachable(&answer);
    }
    storage.assert_untouched();
}

/// An `http://` endpoint on a loopback port nothing listens on.
fn assert_storage_unreachable(answer: &Answer) {
    assert_eq!(answer.status, 502, "{}: {}", answer.which, answer.text());
    let error: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        error["error"], "the storage is unreachable",
        "{}",
        answer.which
    );
    assert_eq!(
        error.as_object().unwrap().len(),
        2,
        "error and request_id only"
    );
}

/// The storage fails while the client's body is still streaming in: under
/// `wasmtime serve` the guest used to trap with "resource has children"
/// (the SDK dropped the request body while a read on it was pending); the
/// answer must be the same fixed `502` under both hosts.
#[tokio::test]
async fn a_storage_that_fails_while_the_body_streams_in_answers_502() {
    let storage = Storage::start().await;
    let down = TwoHosts::start(
        S3_UPLOADER,
        &env_for(&storage, &[("S3_ENDPOINT", &closed_port_url())]),
    )
    .await;
    let body = data(300_000, 6);
    for answer in down
        .send(|_| upload("PUT", "/down.bin", &[], Payload::Whole(body.clone())))
        .await
    {
        assert_storage_unreachable(&answer);
    }
    storage.assert_untouched();
}
