//! components/geo-router end to end: the real `.wasm` under `edgekit-host`,
//! with loopback origins, and under `jco serve` and `wasmtime serve -Scli`.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host};
use edgekit_tests::portable::{self, Other};
use edgekit_tests::two_hosts::{Payload, TwoHosts};
use edgekit_tests::{Backend, GEO_ROUTER, Received, backend::sha256};
use http_body_util::Full;

const ROUTES: &str = r#"{
    "DE": "http://de.test",
    "DACH": "http://dach.test/shop/",
    "EU": "http://eu.test",
    "NA": "http://na.test",
    "default": "http://www.test"
}"#;
const GROUPS: &str = r#"{"DACH": ["DE", "AT", "CH"]}"#;

/// The component with `env`, its outgoing requests for each `(host, addr)`
/// sent to that loopback address and every other host refused.
async fn host(env: &[(&str, &str)], origins: &[(&str, SocketAddr)]) -> Host {
    let mut builder = Host::builder(GEO_ROUTER).deny_unlisted_hosts();
    for (key, value) in env {
        builder = builder.env(*key, *value);
    }
    for (name, addr) in origins {
        builder = builder.route(name, *addr);
    }
    builder.build().await.expect("component loads")
}

fn request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> http::Request<Full<Bytes>> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "www.example.com");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(body)).unwrap()
}

async fn get(host: &Host, uri: &str, headers: &[(&str, &str)]) -> Exchange {
    host.send(request("GET", uri, headers, Bytes::new()))
        .await
        .unwrap()
}

fn header<'a>(ex: &'a Exchange, name: &str) -> &'a str {
    ex.response
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

fn text(ex: &Exchange) -> &str {
    std::str::from_utf8(ex.response.body()).unwrap()
}

/// An address nothing listens on: connections to it are refused.
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// An origin that answers `200` with its name and what it received.
async fn origin(name: &'static str) -> Backend {
    Backend::start(move |received: Received| async move {
        let body = format!(
            "{name} {} {} {}",
            received.method, received.uri, received.body_sha256
        );
        http::Response::builder()
            .header("content-type", "text/plain")
            .header("vary", "accept-encoding")
            .header("x-origin", name)
            .body(Bytes::from(body))
            .unwrap()
    })
    .await
}

/// An origin that answers every request with `status`.
async fn failing(status: u16) -> Backend {
    Backend::start(move |_| async move {
        http::Response::builder()
            .status(status)
            .body(Bytes::from_static(b"origin trouble at 10.0.0.7"))
            .unwrap()
    })
    .await
}

/// An origin that answers after `delay`.
async fn slow(delay: Duration) -> Backend {
    Backend::start(move |_| async move {
        tokio::time::sleep(delay).await;
        http::Response::new(Bytes::from_static(b"late"))
    })
    .await
}

fn cloudflare() -> Vec<(&'static str, &'static str)> {
    vec![
        ("PLATFORM", "cloudflare"),
        ("ROUTES", ROUTES),
        ("GROUPS", GROUPS),
        ("DEBUG_HEADER", "true"),
    ]
}

#[tokio::test]
async fn redirects_by_country_then_group_then_continent_then_default() {
    let host = host(&cloudflare(), &[]).await;
    for (country, location, route) in [
        (
            "DE",
            "http://de.test/a/b?c=1&d=2",
            "DE; country=DE; via=country",
        ),
        (
            "AT",
            "http://dach.test/shop/a/b?c=1&d=2",
            "DACH; country=AT; via=group",
        ),
        (
            "FR",
            "http://eu.test/a/b?c=1&d=2",
            "EU; country=FR; via=continent",
        ),
        (
            "US",
            "http://na.test/a/b?c=1&d=2",
            "NA; country=US; via=continent",
        ),
        // Namibia is "NA" too, but NA as a route means North America.
        (
            "NA",
            "http://www.test/a/b?c=1&d=2",
            "default; country=NA; via=default",
        ),
        (
            "JP",
            "http://www.test/a/b?c=1&d=2",
            "default; country=JP; via=default",
        ),
    ] {
        let ex = get(&host, "/a/b?c=1&d=2", &[("cf-ipcountry", country)]).await;
        assert_eq!(ex.response.status(), 302, "{country}");
        assert_eq!(header(&ex, "location"), location, "{country}");
        assert_eq!(header(&ex, "x-geo-route"), route);
        assert_eq!(header(&ex, "vary"), "cf-ipcountry");
        assert_eq!(header(&ex, "cache-control"), "private");
        assert!(ex.response.body().is_empty());
        assert!(ex.stats.outgoing.is_empty(), "a redirect fetches nothing");
    }
}

