//! The SDK keeps WASI's drop order on every early exit. Each route of
//! `tests/components/cancel-probe` drops a pending read, wait or fetch (by a
//! timeout, a `try_join`, an answer that outruns an upload), under
//! `edgekit-host` and under `wasmtime serve -Scli`. A pollable dropped after
//! its stream, or a stream after its body, traps the component there, and
//! the client would get the host's bare `500` instead of these answers.

use bytes::Bytes;
use edgekit_tests::faulty::{
    Fault, FaultyBackend, PartialBody, STALLED_AFTER, closed_port_url, full,
};
use edgekit_tests::hosts::{Answer, BOTH, Running, Under};
use edgekit_tests::{Backend, CANCEL_PROBE};

async fn probe(under: Under, backend: String) -> Running {
    let env = [
        ("BACKEND", backend),
        ("FAILING", format!("{}/", closed_port_url())),
    ];
    Running::start(under, CANCEL_PROBE, &env).await
}

fn get(uri: &str) -> http::Request<http_body_util::Full<Bytes>> {
    http::Request::get(uri).body(full(Bytes::new())).unwrap()
}

/// A `POST` of `declared` bytes of which the client sends 1,000 and then
/// nothing more while the answer is awaited.
async fn post_partially(running: &Running, uri: &str, declared: Option<u64>) -> Answer {
    let (body, _hold) = PartialBody::new(Bytes::from(vec![b'p'; 1000]), declared);
    let mut request = http::Request::post(uri);
    if let Some(length) = declared {
        request = request.header("content-length", length);
    }
    running.send(request.body(body).unwrap()).await
}

/// The answer is exactly `200 expected`, the guest did not trap, and the
/// instance's host goes on serving.
async fn assert_answer(running: &Running, under: Under, answer: Answer, expected: &str) {
    assert_eq!(answer.failure, None, "{under:?}: the guest failed");
    assert_eq!(
        (answer.status(), answer.text()),
        (200, expected.to_owned()),
        "{under:?}"
    );
    let next = running.send(get("/unknown")).await;
    assert_eq!(next.status(), 404, "{under:?}: the next request");
}

#[tokio::test]
async fn a_request_body_dropped_mid_read_by_a_timeout() {
    let backend = Backend::text("unused").await;
    for under in BOTH {
        let running = probe(under, format!("http://{}/", backend.addr)).await;
        for declared in [Some(100_000), None] {
            let answer = post_partially(&running, "/read?ms=300", declared).await;
            assert_answer(
                &running,
                under,
                answer,
                "the read was dropped after 1000 bytes",
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_pending_fetch_dropped_by_a_timeout() {
    let stalling = FaultyBackend::start(Fault::StallBeforeHead).await;
    for under in BOTH {
        let running = probe(under, stalling.url()).await;
        let answer = running.send(get("/fetch?ms=300")).await;
        assert_answer(&running, under, answer, "the fetch was dropped").await;
    }
}

#[tokio::test]
async fn a_fetched_body_dropped_mid_read_by_a_timeout() {
    let stalling = FaultyBackend::start(Fault::StallMidBody).await;
    for under in BOTH {
        let running = probe(under, stalling.url()).await;
        let answer = running.send(get("/fetched-body?ms=300")).await;
        let expected = format!("the fetched body was dropped after {STALLED_AFTER} bytes");
        assert_answer(&running, under, answer, &expected).await;
    }
}

#[tokio::test]
async fn a_fetch_dropped_because_its_twin_failed_in_a_try_join() {
    let stalling = FaultyBackend::start(Fault::StallBeforeHead).await;
    for under in BOTH {
        let running = probe(under, stalling.url()).await;
        let answer = running.send(get("/join")).await;
        assert_eq!(answer.failure, None, "{under:?}");
        assert_eq!(answer.status(), 502, "{under:?}: {}", answer.text());
        assert!(answer.text().contains("bad gateway"), "{under:?}");
        assert_eq!(running.send(get("/unknown")).await.status(), 404);
    }
}

#[tokio::test]
async fn an_upload_outrun_by_the_backends_answer() {
    let fast = Backend::text("fast").await;
    for under in BOTH {
        let running = probe(under, format!("http://{}/", fast.addr)).await;
        for declared in [Some(5_000_000), None] {
            let answer = post_partially(&running, "/read-while-fetch", declared).await;
            assert_answer(&running, under, answer, "the backend answered 200 first").await;
        }
    }
}

#[tokio::test]
async fn a_forwarded_upload_refused_before_the_backend_reads_it() {
    let refusing = FaultyBackend::start(Fault::AnswerEarly(403)).await;
    for under in BOTH {
        let running = probe(under, refusing.url()).await;
        for size in [10, 64 * 1024, 1_000_000, 5_000_000] {
            let upload = vec![b'u'; size];
            let declared = http::Request::post("/forward")
                .header("content-length", size)
                .body(full(upload.clone()))
                .unwrap();
            let answer = running.send(declared).await;
            assert_answer(&running, under, answer, "the backend answered 403").await;
            let chunked = http::Request::post("/forward").body(full(upload)).unwrap();
            let answer = running.send(chunked).await;
            assert_answer(&running, under, answer, "the backend answered 403").await;
        }
    }
}

#[tokio::test]
async fn a_response_body_that_breaks_off_is_cut_short_not_trapped() {
    for under in BOTH {
        let running = probe(under, format!("{}/", closed_port_url())).await;
        // Under Wasmtime the head may or may not have left before the body
        // broke; either way the client never gets a whole answer.
        let Some(answer) = running.try_send(get("/broken-stream")).await else {
            assert_eq!(under, Under::Wasmtime, "our host always gives a head");
            assert_eq!(running.send(get("/unknown")).await.status(), 404);
            continue;
        };
        assert_eq!(answer.status(), 200, "{under:?}");
        match under {
            // Our host reads the body whole and reports why it ended early.
            Under::Ours => {
                let failure = answer.failure.expect("a broken body is reported");
                assert_eq!(
                    failure.kind,
                    edgekit_host::FailureKind::ResponseBody,
                    "{failure}"
                );
            }
            Under::Wasmtime => assert!(answer.response.body().is_err()),
        }
        assert_eq!(running.send(get("/unknown")).await.status(), 404);
    }
}
