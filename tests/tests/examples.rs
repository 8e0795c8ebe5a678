//! The examples, built for wasm32-wasip2 and driven through `edgekit-host`.

use std::time::{Duration, Instant};

use bytes::Bytes;
use edgekit_host::{Exchange, Host};
use edgekit_tests::{Backend, ECHO, FETCH, HELLO, JSON};
use http_body_util::{BodyExt, StreamBody};
use serde_json::{Value, json};

async fn host(path: &str) -> Host {
    Host::builder(path).build().await.expect("component loads")
}

async fn get(host: &Host, uri: &str) -> Exchange {
    host.send(http::Request::get(uri).body(String::new()).unwrap())
        .await
        .unwrap()
}

async fn post(host: &Host, uri: &str, content_type: &str, body: impl Into<Bytes>) -> Exchange {
    let request = http::Request::post(uri)
        .header("content-type", content_type)
        .body(http_body_util::Full::new(body.into()))
        .unwrap();
    host.send(request).await.unwrap()
}

fn text(ex: &Exchange) -> &str {
    std::str::from_utf8(ex.response.body()).expect("utf-8 body")
}

fn header<'a>(ex: &'a Exchange, name: &str) -> &'a str {
    ex.response
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

fn json_body(ex: &Exchange) -> Value {
    serde_json::from_slice(ex.response.body()).expect("JSON body")
}

#[tokio::test]
async fn hello_greets_the_world_and_by_name() {
    let host = host(HELLO).await;

    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(text(&ex), "Hello, world!");
    assert_eq!(header(&ex, "content-length"), "13");

    let ex = get(&host, "/?name=Ada").await;
    assert_eq!(text(&ex), "Hello, Ada!");

    let ex = get(&host, "/?name=Ada%20Lovelace").await;
    assert_eq!(text(&ex), "Hello, Ada Lovelace!");
    assert!(ex.stats.failure.is_none());
    assert!(ex.stats.peak_memory > 0);
}

#[tokio::test]
async fn hello_rejects_a_query_that_does_not_fit() {
    let host = host(HELLO).await;
    let ex = get(&host, "/?name=a&name=b").await;
    assert_eq!(ex.response.status(), 400);
    assert!(
        text(&ex).starts_with("invalid query string"),
        "{}",
        text(&ex)
    );
    assert!(ex.stats.failure.is_none());
}

#[tokio::test]
async fn echo_returns_the_body_and_content_type() {
    let host = host(ECHO).await;
    let ex = post(
        &host,
        "/",
        "application/x-edgekit-test",
        "some bytes \0\u{1} here",
    )
    .await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "application/x-edgekit-test");
    assert_eq!(ex.response.body().as_ref(), b"some bytes \0\x01 here");

    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 405);
    assert_eq!(header(&ex, "allow"), "POST");
}

#[tokio::test]
async fn echo_streams_a_5_mb_body_byte_exact() {
    let host = host(ECHO).await;
    let body: Vec<u8> = (0..5_000_000u32).map(|i| (i % 253) as u8).collect();
    let ex = post(&host, "/", "application/octet-stream", body.clone()).await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(ex.response.body().len(), body.len());
    assert!(ex.response.body().as_ref() == body.as_slice());
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
}

/// 1 GiB in, 1 GiB out, with neither side buffered: the guest's linear
/// memory stays under 4 MiB because the SDK copies the request body into
/// the response a chunk at a time.
#[tokio::test]
async fn echo_streams_1_gib_in_constant_guest_memory() {
    const CHUNK: usize = 1 << 20;
    const CHUNKS: usize = 1024;
    let host = host(ECHO).await;
    let chunk = Bytes::from((0..CHUNK).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    let frames = futures_stream(chunk.clone(), CHUNKS);
    let request = http::Request::post("/")
        .header("content-type", "application/octet-stream")
        .header("content-length", (CHUNK * CHUNKS).to_string())
        .body(StreamBody::new(frames))
        .unwrap();
    let ex = host.send_streaming(request).await.unwrap();
    assert_eq!(ex.response.status(), 200);

    // Compare every byte as it arrives, against the repeating pattern.
    let mut body = ex.response.into_body();
    let mut offset = 0usize;
    while let Some(frame) = body.frame().await {
        let data = frame.expect("body frame").into_data().unwrap_or_default();
        for (i, byte) in data.iter().enumerate() {
            let expected = chunk[(offset + i) % CHUNK];
            assert_eq!(*byte, expected, "byte {} differs", offset + i);
        }
        offset += data.len();
    }
    assert_eq!(offset, CHUNK * CHUNKS);
    let stats = ex.stats.await;
    assert!(stats.failure.is_none(), "{:?}", stats.failure);
    assert!(
        stats.peak_memory < 4 << 20,
        "peak linear memory {} bytes",
        stats.peak_memory
    );
}

fn futures_stream(
    chunk: Bytes,
    count: usize,
) -> impl futures_lite::Stream<Item = Result<http_body::Frame<Bytes>, std::io::Error>> {
    futures_lite::stream::iter((0..count).map(move |_| Ok(http_body::Frame::data(chunk.clone()))))
}

#[tokio::test]
async fn json_echoes_an_object() {
    let host = host(JSON).await;
    let ex = post(
        &host,
        "/",
        "application/json",
        r#"{"name":"Ada","n":[1,2]}"#,
    )
    .await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "application/json");
    assert_eq!(
        json_body(&ex),
        json!({"name": "Ada", "n": [1, 2], "echoed": true})
    );
}