#[tokio::test]
async fn the_redirect_status_is_configurable() {
    for status in ["301", "307", "308"] {
        let mut env = cloudflare();
        env.push(("REDIRECT_STATUS", status));
        let host = host(&env, &[]).await;
        let ex = get(&host, "/", &[("cf-ipcountry", "DE")]).await;
        assert_eq!(ex.response.status().as_str(), status);
        assert_eq!(header(&ex, "location"), "http://de.test/");
    }
}

#[tokio::test]
async fn each_preset_trusts_only_its_own_header() {
    let presets = [
        ("fastedge", "geoip-country-code"),
        ("cloudflare", "cf-ipcountry"),
        ("fastly", "x-fastly-country-code"),
        ("generic", "x-geo-country"),
    ];
    for (platform, own) in presets {
        let env = [
            ("PLATFORM", platform),
            ("ROUTES", ROUTES),
            ("GROUPS", GROUPS),
            ("DEBUG_HEADER", "true"),
        ];
        let host = host(&env, &[]).await;
        let ex = get(&host, "/", &[(own, "DE")]).await;
        assert_eq!(header(&ex, "location"), "http://de.test/", "{platform}");
        assert_eq!(header(&ex, "vary"), own);
        // Another platform's header is just something a client sent.
        for (_, other) in presets.iter().filter(|(p, _)| *p != platform) {
            let ex = get(&host, "/", &[(other, "DE")]).await;
            assert_eq!(
                header(&ex, "location"),
                "http://www.test/",
                "{platform} read {other}"
            );
            assert_eq!(
                header(&ex, "x-geo-route"),
                "default; country=unknown; via=default"
            );
        }
    }
}

#[tokio::test]
async fn without_a_platform_no_header_is_trusted_and_nothing_varies() {
    let host = host(
        &[
            ("ROUTES", ROUTES),
            ("GROUPS", GROUPS),
            ("DEBUG_HEADER", "true"),
        ],
        &[],
    )
    .await;
    let spoofed = [
        ("cf-ipcountry", "DE"),
        ("geoip-country-code", "DE"),
        ("x-fastly-country-code", "DE"),
        ("x-geo-country", "DE"),
    ];
    let ex = get(&host, "/x", &spoofed).await;
    assert_eq!(ex.response.status(), 302);
    assert_eq!(header(&ex, "location"), "http://www.test/x");
    assert_eq!(
        header(&ex, "x-geo-route"),
        "default; country=unknown; via=default"
    );
    // The same answer for everyone: no Vary, and caches may keep it.
    assert_eq!(header(&ex, "vary"), "");
    assert_eq!(header(&ex, "cache-control"), "");
}

#[tokio::test]
async fn malformed_missing_unknown_and_lowercase_countries_take_the_default_route() {
    let host = host(&cloudflare(), &[]).await;
    let cases: [&[(&str, &str)]; 9] = [
        &[],
        &[("cf-ipcountry", "")],
        &[("cf-ipcountry", "de")],
        &[("cf-ipcountry", "De")],
        &[("cf-ipcountry", "XX")],
        &[("cf-ipcountry", "T1")],
        &[("cf-ipcountry", "DEU")],
        &[("cf-ipcountry", "ZZ")],
        // A client's copy the platform appended to instead of replacing.
        &[("cf-ipcountry", "DE"), ("cf-ipcountry", "US")],
    ];
    for headers in cases {
        let ex = get(&host, "/", headers).await;
        assert_eq!(ex.response.status(), 302, "{headers:?}");
        assert_eq!(header(&ex, "location"), "http://www.test/", "{headers:?}");
        assert_eq!(
            header(&ex, "x-geo-route"),
            "default; country=unknown; via=default"
        );
    }
}

