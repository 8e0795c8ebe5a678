//! The SDK's wasi:http body rules and error policy, each exercised through
//! a real component (`tests/components/sdk-probe`, `sync-fetch`) so that a
//! regression in any of them fails here.

use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host};
use edgekit_tests::backend::sha256;
use edgekit_tests::{Backend, Received, SDK_PROBE, SYNC_FETCH};

fn pattern(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i % 251) as u8).collect()
}

/// A broken body rule tends to deadlock rather than fail: give every
/// request a generous bound so such a regression fails instead of hanging.
async fn bounded<F: std::future::Future>(request: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), request)
        .await
        .expect("the request did not finish within 60 s (a deadlock?)")
}

async fn get(host: &Host, uri: &str) -> Exchange {
    bounded(host.send(http::Request::get(uri).body(String::new()).unwrap()))
        .await
        .unwrap()
}

fn text(ex: &Exchange) -> &str {
    std::str::from_utf8(ex.response.body()).expect("utf-8 body")
}

/// A backend that answers with the length and SHA-256 of what it received.
async fn digest_backend() -> Backend {
    Backend::start(|r: Received| async move {
        http::Response::new(Bytes::from(format!("{} {}", r.body_len, r.body_sha256)))
    })
    .await
}

async fn probe_with(backend: &Backend) -> Host {
    Host::builder(SDK_PROBE)
        .env("BACKEND", "http://backend.test/upload")
        .route("backend.test", backend.addr)
        .build()
        .await
        .unwrap()
}

/// Rule 1: a 5 MB buffered response goes out in `check-write`-sized pieces.
#[tokio::test]
async fn a_5_mb_buffered_response_arrives_whole() {
    let host = Host::builder(SDK_PROBE).build().await.unwrap();
    let ex = get(&host, "/big?size=5000000").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(ex.response.headers()["content-length"], "5000000");
    assert!(ex.response.body().as_ref() == pattern(5_000_000).as_slice());
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
}

/// Rules 1 and 5: a streamed body of unknown length has no Content-Length.
#[tokio::test]
async fn a_streamed_response_has_no_content_length_and_arrives_whole() {
    let host = Host::builder(SDK_PROBE).build().await.unwrap();
    let ex = get(&host, "/stream?size=3000001").await;
    assert_eq!(ex.response.status(), 200);
    assert!(!ex.response.headers().contains_key("content-length"));
    assert!(ex.response.body().as_ref() == pattern(3_000_001).as_slice());
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
}

/// Rule 5: a wrong Content-Length on a buffered body is corrected.
#[tokio::test]
async fn a_wrong_content_length_is_replaced_by_the_exact_one() {
    let host = Host::builder(SDK_PROBE).build().await.unwrap();
    let ex = get(&host, "/wrong-length").await;
    assert_eq!(ex.response.headers()["content-length"], "12");
    assert_eq!(text(&ex), "twelve bytes");
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
}

/// Rules 2 and 3: a 5 MB POST is written after `handle`, while the response
/// is awaited, and its stream is dropped before `finish`.
#[tokio::test]
async fn an_outgoing_5_mb_post_arrives_byte_exact() {
    let backend = digest_backend().await;
    let host = probe_with(&backend).await;
    for stream in [0, 1] {
        let ex = get(&host, &format!("/post?size=5000000&stream={stream}")).await;
        assert_eq!(ex.response.status(), 200, "{}", text(&ex));
        assert_eq!(
            text(&ex),
            format!("5000000 {}", sha256(&pattern(5_000_000)))
        );
        assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
    }
    let received = backend.received();
    assert_eq!(received.len(), 2);
    // Buffered: exact length. Streamed: no length promised.
    assert_eq!(received[0].headers["content-length"], "5000000");
    assert!(!received[1].headers.contains_key("content-length"));
    assert_eq!(received[0].method, http::Method::POST);
    assert_eq!(received[0].uri, "/upload");
}

/// Rule 4: `Host` is forbidden in wasi:http; the SDK leaves it out and the
/// authority of the URL decides it.
#[tokio::test]
async fn a_hand_set_host_header_does_not_break_the_request() {
    let backend = Backend::text("fine").await;
    let host = probe_with(&backend).await;
    let ex = get(&host, "/host-header").await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(text(&ex), "fine");
    let received = backend.received();
    assert_eq!(received.len(), 1);
    assert_ne!(received[0].headers["host"], "forged.example");
}

/// `fetch_blocking` from a plain `fn` handler, with a 5 MB body.
#[tokio::test]
async fn a_sync_handler_fetches_with_a_5_mb_body() {
    let backend = digest_backend().await;
    let host = Host::builder(SYNC_FETCH)
        .env("BACKEND", "http://backend.test/")
        .route("backend.test", backend.addr)
        .build()
        .await
        .unwrap();
    let body = pattern(5_000_000);
    let request = http::Request::post("/")
        .body(http_body_util::Full::new(Bytes::from(body.clone())))
        .unwrap();
    let ex = bounded(host.send(request)).await.unwrap();
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(text(&ex), format!("5000000 {}", sha256(&body)));
}

