//! The host's limits, outgoing-request policy and stats, driven through the
//! `misbehave` test component: every misbehaviour costs one request, never
//! the host.

use bytes::Bytes;
use edgekit_host::{Exchange, FailureKind, Host, HostBuilder, Outcome};
use edgekit_tests::{Backend, MISBEHAVE};
use http_body_util::BodyExt;
use std::time::Duration;

async fn get(host: &Host, path: &str) -> Exchange {
    let request = http::Request::get(path).body(String::new()).unwrap();
    host.send(request).await.unwrap()
}

fn text(ex: &Exchange) -> &str {
    std::str::from_utf8(ex.response.body()).unwrap()
}

/// The same host still answers after whatever the previous request did.
async fn assert_still_serves(host: &Host) {
    let ex = get(host, "/").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(text(&ex), "ok");
    assert_eq!(ex.stats.failure, None);
}

async fn build(builder: HostBuilder) -> Host {
    builder.build().await.unwrap()
}

/// A loopback server that answers "backend" after `delay`.
async fn backend(delay: Duration) -> Backend {
    Backend::start(move |_| async move {
        tokio::time::sleep(delay).await;
        http::Response::new(Bytes::from_static(b"backend"))
    })
    .await
}

#[tokio::test]
async fn a_plain_request_reports_its_stats() {
    let host = build(Host::builder(MISBEHAVE)).await;
    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(text(&ex), "ok");
    assert_eq!(ex.stats.failure, None);
    assert!(ex.stats.peak_memory > 0);
    assert!(ex.stats.instantiate > Duration::ZERO);
    assert!(ex.stats.handler > Duration::ZERO);
    assert!(ex.stats.outgoing.is_empty());
}

#[tokio::test]
async fn the_streaming_api_gives_the_same_answer() {
    let host = build(Host::builder(MISBEHAVE)).await;
    let request = http::Request::get("http://localhost/")
        .body(String::new())
        .unwrap();
    let ex = host.send_streaming(request).await.unwrap();
    assert_eq!(ex.response.status(), 200);
    let body = ex.response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "ok");
    let stats = ex.stats.await;
    assert_eq!(stats.failure, None);
    assert!(stats.peak_memory > 0);
}

#[tokio::test]
async fn a_memory_hog_gets_a_500_and_the_host_keeps_serving() {
    let host = build(Host::builder(MISBEHAVE).max_memory(32 << 20)).await;
    let ex = get(&host, "/alloc").await;
    assert_eq!(ex.response.status(), 500);
    assert_eq!(text(&ex), "memory limit exceeded\n");
    let failure = ex.stats.failure.as_ref().unwrap();
    assert_eq!(failure.kind, FailureKind::MemoryLimit, "{failure}");
    assert!(ex.stats.peak_memory > 16 << 20, "{}", ex.stats.peak_memory);
    assert!(ex.stats.peak_memory <= 32 << 20, "{}", ex.stats.peak_memory);
    assert_still_serves(&host).await;
}