#[tokio::test]
async fn address_rules_come_before_the_country() {
    let routes =
        r#"{"DE": "http://de.test", "office": "http://office.test", "default": "http://www.test"}"#;
    let rules =
        r#"{"203.0.113.0/24": "office", "203.0.113.128/25": "DE", "2001:db8::/32": "office"}"#;
    let env = [
        ("PLATFORM", "cloudflare"),
        ("ROUTES", routes),
        ("IP_RULES", rules),
        ("DEBUG_HEADER", "true"),
    ];
    let host = host(&env, &[]).await;
    let ex = get(
        &host,
        "/",
        &[("cf-ipcountry", "US"), ("cf-connecting-ip", "203.0.113.7")],
    )
    .await;
    assert_eq!(header(&ex, "location"), "http://office.test/");
    assert_eq!(header(&ex, "x-geo-route"), "office; country=US; via=ip");
    assert_eq!(header(&ex, "vary"), "cf-ipcountry, cf-connecting-ip");
    // The narrower network wins.
    let ex = get(&host, "/", &[("cf-connecting-ip", "203.0.113.200")]).await;
    assert_eq!(header(&ex, "x-geo-route"), "DE; country=unknown; via=ip");
    let ex = get(&host, "/", &[("cf-connecting-ip", "2001:db8::1")]).await;
    assert_eq!(header(&ex, "location"), "http://office.test/");
    // Outside every network, or a malformed address: the country decides.
    for ip in ["198.51.100.1", "not-an-ip"] {
        let ex = get(
            &host,
            "/",
            &[("cf-ipcountry", "DE"), ("cf-connecting-ip", ip)],
        )
        .await;
        assert_eq!(
            header(&ex, "x-geo-route"),
            "DE; country=DE; via=country",
            "{ip}"
        );
    }
    // Another platform's address header is not the client's address.
    let ex = get(
        &host,
        "/",
        &[
            ("x-real-ip", "203.0.113.7"),
            ("x-forwarded-for", "203.0.113.7"),
        ],
    )
    .await;
    assert_eq!(header(&ex, "location"), "http://www.test/");

    // The generic preset takes the address its proxy appended last.
    let env = [
        ("PLATFORM", "generic"),
        ("ROUTES", routes),
        ("IP_RULES", rules),
    ];
    let host = self::host(&env, &[]).await;
    let ex = get(
        &host,
        "/",
        &[("x-forwarded-for", "203.0.113.7, 198.51.100.1")],
    )
    .await;
    assert_eq!(header(&ex, "location"), "http://www.test/");
    let ex = get(
        &host,
        "/",
        &[("x-forwarded-for", "198.51.100.1, 203.0.113.7")],
    )
    .await;
    assert_eq!(header(&ex, "location"), "http://office.test/");
}