/// Rule 6 and the error policy: an internal error answers 500 with only a
/// request id; the cause is on stderr under the same id.
#[tokio::test]
async fn an_internal_error_hides_its_cause_and_logs_it_with_an_id() {
    let host = Host::builder(SDK_PROBE).build().await.unwrap();
    let ex = get(&host, "/fail").await;
    assert_eq!(ex.response.status(), 500);
    let body = text(&ex);
    assert!(body.starts_with("internal error (request id: "), "{body}");
    assert!(!body.contains("secret-cause"), "{body}");
    let id = ex.response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 16);
    assert!(body.contains(id));
    assert!(ex.stats.stderr.contains(id), "{}", ex.stats.stderr);
    assert!(
        ex.stats.stderr.contains("secret-cause-7f3a"),
        "{}",
        ex.stats.stderr
    );
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
}

#[tokio::test]
async fn a_fetch_to_a_closed_port_is_a_502_without_details() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let host = Host::builder(SDK_PROBE)
        .env("BACKEND", "http://backend.test/")
        .route("backend.test", closed)
        .build()
        .await
        .unwrap();
    let ex = get(&host, "/post?size=10").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        text(&ex).starts_with("bad gateway (request id: "),
        "{}",
        text(&ex)
    );
    assert!(!text(&ex).contains("127.0.0.1"));
    assert!(
        ex.stats.stderr.contains("connection refused"),
        "{}",
        ex.stats.stderr
    );
}

/// The first-byte timeout is the host's to enforce: the SDK must pass it.
#[tokio::test]
async fn a_first_byte_timeout_gives_a_504() {
    let backend = Backend::start(|_| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        http::Response::new(Bytes::from_static(b"late"))
    })
    .await;
    let host = probe_with(&backend).await;
    let started = std::time::Instant::now();
    let ex = get(&host, "/first-byte?ms=300").await;
    assert_eq!(ex.response.status(), 504, "{}", text(&ex));
    assert!(text(&ex).starts_with("gateway timeout"), "{}", text(&ex));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let ex = get(&host, "/first-byte?ms=10000").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(text(&ex), "late");
}

#[tokio::test]
async fn typed_queries_and_text_bodies_give_4xx_on_bad_input() {
    let host = Host::builder(SDK_PROBE).build().await.unwrap();
    assert_eq!(text(&get(&host, "/count?n=7").await), "n=7");
    for bad in [
        "/count?n=abc",
        "/count?n=-1",
        "/count",
        "/count?n=99999999999",
    ] {
        let ex = get(&host, bad).await;
        assert_eq!(ex.response.status(), 400, "{bad}");
        assert!(
            text(&ex).starts_with("invalid query string"),
            "{}",
            text(&ex)
        );
    }

    // The default cap of 1 MiB, and invalid UTF-8.
    let send = |body: Vec<u8>| {
        let request = http::Request::post("/text")
            .body(http_body_util::Full::new(Bytes::from(body)))
            .unwrap();
        host.send(request)
    };
    assert_eq!(
        send(vec![b'a'; 1 << 20]).await.unwrap().response.status(),
        200
    );
    let ex = send(vec![b'a'; (1 << 20) + 1]).await.unwrap();
    assert_eq!(ex.response.status(), 413);
    let ex = send(vec![0xff, 0xfe]).await.unwrap();
    assert_eq!(ex.response.status(), 400);
    assert_eq!(text(&ex), "body is not valid UTF-8\n");
}

/// A `HEAD` answer's `Content-Length` is the size of the body a `GET`
/// would get, not of its own: reading it whole, under the default 1 MiB
/// cap, finds nothing and refuses nothing.
#[tokio::test]
async fn a_head_answer_with_a_large_content_length_reads_as_empty() {
    let backend =
        Backend::start(|_| async { http::Response::new(Bytes::from(vec![b'x'; 5_000_000])) }).await;
    let host = probe_with(&backend).await;
    let ex = get(&host, "/head").await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(text(&ex), "content-length 5000000, 0 bytes read");
}

/// A body that breaks off mid-read is a `400` that says only that: the
/// host's reason (a reset, a hyper error) never reaches the client.
#[tokio::test]
async fn a_body_that_breaks_off_answers_a_fixed_400() {
    use edgekit_tests::faulty::PartialBody;
    let host = Host::builder(SDK_PROBE).build().await.unwrap();
    let (body, hold) = PartialBody::new(Bytes::from_static(b"partial"), Some(1000));
    let request = http::Request::post("/text")
        .header("content-length", "1000")
        .body(body)
        .unwrap();
    let leave = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(hold);
    });
    let ex = bounded(host.send(request)).await.unwrap();
    leave.await.unwrap();
    assert_eq!(ex.response.status(), 400);
    assert!(
        text(&ex).starts_with("the body could not be read"),
        "{}",
        text(&ex)
    );
    assert!(!text(&ex).contains("client left"), "{}", text(&ex));
}