#[tokio::test]
async fn json_rejects_malformed_input_with_a_json_400() {
    let host = host(JSON).await;
    for bad in [r#"{"name": "#, "not json", "[1, 2]", "", "\u{ff}\u{fe}"] {
        let ex = post(&host, "/", "application/json", bad).await;
        assert_eq!(ex.response.status(), 400, "for {bad:?}");
        assert_eq!(header(&ex, "content-type"), "application/json");
        let error = json_body(&ex)["error"].as_str().unwrap().to_owned();
        assert!(error.starts_with("invalid JSON"), "{error}");
        assert!(ex.stats.failure.is_none());
    }
}

#[tokio::test]
async fn json_caps_the_body_at_64_kib() {
    let host = host(JSON).await;
    // Exactly 64 KiB of valid JSON passes.
    let exact = format!(r#"{{"pad":"{}"}}"#, "x".repeat(64 * 1024 - 10));
    assert_eq!(exact.len(), 64 * 1024);
    let ex = post(&host, "/", "application/json", exact).await;
    assert_eq!(ex.response.status(), 200);

    // One byte more is refused, with a known length...
    let over = format!(r#"{{"pad":"{}"}}"#, "x".repeat(64 * 1024 - 9));
    let ex = post(&host, "/", "application/json", over.clone()).await;
    assert_eq!(ex.response.status(), 413);
    assert_eq!(header(&ex, "content-type"), "application/json");
    assert!(json_body(&ex)["error"].as_str().unwrap().contains("65536"));

    // ...and without one (chunked), once the cap is crossed.
    let frames = futures_stream(Bytes::from(over), 1);
    let request = http::Request::post("/")
        .header("content-type", "application/json")
        .body(StreamBody::new(frames))
        .unwrap();
    let ex = host.send(request).await.unwrap();
    assert_eq!(ex.response.status(), 413);
}

async fn slow_backend(delay: Duration, body: &'static str) -> Backend {
    Backend::start(move |_| async move {
        tokio::time::sleep(delay).await;
        http::Response::new(Bytes::from_static(body.as_bytes()))
    })
    .await
}

#[tokio::test]
async fn fetch_calls_two_backends_concurrently() {
    let a = slow_backend(Duration::from_millis(500), "alpha").await;
    let b = slow_backend(Duration::from_millis(500), "bravo!!").await;
    let host = Host::builder(FETCH)
        .env("BACKEND_A", "http://a.test/one")
        .env("BACKEND_B", "http://b.test/two?x=1")
        .route("a.test", a.addr)
        .route("b.test", b.addr)
        .deny_unlisted_hosts()
        .build()
        .await
        .unwrap();

    let started = Instant::now();
    let ex = get(&host, "/").await;
    let elapsed = started.elapsed();
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(
        json_body(&ex),
        json!({"a": {"status": 200, "bytes": 5}, "b": {"status": 200, "bytes": 7}})
    );
    // Two 500 ms backends one after the other would take over a second.
    assert!(elapsed < Duration::from_millis(800), "took {elapsed:?}");
    assert_eq!(a.received()[0].uri, "/one");
    assert_eq!(b.received()[0].uri, "/two?x=1");
    assert_eq!(ex.stats.outgoing.len(), 2);
}

#[tokio::test]
async fn fetch_names_the_unreachable_backend() {
    let a = Backend::text("alpha").await;
    // A port that was just free: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let host = Host::builder(FETCH)
        .env("BACKEND_A", "http://a.test/")
        .env("BACKEND_B", "http://b.test/")
        .route("a.test", a.addr)
        .route("b.test", closed)
        .build()
        .await
        .unwrap();

    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 502);
    assert_eq!(header(&ex, "content-type"), "application/json");
    let body = json_body(&ex);
    assert_eq!(body["backends"], json!(["b"]));
    assert_eq!(body["error"], "backend b unreachable");
}