#[tokio::test]
async fn blocked_countries_get_451_and_nothing_is_fetched() {
    let www = origin("www").await;
    let env = [
        ("PLATFORM", "cloudflare"),
        ("DEBUG_HEADER", "true"),
        ("MODE", "proxy"),
        ("ROUTES", r#"{"default": "http://www.test"}"#),
        ("BLOCK_COUNTRIES", "RU, KP"),
        ("BLOCK_MESSAGE", "Not here, <sorry> & goodbye"),
    ];
    let host = host(&env, &[("www.test", www.addr)]).await;
    for country in ["RU", "KP"] {
        let ex = get(&host, "/page", &[("cf-ipcountry", country)]).await;
        assert_eq!(ex.response.status(), 451);
        assert_eq!(header(&ex, "content-type"), "text/html; charset=utf-8");
        assert!(
            text(&ex).contains("<p>Not here, &lt;sorry&gt; &amp; goodbye</p>"),
            "{}",
            text(&ex)
        );
        assert_eq!(header(&ex, "cache-control"), "private");
        assert_eq!(header(&ex, "vary"), "cf-ipcountry");
        assert_eq!(
            header(&ex, "x-geo-route"),
            format!("blocked; country={country}; via=block")
        );
        assert!(ex.stats.outgoing.is_empty());
    }
    assert!(
        www.received().is_empty(),
        "a blocked visitor reaches no origin"
    );
    // Others pass; a lowercase or spoofed code is not a blocked country.
    for headers in [
        [("cf-ipcountry", "DE")],
        [("cf-ipcountry", "ru")],
        [("x-geo-country", "RU")],
    ] {
        let ex = get(&host, "/page", &headers).await;
        assert_eq!(ex.response.status(), 200, "{headers:?}");
    }
    assert_eq!(www.received().len(), 3);
}

#[tokio::test]
async fn the_country_override_needs_consent_and_a_valid_code() {
    let host_off = host(&cloudflare(), &[]).await;
    let ex = get(
        &host_off,
        "/p?geo_country=DE&x=1",
        &[("cf-ipcountry", "JP")],
    )
    .await;
    assert_eq!(
        header(&ex, "location"),
        "http://www.test/p?geo_country=DE&x=1"
    );

    let mut env = cloudflare();
    env.extend([("ALLOW_OVERRIDE", "true"), ("BLOCK_COUNTRIES", "RU")]);
    let host = host(&env, &[]).await;
    let ex = get(&host, "/p?geo_country=DE&x=1", &[("cf-ipcountry", "JP")]).await;
    assert_eq!(header(&ex, "location"), "http://de.test/p?x=1");
    assert_eq!(header(&ex, "x-geo-route"), "DE; country=DE; via=country");
    let ex = get(&host, "/?geo_country=RU", &[]).await;
    assert_eq!(ex.response.status(), 451);
    for bad in ["de", "XX", "", "DEU", "%44E"] {
        let ex = get(
            &host,
            &format!("/?geo_country={bad}"),
            &[("cf-ipcountry", "DE")],
        )
        .await;
        assert_eq!(ex.response.status(), 400, "{bad:?}");
        assert!(text(&ex).contains("geo_country"), "{}", text(&ex));
        assert!(ex.stats.outgoing.is_empty());
    }
}

#[tokio::test]
async fn proxy_mode_streams_the_origin_answer_with_the_request_forwarded() {
    let de = origin("de").await;
    let mut env = cloudflare();
    env.push(("MODE", "proxy"));
    let host = host(&env, &[("de.test", de.addr)]).await;
    let body = Bytes::from(vec![7u8; 300_000]);
    let ex = host
        .send(request(
            "POST",
            "/api/items?x=1",
            &[
                ("cf-ipcountry", "DE"),
                ("content-type", "application/octet-stream"),
                ("cookie", "session=abc"),
                ("connection", "keep-alive"),
                ("proxy-authorization", "Basic Zm9vOmJhcg=="),
            ],
            body.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 200);
    assert_eq!(
        text(&ex),
        format!("de POST /api/items?x=1 {}", sha256(&body))
    );
    assert_eq!(header(&ex, "x-origin"), "de");
    let vary: Vec<&str> = ex
        .response
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(vary, ["accept-encoding", "cf-ipcountry"]);
    assert_eq!(
        header(&ex, "cache-control"),
        "",
        "the origin decides how its answers are cached"
    );
    assert_eq!(header(&ex, "x-geo-route"), "DE; country=DE; via=country");

    let received = de.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.headers["host"], "de.test");
    assert_eq!(got.headers["x-forwarded-host"], "www.example.com");
    assert_eq!(got.headers["cookie"], "session=abc");
    assert_eq!(got.headers["content-type"], "application/octet-stream");
    assert_eq!(got.body_len, body.len());
    for hop in ["proxy-authorization", "connection"] {
        assert!(!got.headers.contains_key(hop), "{hop} was forwarded");
    }
    // A path prefix in the origin URL is kept.
    let dach = origin("dach").await;
    let host2 = self::host(&env, &[("dach.test", dach.addr)]).await;
    let ex = get(&host2, "/cart", &[("cf-ipcountry", "CH")]).await;
    assert_eq!(
        text(&ex),
        "dach GET /shop/cart e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[tokio::test]
async fn failover_tries_the_fallback_routes_in_order() {
    let down = closed_port().await;
    let sick = failing(503).await;
    let eu = origin("eu").await;
    let www = origin("www").await;
    let env = [
        ("PLATFORM", "cloudflare"),
        ("MODE", "proxy"),
        (
            "ROUTES",
            r#"{"DE": "http://de.test", "FR": "http://fr.test", "EU": "http://eu.test", "default": "http://www.test"}"#,
        ),
        ("FALLBACK", "EU, default"),
        ("DEBUG_HEADER", "true"),
    ];
    let origins = [
        ("de.test", down),
        ("fr.test", sick.addr),
        ("eu.test", eu.addr),
        ("www.test", www.addr),
    ];
    let host = host(&env, &origins).await;

    // Connection refused, then the first fallback answers.
    let ex = get(&host, "/a", &[("cf-ipcountry", "DE")]).await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(
        text(&ex),
        "eu GET /a e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(header(&ex, "x-geo-route"), "EU; country=DE; via=fallback");
    assert_eq!(ex.stats.outgoing.len(), 2);

    // A 5xx counts as down too; its body never reaches the visitor.
    let ex = get(&host, "/b", &[("cf-ipcountry", "FR")]).await;
    assert_eq!(
        text(&ex),
        "eu GET /b e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(sick.received().len(), 1);

    // A small PUT body is kept and sent again.
    let ex = host
        .send(request(
            "PUT",
            "/c",
            &[("cf-ipcountry", "FR")],
            Bytes::from_static(b"hello"),
        ))
        .await
        .unwrap();
    assert_eq!(text(&ex), format!("eu PUT /c {}", sha256(b"hello")));
    assert_eq!(sick.received()[1].body_len, 5);

    // POST is not idempotent: it goes to the chosen origin only.
    let ex = host
        .send(request(
            "POST",
            "/d",
            &[("cf-ipcountry", "FR")],
            Bytes::from_static(b"order"),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 503);
    assert_eq!(ex.stats.outgoing.len(), 1);
    let ex = host
        .send(request(
            "POST",
            "/d",
            &[("cf-ipcountry", "DE")],
            Bytes::from_static(b"order"),
        ))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 502);
    assert_eq!(ex.stats.outgoing.len(), 1);
    assert_eq!(eu.received().len(), 3, "nothing more reached the fallback");

    // A PUT too large to keep streams once, without failover.
    let big = Bytes::from(vec![1u8; 200_000]);
    let ex = host
        .send(request("PUT", "/e", &[("cf-ipcountry", "FR")], big.clone()))
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 503);
    assert_eq!(ex.stats.outgoing.len(), 1);
    assert_eq!(sick.received().last().unwrap().body_sha256, sha256(&big));
}

#[tokio::test]
async fn a_slow_origin_times_out_and_the_next_answers() {
    let late = slow(Duration::from_secs(3)).await;
    let www = origin("www").await;
    let env = [
        ("PLATFORM", "cloudflare"),
        ("MODE", "proxy"),
        (
            "ROUTES",
            r#"{"DE": "http://de.test", "default": "http://www.test"}"#,
        ),
        ("FALLBACK", "default"),
        ("TIMEOUT_MS", "300"),
    ];
    let host = host(&env, &[("de.test", late.addr), ("www.test", www.addr)]).await;
    let started = std::time::Instant::now();
    let ex = get(&host, "/", &[("cf-ipcountry", "DE")]).await;
    assert_eq!(ex.response.status(), 200);
    assert!(text(&ex).starts_with("www GET /"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn all_origins_down_is_a_502_naming_no_address() {
    let down = closed_port().await;
    let late = slow(Duration::from_secs(3)).await;
    let env = [
        ("PLATFORM", "cloudflare"),
        ("MODE", "proxy"),
        (
            "ROUTES",
            r#"{"DE": "http://de-internal.test:8443", "default": "http://10.0.0.7"}"#,
        ),
        ("FALLBACK", "default"),
        ("TIMEOUT_MS", "300"),
        ("DEBUG_HEADER", "true"),
    ];
    let host = host(&env, &[("de-internal.test", down), ("10.0.0.7", late.addr)]).await;
    let ex = get(&host, "/", &[("cf-ipcountry", "DE")]).await;
    assert_eq!(ex.response.status(), 502);
    assert_eq!(ex.stats.outgoing.len(), 2);
    let shown = format!("{:?} {}", ex.response.headers(), text(&ex));
    for secret in [
        "de-internal",
        "10.0.0.7",
        "8443",
        "127.0.0.1",
        &down.port().to_string(),
    ] {
        assert!(!shown.contains(secret), "{secret} shown: {shown}");
    }
    assert!(text(&ex).starts_with("bad gateway"), "{}", text(&ex));
    assert_eq!(
        header(&ex, "x-geo-route"),
        "default; country=DE; via=fallback"
    );
    // The cause is in the log, under the request id the visitor got.
    let id = header(&ex, "x-request-id");
    assert!(ex.stats.stderr.contains(id), "{}", ex.stats.stderr);
    assert!(ex.stats.stderr.contains("route DE"), "{}", ex.stats.stderr);
}

#[tokio::test]
async fn every_bad_configuration_names_its_key_and_sends_nothing() {
    let good = [
        ("PLATFORM", "cloudflare"),
        ("MODE", "proxy"),
        ("ROUTES", ROUTES),
        ("GROUPS", GROUPS),
    ];
    let cases: &[(&str, &str, &str)] = &[
        ("ROUTES", "{\"DE\": \"http://de.test\",", "ROUTES"),
        ("ROUTES", r#"{"DE": "http://de.test"}"#, "ROUTES"),
        (
            "ROUTES",
            r#"{"DE": "de.test", "default": "http://www.test"}"#,
            "ROUTES",
        ),
        (
            "ROUTES",
            r#"{"DE": "ftp://de.test", "default": "http://www.test"}"#,
            "ROUTES",
        ),
        (
            "ROUTES",
            r#"{"de": "http://de.test", "default": "http://www.test"}"#,
            "ROUTES",
        ),
        // A route named twice: which one was meant cannot be known.
        (
            "ROUTES",
            r#"{"DE": "http://de.test", "DE": "http://other.test", "default": "http://www.test"}"#,
            "ROUTES",
        ),
        (
            "ROUTES",
            r#"{"default": "http://www.test"} trailing"#,
            "ROUTES",
        ),
        ("GROUPS", r#"{"DACH": ["DE", "AT""#, "GROUPS"),
        ("GROUPS", r#"{"DACH": "DE"}"#, "GROUPS"),
        ("GROUPS", r#"{"DACH": ["DE", "Austria"]}"#, "GROUPS"),
        ("IP_RULES", r#"{"10.0.0.0/8": "DE""#, "IP_RULES"),
        ("IP_RULES", r#"{"10.0.0.0/99": "DE"}"#, "IP_RULES"),
        ("IP_RULES", r#"{"10.0.0.0/8": "office"}"#, "IP_RULES"),
        ("FALLBACK", "EU, APAC", "FALLBACK"),
        ("PLATFORM", "akamai", "PLATFORM"),
        ("MODE", "teleport", "MODE"),
        ("REDIRECT_STATUS", "303", "REDIRECT_STATUS"),
        ("TIMEOUT_MS", "0", "TIMEOUT_MS"),
        ("BLOCK_COUNTRIES", "RU, ru", "BLOCK_COUNTRIES"),
    ];
    let de = origin("de").await;
    for (key, value, named) in cases {
        let mut env: Vec<(&str, &str)> = good.iter().filter(|(k, _)| k != key).copied().collect();
        env.push((key, value));
        let host = host(&env, &[("de.test", de.addr)]).await;
        let ex = get(&host, "/", &[("cf-ipcountry", "DE")]).await;
        assert_eq!(ex.response.status(), 500, "{key}={value}");
        assert!(
            text(&ex).contains("Configuration error"),
            "{key}={value}: {}",
            text(&ex)
        );
        assert!(
            text(&ex).contains(&format!("<code>{named}</code>")),
            "{key}={value}: {}",
            text(&ex)
        );
        assert!(!text(&ex).contains(value), "the value is not shown");
        assert!(ex.stats.outgoing.is_empty(), "{key}={value}");
    }
    let missing: Vec<(&str, &str)> = good
        .iter()
        .filter(|(k, _)| *k != "ROUTES")
        .copied()
        .collect();
    let ex = get(&host(&missing, &[]).await, "/", &[]).await;
    assert_eq!(ex.response.status(), 500);
    assert!(
        text(&ex).contains("<code>ROUTES</code>: missing"),
        "{}",
        text(&ex)
    );
    assert!(de.received().is_empty());
}

#[tokio::test]
async fn runs_unchanged_under_jco_and_wasmtime_serve() {
    let www = origin("www").await;
    let routes = format!(
        r#"{{"DE": "http://de.test", "EU": "http://eu.test", "default": "http://{}"}}"#,
        www.addr
    );
    let redirect: Vec<(&str, String)> = vec![
        ("PLATFORM", "generic".into()),
        ("ROUTES", routes.clone()),
        ("BLOCK_COUNTRIES", "RU".into()),
    ];
    let proxy: Vec<(&str, String)> = vec![
        ("PLATFORM", "generic".into()),
        ("ROUTES", routes),
        ("MODE", "proxy".into()),
    ];
    let with = |uri: &str, country: &str| {
        let mut req = portable::get(uri);
        req.headers_mut()
            .insert("x-geo-country", country.parse().unwrap());
        req
    };
    for other in [Other::Jco, Other::Wasmtime] {
        portable::assert_same(
            other,
            GEO_ROUTER,
            &redirect,
            vec![
                with("/a?b=1", "DE"),
                with("/a", "FR"),
                with("/a", "RU"),
                portable::get("/a"),
            ],
        )
        .await;
        portable::assert_same(other, GEO_ROUTER, &proxy, vec![portable::get("/page?q=1")]).await;
        portable::assert_same(
            other,
            GEO_ROUTER,
            &[("ROUTES", "{".to_string())],
            vec![portable::get("/")],
        )
        .await;
    }
}

// ---- Attacks (issue 21): each under edgekit-host and `wasmtime serve`,
// with loopback origins, and the exact answer asserted.

fn attack(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    payload: Payload,
) -> http::Request<Payload> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(payload).unwrap()
}

fn nothing() -> Payload {
    Payload::Whole(Bytes::new())
}

#[tokio::test]
async fn a_duplicated_address_header_is_not_trusted() {
    let routes = r#"{"office": "http://office.test", "default": "http://www.test"}"#.to_string();
    let rules = r#"{"203.0.113.0/24": "office"}"#.to_string();
    for (platform, name) in [
        ("fastedge", "x-real-ip"),
        ("cloudflare", "cf-connecting-ip"),
    ] {
        let env = [
            ("PLATFORM", platform.to_string()),
            ("ROUTES", routes.clone()),
            ("IP_RULES", rules.clone()),
            ("DEBUG_HEADER", "true".to_string()),
        ];
        let hosts = TwoHosts::start(GEO_ROUTER, &env).await;
        // The platform's own copy alone is believed...
        for answer in hosts
            .send(|_| attack("GET", "/", &[(name, "203.0.113.7")], nothing()))
            .await
        {
            assert_eq!(
                answer.header("location"),
                "http://office.test/",
                "{}",
                answer.which
            );
        }
        // ...a second copy, in either order, makes neither believed.
        for pair in [
            ["203.0.113.7", "198.51.100.1"],
            ["198.51.100.1", "203.0.113.7"],
        ] {
            for answer in hosts
                .send(|_| attack("GET", "/", &[(name, pair[0]), (name, pair[1])], nothing()))
                .await
            {
                assert_eq!(answer.status, 302, "{}", answer.which);
                assert_eq!(
                    answer.header("location"),
                    "http://www.test/",
                    "{} {name}",
                    answer.which
                );
                assert_eq!(
                    answer.header("x-geo-route"),
                    "default; country=unknown; via=default",
                    "{}",
                    answer.which
                );
            }
        }
    }
}

#[tokio::test]
async fn only_listed_request_headers_reach_the_origin_under_either_host() {
    let www = origin("www").await;
    let env = [
        ("ROUTES", format!(r#"{{"default": "http://{}"}}"#, www.addr)),
        ("MODE", "proxy".to_string()),
        ("FORWARD_HEADERS", "x-api-key".to_string()),
    ];
    let hosts = TwoHosts::start(GEO_ROUTER, &env).await;
    for answer in hosts
        .send(|_| {
            attack(
                "GET",
                "/page",
                &[
                    ("connection", "x-secret-hop, cookie"),
                    ("x-secret-hop", "1"),
                    ("keep-alive", "timeout=5"),
                    ("x-forwarded-for", "192.0.2.66"),
                    ("x-real-ip", "192.0.2.66"),
                    ("cookie", "session=abc"),
                    ("x-api-key", "k"),
                ],
                nothing(),
            )
        })
        .await
    {
        assert_eq!(answer.status, 200, "{}: {}", answer.which, answer.text());
    }
    let received = www.received();
    assert_eq!(received.len(), 2);
    for got in received {
        for name in [
            "x-secret-hop",
            "keep-alive",
            "x-forwarded-for",
            "x-real-ip",
            "connection",
        ] {
            assert!(!got.headers.contains_key(name), "{name} was forwarded");
        }
        assert_eq!(got.headers["x-api-key"], "k");
        assert_eq!(got.headers["cookie"], "session=abc");
    }
}

#[tokio::test]
async fn a_cut_body_and_dead_origins_answer_fixed_messages() {
    let down = closed_port().await;
    let env = [
        (
            "ROUTES",
            format!(r#"{{"EU": "http://{down}", "default": "http://{down}"}}"#),
        ),
        ("MODE", "proxy".to_string()),
        ("FALLBACK", "EU".to_string()),
    ];
    let hosts = TwoHosts::start(GEO_ROUTER, &env).await;
    for answer in hosts.send(|_| attack("GET", "/", &[], nothing())).await {
        assert_eq!(answer.status, 502, "{}", answer.which);
        assert!(
            answer
                .text()
                .starts_with("bad gateway: no origin could answer (request id: "),
            "{}: {}",
            answer.which,
            answer.text()
        );
    }
    // A body small enough to be kept for failover is read first: cut
    // short, it is a 400 with the component's words, not the host's.
    for answer in hosts
        .send(|_| {
            attack(
                "PUT",
                "/",
                &[],
                Payload::Cut {
                    sent: Bytes::from(vec![b'x'; 10_000]),
                    declared: 50_000,
                },
            )
        })
        .await
    {
        assert_eq!(answer.status, 400, "{}: {}", answer.which, answer.text());
        assert_eq!(
            answer.text(),
            "the request body could not be read\n",
            "{}",
            answer.which
        );
    }
}
