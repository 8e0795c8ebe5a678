//! The load run, short: each ready component under `edgekit serve` and
//! `wasmtime serve -Scli` with 64 connections for a few seconds, and the
//! limit-breaker (`misbehave`'s `/alloc` and `/spin`) served beside it in
//! the same load. Every request of the component must get its expected
//! answer and every request of the limit-breaker a 5xx, and both servers
//! must still run at the end. Speed and memory are measured only by
//! `edgekit bench --only load`.

use std::time::Duration;

use edgekit_host::load::{self, Backends, HostKind, Run, Settings, Wasms};
use edgekit_tests::{ANON_PROXY, GEO_ROUTER, IMAGE_RESIZE, MARKDOWN, MISBEHAVE, S3_UPLOADER};

const CONNECTIONS: usize = 64;
const SECONDS: u64 = 4;

/// One load run at a time: two at once would each get half the machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn wasms() -> Wasms {
    Wasms {
        anon_proxy: ANON_PROXY.into(),
        geo_router: GEO_ROUTER.into(),
        image_resize: IMAGE_RESIZE.into(),
        markdown: MARKDOWN.into(),
        s3_uploader: S3_UPLOADER.into(),
        misbehave: MISBEHAVE.into(),
    }
}

/// Runs `name` under both hosts and asserts what the load must hold to.
async fn holds_under_load(name: &str) {
    let _turn = ONE_AT_A_TIME.lock().await;
    let settings = Settings::new(CONNECTIONS, Duration::from_secs(SECONDS));
    let s3_root = settings.log_dir.join(format!("s3-{name}"));
    let backends = Backends::start(&s3_root).await.unwrap();
    let wasms = wasms();
    let breaker = load::limit_breaker(&wasms);
    let component = load::components(&wasms, &backends)
        .into_iter()
        .find(|c| c.name == name)
        .unwrap();
    let edgekit = HostKind::Edgekit(env!("CARGO_BIN_EXE_edgekit").into());
    for host in [edgekit, HostKind::Wasmtime] {
        let run = load::run(&host, &component, &breaker, &settings)
            .await
            .unwrap();
        check(&run);
    }
    drop(backends);
    let _ = std::fs::remove_dir_all(&s3_root);
}

fn check(run: &Run) {
    let who = format!(
        "{} under {} (output: {})",
        run.component,
        run.host,
        run.log.display()
    );
    assert!(run.good.answered > 0, "{who}: nothing answered");
    assert!(
        run.good.failures.is_empty(),
        "{who}: {} answered, failures {:?}",
        run.good.answered,
        run.good.failures
    );
    assert!(
        run.breaker.answered > 0,
        "{who}: the limit-breaker got no 5xx"
    );
    assert!(
        run.breaker.failures.is_empty(),
        "{who}: the limit-breaker got {:?}",
        run.breaker.failures
    );
    assert!(run.survived, "{who}: a server exited");
}

#[tokio::test(flavor = "multi_thread")]
async fn anon_proxy_holds_under_load() {
    holds_under_load("anon-proxy").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn geo_router_holds_under_load() {
    holds_under_load("geo-router").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn image_resize_holds_under_load() {
    holds_under_load("image-resize").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markdown_holds_under_load() {
    holds_under_load("markdown").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn s3_uploader_holds_under_load() {
    holds_under_load("s3-uploader").await;
}
