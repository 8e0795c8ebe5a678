//! Every example answers the same under two independent wasi:http hosts,
//! `jco serve` (Node.js) and `wasmtime serve -Scli`, as under `edgekit-host`:
//! the components depend on nothing only our host provides.

use bytes::Bytes;
use edgekit_tests::portable::{Other, assert_same, get, post};
use edgekit_tests::{Backend, CONFIG, ECHO, FETCH, GEO, HELLO, JSON};

fn hello_requests() -> Vec<http::Request<Bytes>> {
    vec![get("/"), get("/?name=Ada"), get("/?name=a&name=b")]
}

fn echo_requests() -> Vec<http::Request<Bytes>> {
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 241) as u8).collect();
    vec![
        post("/", "text/x-edgekit", "hello echo"),
        post("/", "application/octet-stream", big),
        get("/"),
    ]
}

fn json_requests() -> Vec<http::Request<Bytes>> {
    vec![
        post("/", "application/json", r#"{"a":1}"#),
        post("/", "application/json", "{oops"),
        post("/", "application/json", "x".repeat(70_000)),
    ]
}

async fn assert_fetch_same(other: Other) {
    let a = Backend::text("alpha").await;
    let b = Backend::text("bravo!!").await;
    let env = [
        ("BACKEND_A", format!("http://{}/a", a.addr)),
        ("BACKEND_B", format!("http://{}/b", b.addr)),
    ];
    assert_same(other, FETCH, &env, vec![get("/")]).await;
    assert_eq!(a.received().len(), 2);
    assert_eq!(b.received().len(), 2);
}

#[tokio::test]
async fn hello_under_jco() {
    assert_same(Other::Jco, HELLO, &[], hello_requests()).await;
}

#[tokio::test]
async fn echo_under_jco() {
    assert_same(Other::Jco, ECHO, &[], echo_requests()).await;
}

#[tokio::test]
async fn json_under_jco() {
    assert_same(Other::Jco, JSON, &[], json_requests()).await;
}

#[tokio::test]
async fn fetch_under_jco() {
    assert_fetch_same(Other::Jco).await;
}

#[tokio::test]
async fn hello_under_wasmtime_serve() {
    assert_same(Other::Wasmtime, HELLO, &[], hello_requests()).await;
}

#[tokio::test]
async fn echo_under_wasmtime_serve() {
    assert_same(Other::Wasmtime, ECHO, &[], echo_requests()).await;
}

#[tokio::test]
async fn json_under_wasmtime_serve() {
    assert_same(Other::Wasmtime, JSON, &[], json_requests()).await;
}

#[tokio::test]
async fn fetch_under_wasmtime_serve() {
    assert_fetch_same(Other::Wasmtime).await;
}

fn geo_requests() -> Vec<http::Request<Bytes>> {
    vec![
        http::Request::get("/")
            .header("x-geo-country", "NZ")
            .header("x-geo-city", "Wellington")
            .header("x-forwarded-for", "10.0.0.1, 192.0.2.44")
            .body(Bytes::new())
            .unwrap(),
        http::Request::get("/")
            .header("cf-ipcountry", "NZ")
            .body(Bytes::new())
            .unwrap(),
    ]
}

fn geo_env() -> Vec<(&'static str, String)> {
    vec![("EDGEKIT_PLATFORM", "generic".to_string())]
}

fn config_env() -> Vec<(&'static str, String)> {
    vec![
        ("GREETING", "Kia ora".to_string()),
        ("API_TOKEN", "t0k3n".to_string()),
        ("LANGUAGES", "mi, en".to_string()),
    ]
}

#[tokio::test]
async fn geo_under_jco() {
    assert_same(Other::Jco, GEO, &geo_env(), geo_requests()).await;
}

#[tokio::test]
async fn geo_under_wasmtime_serve() {
    assert_same(Other::Wasmtime, GEO, &geo_env(), geo_requests()).await;
}

#[tokio::test]
async fn config_under_jco() {
    assert_same(Other::Jco, CONFIG, &config_env(), vec![get("/")]).await;
    assert_same(Other::Jco, CONFIG, &[], vec![get("/")]).await;
}

#[tokio::test]
async fn config_under_wasmtime_serve() {
    assert_same(Other::Wasmtime, CONFIG, &config_env(), vec![get("/")]).await;
    assert_same(Other::Wasmtime, CONFIG, &[], vec![get("/")]).await;
}