#[tokio::test]
async fn a_spinning_guest_is_stopped_at_the_deadline() {
    let host = build(Host::builder(MISBEHAVE).deadline(Duration::from_millis(100))).await;
    let ex = tokio::time::timeout(Duration::from_secs(30), get(&host, "/spin"))
        .await
        .expect("the deadline should stop the guest");
    assert_eq!(ex.response.status(), 500);
    assert_eq!(text(&ex), "execution deadline exceeded\n");
    let failure = ex.stats.failure.as_ref().unwrap();
    assert_eq!(failure.kind, FailureKind::Deadline, "{failure}");
    assert!(ex.stats.wasm_time >= Duration::from_millis(100));
    assert_still_serves(&host).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_spinning_guest_does_not_starve_other_requests() {
    let host = build(Host::builder(MISBEHAVE).deadline(Duration::from_secs(2))).await;
    let spinner = tokio::spawn({
        let host = host.clone();
        async move { get(&host, "/spin").await }
    });
    // With one worker thread the spinner only lets go by yielding at epoch ticks.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_still_serves(&host).await;
    assert!(!spinner.is_finished());
    let ex = spinner.await.unwrap();
    assert_eq!(ex.stats.failure.unwrap().kind, FailureKind::Deadline);
}

// Two workers: the probe must not wait behind the spinner's thread,
// whatever the machine's load.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_beyond_the_concurrency_limit_get_a_503() {
    let host = build(
        Host::builder(MISBEHAVE)
            .max_concurrency(1)
            .deadline(Duration::from_secs(1)),
    )
    .await;
    // The spinner must hold the only instance slot when the probe arrives.
    // If the probe came first (a loaded machine can delay the spinner), the
    // round proves nothing and is tried again.
    let mut rounds = 0;
    let (refused, spun) = loop {
        rounds += 1;
        assert!(rounds <= 10, "the spinner never held the slot first");
        let spinner = tokio::spawn({
            let host = host.clone();
            async move { get(&host, "/spin").await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let probe = get(&host, "/").await;
        let spun = spinner.await.unwrap();
        if probe.response.status() == 200 {
            continue;
        }
        break (probe, spun);
    };
    assert_eq!(refused.response.status(), 503);
    assert_eq!(text(&refused), "too many concurrent requests\n");
    assert_eq!(refused.stats.failure.unwrap().kind, FailureKind::Overloaded);
    assert_eq!(spun.stats.failure.unwrap().kind, FailureKind::Deadline);
    assert_still_serves(&host).await;
}

#[tokio::test]
async fn a_trap_gets_a_500_with_the_panic_in_stderr() {
    let host = build(Host::builder(MISBEHAVE)).await;
    let ex = get(&host, "/trap").await;
    assert_eq!(ex.response.status(), 500);
    assert_eq!(text(&ex), "guest trapped\n");
    let failure = ex.stats.failure.as_ref().unwrap();
    assert_eq!(failure.kind, FailureKind::Trap, "{failure}");
    assert!(
        ex.stats.stderr.contains("/trap asked for a trap"),
        "{}",
        ex.stats.stderr
    );
    assert_still_serves(&host).await;
}

#[tokio::test]
async fn the_33rd_outgoing_request_is_refused() {
    let backend = backend(Duration::ZERO).await;
    let host = build(Host::builder(MISBEHAVE).route("api.test", backend.addr)).await;
    let ex = get(&host, "/fetch?n=100&url=http://api.test/").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(
        text(&ex),
        "32 of 100 succeeded; first error: Some(ErrorCode::HttpRequestDenied)"
    );
    assert_eq!(backend.received().len(), 32);
    let outcomes: Vec<Outcome> = ex.stats.outgoing.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes.len(), 100);
    assert!(
        outcomes[..32]
            .iter()
            .all(|o| *o == Outcome::Routed(backend.addr))
    );
    assert!(outcomes[32..].iter().all(|o| *o == Outcome::LimitExceeded));
    assert_still_serves(&host).await;
}

#[tokio::test]
async fn routed_requests_keep_their_host_and_are_recorded() {
    let backend = backend(Duration::ZERO).await;
    let host = build(Host::builder(MISBEHAVE).route("api.test", backend.addr)).await;
    let ex = get(&host, "/fetch?n=1&url=http://api.test/items?page=2").await;
    assert_eq!(text(&ex), "1 of 1 succeeded; first error: None");
    let hosts: Vec<_> = backend
        .received()
        .iter()
        .map(|r| r.headers["host"].clone())
        .collect();
    assert_eq!(hosts, ["api.test"]);
    let record = &ex.stats.outgoing[0];
    assert_eq!(record.method, http::Method::GET);
    assert_eq!(record.uri, "http://api.test/items?page=2");
    assert_eq!(record.headers[http::header::HOST], "api.test");
    assert_eq!(record.outcome, Outcome::Routed(backend.addr));
}

#[tokio::test]
async fn waiting_on_a_slow_backend_does_not_count_against_the_deadline() {
    let backend = backend(Duration::from_millis(500)).await;
    let host = build(
        Host::builder(MISBEHAVE)
            .route("api.test", backend.addr)
            .deadline(Duration::from_millis(50)),
    )
    .await;
    let ex = get(&host, "/fetch?n=1&url=http://api.test/").await;
    assert_eq!(ex.stats.failure, None);
    assert_eq!(text(&ex), "1 of 1 succeeded; first error: None");
    assert!(ex.stats.handler >= Duration::from_millis(500));
    assert!(ex.stats.wasm_time < Duration::from_millis(50));
}

#[tokio::test]
async fn mocks_and_denials_never_leave_the_process() {
    let host = build(
        Host::builder(MISBEHAVE)
            .mock("cdn.test", |req: &http::request::Parts| {
                assert_eq!(req.uri.path(), "/logo.png");
                http::Response::new(Bytes::from("canned"))
            })
            .deny("evil.test")
            .deny_unlisted_hosts(),
    )
    .await;

    let ex = get(&host, "/fetch?n=1&url=http://cdn.test/logo.png").await;
    assert_eq!(text(&ex), "1 of 1 succeeded; first error: None");
    assert_eq!(ex.stats.outgoing[0].outcome, Outcome::Mocked);

    for (url, outcome) in [
        ("http://evil.test/", Outcome::Denied),
        ("https://elsewhere.test/", Outcome::Denied),
    ] {
        let ex = get(&host, &format!("/fetch?n=2&url={url}")).await;
        assert_eq!(ex.response.status(), 502);
        assert_eq!(
            text(&ex),
            "0 of 2 succeeded; first error: Some(ErrorCode::HttpRequestDenied)"
        );
        assert_eq!(ex.stats.outgoing.len(), 2);
        assert!(ex.stats.outgoing.iter().all(|r| r.outcome == outcome));
    }
}

#[tokio::test]
async fn stdout_and_stderr_are_captured_per_request() {
    let host = build(Host::builder(MISBEHAVE)).await;
    let ex = get(&host, "/log").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(ex.stats.stdout, "misbehave says hello on stdout\n");
    assert_eq!(ex.stats.stderr, "misbehave says hello on stderr\n");
    let quiet = get(&host, "/").await;
    assert_eq!(quiet.stats.stdout, "");
    assert_eq!(quiet.stats.stderr, "");
}

#[tokio::test]
async fn the_guest_sees_only_the_environment_it_is_given() {
    let host = build(Host::builder(MISBEHAVE).env("GREETING", "hello")).await;
    assert_eq!(text(&get(&host, "/env?name=GREETING").await), "hello");
    let path = get(&host, "/env?name=PATH").await;
    assert_eq!(path.response.status(), 404);
}

#[tokio::test]
async fn a_missing_file_is_a_clear_error() {
    let error = Host::builder("/no/such/file.wasm")
        .build()
        .await
        .err()
        .unwrap();
    let message = format!("{error:#}");
    assert!(
        message.starts_with("cannot read /no/such/file.wasm"),
        "{message}"
    );
}
