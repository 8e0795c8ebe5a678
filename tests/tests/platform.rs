//! The SDK's platform features end to end, through the `router`, `geo` and
//! `config` examples under `edgekit-host`: routing, key-value, geo and
//! client IP, typed config and logging.

use bytes::Bytes;
use edgekit_host::{Exchange, Host, KvStores, Platform, Visitor};
use edgekit_tests::{CONFIG, CONFIG_STORE, GEO, HELLO, ROUTER};
use http::Method;
use serde_json::{Value, json};

async fn send(host: &Host, method: Method, uri: &str, body: &str) -> Exchange {
    let request = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(Bytes::from(body.to_string())))
        .unwrap();
    host.send(request).await.unwrap()
}

fn json_body(ex: &Exchange) -> Value {
    serde_json::from_slice(ex.response.body()).unwrap_or_else(|_| {
        panic!(
            "JSON body expected, got {:?}",
            String::from_utf8_lossy(ex.response.body())
        )
    })
}

fn header<'a>(ex: &'a Exchange, name: &str) -> &'a str {
    ex.response
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

async fn todo_host(stores: &KvStores) -> Host {
    Host::builder(ROUTER)
        .kv_stores(stores.clone())
        .build()
        .await
        .unwrap()
}

#[tokio::test]
async fn router_todo_api_keeps_todos_across_requests() {
    let stores = KvStores::default();
    let host = todo_host(&stores).await;

    let ex = send(&host, Method::POST, "/todos", r#"{"title":"write docs"}"#).await;
    assert_eq!(ex.response.status(), 201);
    assert_eq!(
        json_body(&ex),
        json!({"id": 1, "title": "write docs", "done": false})
    );
    let ex = send(&host, Method::POST, "/todos", r#"{"title":"ship"}"#).await;
    assert_eq!(json_body(&ex)["id"], 2);

    let ex = send(&host, Method::GET, "/todos", "").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(
        json_body(&ex),
        json!([
            {"id": 1, "title": "write docs", "done": false},
            {"id": 2, "title": "ship", "done": false}
        ])
    );

    let ex = send(&host, Method::PATCH, "/todos/1", r#"{"done":true}"#).await;
    assert_eq!(
        json_body(&ex),
        json!({"id": 1, "title": "write docs", "done": true})
    );
    let ex = send(&host, Method::GET, "/todos/1", "").await;
    assert_eq!(json_body(&ex)["done"], true);

    let ex = send(&host, Method::DELETE, "/todos/1", "").await;
    assert_eq!(ex.response.status(), 204);
    assert!(ex.response.body().is_empty());
    let ex = send(&host, Method::GET, "/todos/1", "").await;
    assert_eq!(ex.response.status(), 404);
    assert_eq!(json_body(&ex)["error"], "no such todo");

    // The store outlives the instances, and holds what the API says.
    assert_eq!(stores.keys("default"), ["next-id", "todo:2"]);
    assert_eq!(stores.get("default", "next-id").unwrap(), b"2");
}

#[tokio::test]
async fn router_answers_405_with_allow_head_and_options() {
    let host = todo_host(&KvStores::default()).await;
    let ex = send(&host, Method::PUT, "/todos", "{}").await;
    assert_eq!(ex.response.status(), 405);
    // HEAD and OPTIONS are answered too, so `Allow` names them.
    assert_eq!(header(&ex, "allow"), "GET, HEAD, POST, OPTIONS");

    let ex = send(&host, Method::OPTIONS, "/todos/3", "").await;
    assert_eq!(ex.response.status(), 204);
    assert_eq!(header(&ex, "allow"), "GET, HEAD, PATCH, DELETE, OPTIONS");

    send(&host, Method::POST, "/todos", r#"{"title":"a"}"#).await;
    let get = send(&host, Method::GET, "/todos", "").await;
    let head = send(&host, Method::HEAD, "/todos", "").await;
    assert_eq!(head.response.status(), 200);
    assert!(head.response.body().is_empty());
    assert!(!get.response.body().is_empty());
    assert_eq!(header(&head, "content-type"), header(&get, "content-type"));

    let ex = send(&host, Method::GET, "/nothing/here", "").await;
    assert_eq!(ex.response.status(), 404);
}

#[tokio::test]
async fn router_refuses_bad_todos_and_writes_nothing() {
    let stores = KvStores::default();
    let host = todo_host(&stores).await;
    for (method, uri, body, status) in [
        (Method::POST, "/todos", "{oops", 400),
        (Method::POST, "/todos", r#"{"title":""}"#, 400),
        (Method::POST, "/todos", r#"{"name":"x"}"#, 400),
        (
            Method::POST,
            "/todos",
            &format!(r#"{{"title":"{}"}}"#, "x".repeat(501)),
            400,
        ),
        (Method::POST, "/todos", &"x".repeat(20_000), 413),
        (Method::GET, "/todos/abc", "", 404),
        (Method::PATCH, "/todos/9", r#"{"done":true}"#, 404),
        (Method::DELETE, "/todos/9", "", 404),
    ] {
        let ex = send(&host, method.clone(), uri, body).await;
        assert_eq!(ex.response.status(), status, "{method} {uri}");
        assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
    }
    assert!(
        stores.keys("default").is_empty(),
        "{:?}",
        stores.keys("default")
    );
}

#[tokio::test]
async fn kv_is_seeded_from_the_host() {
    let host = Host::builder(ROUTER)
        .kv(
            "default",
            "todo:7",
            r#"{"id":7,"title":"seeded","done":true}"#,
        )
        .build()
        .await
        .unwrap();
    let ex = send(&host, Method::GET, "/todos/7", "").await;
    assert_eq!(json_body(&ex)["title"], "seeded");
}

#[tokio::test]
async fn logs_are_json_lines_with_level_and_request_id() {
    let host = todo_host(&KvStores::default()).await;
    let ex = send(&host, Method::POST, "/todos", r#"{"title":"log me"}"#).await;
    let line: Value = serde_json::from_str(ex.stats.stderr.trim()).unwrap();
    assert_eq!(line["level"], "info");
    assert_eq!(line["msg"], "created todo 1");
    assert_eq!(line["request_id"].as_str().unwrap().len(), 16);

    let quiet = Host::builder(ROUTER)
        .env("EDGEKIT_LOG", "warn")
        .build()
        .await
        .unwrap();
    let ex = send(&quiet, Method::POST, "/todos", r#"{"title":"quiet"}"#).await;
    assert_eq!(ex.response.status(), 201);
    assert_eq!(ex.stats.stderr, "");
}

async fn geo_of(host: &Host, headers: &[(&str, &str)]) -> Value {
    let mut request = http::Request::get("/");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let ex = host
        .send(request.body(String::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 200);
    json_body(&ex)
}

#[tokio::test]
async fn geo_trusts_nothing_without_a_preset() {
    let host = Host::builder(GEO).build().await.unwrap();
    let body = geo_of(
        &host,
        &[
            ("cf-ipcountry", "DE"),
            ("x-geo-country", "DE"),
            ("x-forwarded-for", "203.0.113.7"),
        ],
    )
    .await;
    assert_eq!(
        body,
        json!({"platform": null, "geo": null, "client_ip": null})
    );
}

#[tokio::test]
async fn geo_reads_each_presets_headers_and_derives_the_continent() {
    for (platform, country_header, ip_header) in [
        ("cloudflare", "cf-ipcountry", "cf-connecting-ip"),
        ("fastedge", "geoip-country-code", "x-real-ip"),
        ("fastly", "x-fastly-country-code", "fastly-client-ip"),
        ("generic", "x-geo-country", "x-forwarded-for"),
    ] {
        let host = Host::builder(GEO)
            .env("EDGEKIT_PLATFORM", platform)
            .build()
            .await
            .unwrap();
        let body = geo_of(
            &host,
            &[(country_header, "br"), (ip_header, "198.51.100.4")],
        )
        .await;
        assert_eq!(body["platform"], platform);
        assert_eq!(body["geo"]["country"], "BR", "{platform}");
        assert_eq!(body["geo"]["continent"], "SA", "{platform}");
        assert_eq!(body["client_ip"], "198.51.100.4", "{platform}");
        // Another preset's headers mean nothing.
        let other = geo_of(&host, &[("x-other-country", "FR")]).await;
        assert_eq!(other["geo"], Value::Null);
    }
}

#[tokio::test]
async fn geo_drops_malformed_values() {
    let host = Host::builder(GEO)
        .env("EDGEKIT_PLATFORM", "generic")
        .env("EDGEKIT_TRUSTED_PROXIES", "2")
        .build()
        .await
        .unwrap();
    let body = geo_of(
        &host,
        &[
            ("x-geo-country", "XX"),
            ("x-geo-latitude", "95"),
            ("x-forwarded-for", "not-an-ip, 10.0.0.1"),
        ],
    )
    .await;
    assert_eq!(body["geo"], Value::Null);
    assert_eq!(body["client_ip"], Value::Null);
    let body = geo_of(
        &host,
        &[("x-forwarded-for", "spoofed, 192.0.2.9, 10.0.0.1")],
    )
    .await;
    assert_eq!(body["client_ip"], "192.0.2.9");
}

#[tokio::test]
async fn the_host_plays_the_platform_and_overrides_client_headers() {
    let host = Host::builder(GEO)
        .visitor(
            Visitor::new(Platform::Cloudflare)
                .geo(Visitor::parse_geo("country=DE,city=Berlin,lat=52.52,lon=13.4").unwrap())
                .client_ip("203.0.113.7".parse().unwrap()),
        )
        .build()
        .await
        .unwrap();
    let body = geo_of(
        &host,
        &[("cf-ipcountry", "US"), ("cf-connecting-ip", "6.6.6.6")],
    )
    .await;
    assert_eq!(body["platform"], "cloudflare");
    assert_eq!(body["geo"]["country"], "DE");
    assert_eq!(body["geo"]["continent"], "EU");
    assert_eq!(body["geo"]["city"], "Berlin");
    assert_eq!(body["geo"]["latitude"], 52.52);
    assert_eq!(body["client_ip"], "203.0.113.7");
}

#[tokio::test]
async fn config_loads_typed_values_and_never_shows_the_secret() {
    let host = Host::builder(CONFIG)
        .env("GREETING", "Hi there")
        .env("API_TOKEN", "tok-7f3a9c")
        .env("MAX_ITEMS", "25")
        .env("LANGUAGES", "en, de")
        .build()
        .await
        .unwrap();
    let ex = send(&host, Method::GET, "/", "").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(
        std::str::from_utf8(ex.response.body()).unwrap(),
        "Hi there\nmax items: 25\nlanguages: en, de\napi token: [redacted] (10 characters)\n"
    );
}

#[tokio::test]
async fn a_bad_config_answers_every_request_with_a_configuration_error_page() {
    let host = Host::builder(CONFIG)
        .env("MAX_ITEMS", "lots")
        .env("API_TOKEN", "")
        .build()
        .await
        .unwrap();
    for path in ["/", "/anything"] {
        let ex = send(&host, Method::GET, path, "").await;
        assert_eq!(ex.response.status(), 500);
        assert!(header(&ex, "content-type").starts_with("text/html"));
        let page = std::str::from_utf8(ex.response.body()).unwrap();
        assert!(page.contains("Configuration error"), "{page}");
        for key in ["GREETING", "MAX_ITEMS"] {
            assert!(page.contains(key), "{key} in {page}");
        }
        assert!(!page.contains("lots"), "{page}");
        // The full message, values of non-secrets included, is for the operator.
        assert!(
            ex.stats.stderr.contains("missing GREETING"),
            "{}",
            ex.stats.stderr
        );
        assert!(
            ex.stats
                .stderr
                .contains(r#"MAX_ITEMS: expected an integer, got \"lots\""#),
            "{}",
            ex.stats.stderr
        );
    }
}

#[tokio::test]
async fn a_missing_secret_is_named_like_any_key() {
    let host = Host::builder(CONFIG)
        .env("GREETING", "hi")
        .env("MAX_ITEMS", "-3")
        .build()
        .await
        .unwrap();
    let ex = send(&host, Method::GET, "/", "").await;
    assert_eq!(ex.response.status(), 500);
    let page = std::str::from_utf8(ex.response.body()).unwrap();
    assert!(page.contains("API_TOKEN"), "{page}");
    assert!(ex.stats.stderr.contains("missing API_TOKEN"));
    assert!(ex.stats.stderr.contains("MAX_ITEMS: expected an integer"));
}

/// Features cost nothing when unused: `hello` imports neither
/// `wasi:keyvalue` nor `wasi:config`, though the guests are built together
/// with `router`, which enables `kv`.
#[test]
fn unused_features_add_no_imports() {
    let contains = |path: &str, needle: &str| {
        let bytes = std::fs::read(path).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    assert!(contains(ROUTER, "wasi:keyvalue/store@0.2.0-draft"));
    for name in ["wasi:keyvalue", "wasi:config"] {
        assert!(!contains(HELLO, name), "hello imports {name}");
        assert!(!contains(GEO, name), "geo imports {name}");
    }
}

#[tokio::test]
async fn wasi_config_is_asked_before_the_environment() {
    let host = Host::builder(CONFIG_STORE)
        .config_var("greeting", "from the store")
        .env("GREETING", "from the environment")
        .env("MAX_WIDTH", "640")
        .build()
        .await
        .unwrap();
    let ex = send(&host, Method::GET, "/", "").await;
    assert_eq!(
        std::str::from_utf8(ex.response.body()).unwrap(),
        "greeting=from the store; max_width=640"
    );

    let host = Host::builder(CONFIG_STORE)
        .config_var("max_width", "wide")
        .env("MAX_WIDTH", "640")
        .build()
        .await
        .unwrap();
    let ex = send(&host, Method::GET, "/", "").await;
    assert_eq!(ex.response.status(), 500);
    assert!(
        ex.stats
            .stderr
            .contains(r#"missing GREETING; MAX_WIDTH: expected an integer, got \"wide\""#),
        "{}",
        ex.stats.stderr
    );
}

#[test]
fn only_the_wasi_config_guest_imports_wasi_config() {
    let imports = |path: &str| {
        let bytes = std::fs::read(path).unwrap();
        bytes
            .windows("wasi:config/store".len())
            .any(|w| w == b"wasi:config/store")
    };
    assert!(imports(CONFIG_STORE));
    assert!(!imports(CONFIG));
}
