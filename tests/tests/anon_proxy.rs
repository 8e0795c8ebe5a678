//! The anon-proxy component, built for wasm32-wasip2 and driven through
//! `edgekit-host` with real loopback origins. Every refusal is checked for
//! its status and for what reached the network: nothing.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host, HostBuilder, Outcome};
use edgekit_tests::portable::{self, Other, assert_same};
use edgekit_tests::two_hosts::{Payload, TwoHosts};
use edgekit_tests::{ANON_PROXY, Backend, Received};
use http::{HeaderMap, Response};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const AGENT: &str = "Mozilla/5.0 (compatible; anon-proxy)";

/// Percent-encodes everything but unreserved characters, as a client
/// building `?url=` should.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn via(target: &str) -> String {
    format!("/?url={}", encode(target))
}

fn builder(env: &[(&str, &str)]) -> HostBuilder {
    let mut builder = Host::builder(ANON_PROXY).deny_unlisted_hosts();
    for (key, value) in env {
        builder = builder.env(*key, *value);
    }
    builder
}

/// An open proxy (the operator's explicit choice) with `origin.test` routed
/// to `origin`.
async fn open_proxy(origin: &Backend, env: &[(&str, &str)]) -> Host {
    let mut all = vec![("OPEN_PROXY", "true")];
    all.extend_from_slice(env);
    builder(&all)
        .route("origin.test", origin.addr)
        .build()
        .await
        .unwrap()
}

async fn get(host: &Host, uri: &str) -> Exchange {
    send(
        host,
        http::Request::get(uri)
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await
}

async fn send(host: &Host, request: http::Request<Full<Bytes>>) -> Exchange {
    host.send(request).await.unwrap()
}

fn text(ex: &Exchange) -> &str {
    std::str::from_utf8(ex.response.body()).unwrap_or("<binary>")
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// The proxy refused before sending anything anywhere.
#[track_caller]
fn assert_refused(ex: &Exchange, status: u16, origin: &Backend, what: &str) {
    assert_eq!(ex.response.status(), status, "{what}: {}", text(ex));
    assert!(
        ex.stats.outgoing.is_empty(),
        "{what}: sent {:?}",
        ex.stats.outgoing
    );
    assert!(
        origin.received().is_empty(),
        "{what}: the origin received a request"
    );
    assert!(ex.stats.failure.is_none(), "{what}: {:?}", ex.stats.failure);
    assert_eq!(
        header(ex.response.headers(), "referrer-policy"),
        "no-referrer",
        "{what}"
    );
}

async fn ok_origin() -> Backend {
    Backend::text("hello from the origin").await
}

#[tokio::test]
async fn fetches_the_target_and_returns_its_answer() {
    let origin = Backend::start(|received: Received| async move {
        Response::builder()
            .header("content-type", "text/plain")
            .header("etag", "\"v1\"")
            .header("cache-control", "max-age=60")
            .body(Bytes::from(format!("you asked for {}", received.uri)))
            .unwrap()
    })
    .await;
    let host = open_proxy(&origin, &[]).await;
    let ex = get(&host, &via("http://origin.test/a/b?x=1&y=%C3%A9#top")).await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(text(&ex), "you asked for /a/b?x=1&y=%C3%A9");
    let headers = ex.response.headers();
    assert_eq!(header(headers, "content-type"), "text/plain");
    assert_eq!(header(headers, "etag"), "\"v1\"");
    assert_eq!(header(headers, "cache-control"), "max-age=60");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff");
    assert_eq!(ex.stats.outgoing.len(), 1);
    assert_eq!(
        ex.stats.outgoing[0].uri.to_string(),
        "http://origin.test/a/b?x=1&y=%C3%A9"
    );
    assert_eq!(ex.stats.outgoing[0].outcome, Outcome::Routed(origin.addr));
}

#[tokio::test]
async fn the_target_learns_nothing_about_the_client() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[("FORWARD_HEADERS", "DNT")]).await;
    let mut request = http::Request::get(via("http://origin.test/"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    for (name, value) in [
        ("accept", "text/html"),
        ("accept-language", "de-CH"),
        ("accept-encoding", "gzip"),
        ("range", "bytes=0-4"),
        ("if-none-match", "\"abc\""),
        ("if-modified-since", "Sat, 01 Jan 2000 00:00:00 GMT"),
        ("dnt", "1"),
        ("user-agent", "MyBrowser/1.0 (Ada's laptop)"),
        ("cookie", "session=secret"),
        ("authorization", "Bearer client-secret"),
        ("referer", "https://ada.example/private"),
        ("origin", "https://ada.example"),
        ("x-forwarded-for", "198.51.100.23"),
        ("x-forwarded-host", "ada.example"),
        ("x-forwarded-proto", "https"),
        ("forwarded", "for=198.51.100.23"),
        ("via", "1.1 ada-corp"),
        ("x-real-ip", "198.51.100.23"),
        ("true-client-ip", "198.51.100.23"),
        ("cf-connecting-ip", "198.51.100.23"),
        ("cf-ipcountry", "CH"),
        ("fastly-client-ip", "198.51.100.23"),
        ("x-geo-country", "CH"),
        ("x-client-ip", "198.51.100.23"),
        ("sec-ch-ua-platform", "\"Linux\""),
        ("x-custom-tracking", "ada-42"),
    ] {
        request.headers_mut().append(name, value.parse().unwrap());
    }
    let ex = send(&host, request).await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    let received = origin.received();
    assert_eq!(received.len(), 1);
    let mut names: Vec<&str> = received[0].headers.keys().map(|n| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "accept-encoding",
            "accept-language",
            "dnt",
            "host",
            "if-modified-since",
            "if-none-match",
            "range",
            "user-agent"
        ]
    );
    let headers = &received[0].headers;
    assert_eq!(header(headers, "user-agent"), AGENT);
    assert_eq!(header(headers, "host"), "origin.test");
    assert_eq!(header(headers, "accept-language"), "de-CH");
    assert_eq!(header(headers, "range"), "bytes=0-4");
}

#[tokio::test]
async fn the_response_loses_what_would_act_on_the_proxy_origin() {
    let origin = Backend::start(|_| async {
        Response::builder()
            .header("content-type", "text/html")
            .header("set-cookie", "track=1; Path=/")
            .header("set-cookie", "other=2")
            .header("set-cookie2", "old=3")
            .header("alt-svc", "h3=\":443\"")
            .header("server-timing", "db;dur=53")
            .header("strict-transport-security", "max-age=31536000")
            .header("nel", "{\"report_to\":\"x\"}")
            .header("report-to", "{}")
            .header("access-control-allow-origin", "*")
            .header("referrer-policy", "unsafe-url")
            .header("x-kept", "yes")
            .body(Bytes::from_static(b"<p>hi</p>"))
            .unwrap()
    })
    .await;
    let host = open_proxy(&origin, &[]).await;
    let ex = get(&host, &via("http://origin.test/")).await;
    assert_eq!(ex.response.status(), 200);
    let headers = ex.response.headers();
    for gone in [
        "set-cookie",
        "set-cookie2",
        "alt-svc",
        "server-timing",
        "strict-transport-security",
        "nel",
        "report-to",
        "access-control-allow-origin",
    ] {
        assert!(!headers.contains_key(gone), "{gone} was passed on");
    }
    assert_eq!(header(headers, "referrer-policy"), "no-referrer");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(headers, "x-kept"), "yes");
    assert_eq!(text(&ex), "<p>hi</p>");
}

#[tokio::test]
async fn head_is_allowed_and_answers_without_a_body() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[]).await;
    let request = http::Request::head(via("http://origin.test/"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let ex = send(&host, request).await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert!(ex.response.body().is_empty());
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
    assert_ne!(header(ex.response.headers(), "content-length"), "0");
    assert_eq!(origin.received()[0].method, http::Method::HEAD);
}

#[tokio::test]
async fn a_missing_or_unparsable_url_is_a_400() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[]).await;
    for uri in [
        "/".to_owned(),
        "/?token=x".to_owned(),
        "/?url=".to_owned(),
        "/?url=%20".to_owned(),
        "/?url=origin.test".to_owned(),
        "/?url=/relative".to_owned(),
        "/?url=http%3A%2F%2F".to_owned(),
        via("http://[::1"),
        via("http://256.0.0.1/"),
        via("http://1.2.3.4.5/"),
        via("http://[fe80::1%eth0]/"),
        via("http://exa mple.test/"),
        format!(
            "{}&url={}",
            via("http://origin.test/a"),
            encode("http://origin.test/b")
        ),
    ] {
        let ex = get(&host, &uri).await;
        assert_refused(&ex, 400, &origin, &uri);
    }
}

/// At least thirty ways to spell a place the proxy must not go, each
/// refused with `403` and a reason, before any request leaves.
#[tokio::test]
async fn blocked_targets_are_a_403_with_the_reason() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[("ALLOWED_PORTS", "80,443,8080")]).await;
    let cases = [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://0x7f000001/", "loopback"),
        ("http://0177.0.0.1/", "loopback"),
        ("http://127.000.000.001/", "loopback"),
        ("http://127.0.0.1./", "loopback"),
        ("http://%31%32%37.0.0.1/", "loopback"),
        ("http://\u{ff11}\u{ff12}\u{ff17}.0.0.1/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:7f00:1]:8080/", "loopback"),
        ("http://[::127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::7f00:1]/", "loopback"),
        ("http://[2002:7f00:1::]/", "loopback"),
        ("http://0/", "unspecified"),
        ("http://0.0.0.0:8080/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://10.0.0.1/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://3232235521/", "private"),
        ("http://[fc00::1]/", "private"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        (
            "http://169.254.169.254/latest/meta-data/iam/",
            "cloud metadata",
        ),
        ("http://0xa9fea9fe/", "cloud metadata"),
        ("http://[::ffff:169.254.169.254]/", "cloud metadata"),
        ("http://[fe80::1]/", "link-local"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://255.255.255.255/", "reserved"),
        ("http://localhost/", "loopback name"),
        ("http://LOCALHOST./", "loopback name"),
        ("http://api.localhost/", "loopback name"),
        ("http://\u{24db}ocalhost/", "loopback name"),
        ("http://printer.local/", ".local"),
        (
            "http://metadata.google.internal/computeMetadata/v1/",
            "internal name",
        ),
        ("http://metadata/", "single-label"),
        ("http://user:pass@origin.test/", "user name or password"),
        ("http://origin.test@127.0.0.1/", "user name or password"),
        ("file:///etc/passwd", "scheme \"file\""),
        ("gopher://origin.test/", "scheme \"gopher\""),
        ("ftp://origin.test/", "scheme \"ftp\""),
        ("http://origin.test:22/", "port 22"),
        ("https://origin.test:6379/", "port 6379"),
    ];
    assert!(cases.len() >= 30);
    for (target, reason) in cases {
        let ex = get(&host, &via(target)).await;
        assert_refused(&ex, 403, &origin, target);
        assert!(
            text(&ex).starts_with("blocked target: "),
            "{target}: {}",
            text(&ex)
        );
        assert!(text(&ex).contains(reason), "{target}: {}", text(&ex));
    }
}

/// The same targets written without percent-encoding, double-encoded, or
/// with WHATWG's backslash and missing-slash forms.
#[tokio::test]
async fn blocked_targets_in_raw_and_double_encoded_queries() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[]).await;
    for uri in [
        "/?url=http://127.0.0.1/",
        "/?url=http://0x7f.1/",
        "/?url=http://[::ffff:127.0.0.1]/",
        "/?url=http%3A%2F%2F127%252E0%252E0%252E1%2F",
        "/?url=http%3A%2F%2F%2531%2532%2537.0.0.1%2F",
        "/?url=http:/%5C127.0.0.1/",
        "/?url=http:127.0.0.1/",
        "/?url=HTTP://LocalHost/",
        "/?url=http://169.254.169.254%2Flatest",
    ] {
        let ex = get(&host, uri).await;
        assert_refused(&ex, 403, &origin, uri);
    }
}

#[tokio::test]
async fn a_redirect_to_a_blocked_target_is_a_403_and_never_followed() {
    let inside = Backend::text("internal secrets").await;
    let port = inside.addr.port();
    let targets = [
        format!("http://127.0.0.1:{port}/secret"),
        format!("http://2130706433:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("http://localhost:{port}/"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[fd00::1]/".to_owned(),
        "file:///etc/passwd".to_owned(),
        "http://user:pw@origin.test/".to_owned(),
    ];
    for target in targets {
        let location = target.clone();
        let origin = Backend::start(move |_| {
            let location = location.clone();
            async move {
                Response::builder()
                    .status(302)
                    .header("location", location)
                    .body(Bytes::new())
                    .unwrap()
            }
        })
        .await;
        let ports = format!("80,443,{port}");
        let host = open_proxy(&origin, &[("ALLOWED_PORTS", &ports)]).await;
        let ex = get(&host, &via("http://origin.test/go")).await;
        assert_eq!(ex.response.status(), 403, "{target}: {}", text(&ex));
        assert!(
            text(&ex).starts_with("blocked target: "),
            "{target}: {}",
            text(&ex)
        );
        assert_eq!(
            ex.stats.outgoing.len(),
            1,
            "{target}: only the first hop is sent"
        );
        assert_eq!(origin.received().len(), 1);
    }
    assert!(inside.received().is_empty());
}

#[tokio::test]
async fn redirects_are_followed_hop_by_hop() {
    let origin = Backend::start(|received: Received| async move {
        let path = received.uri.path().to_owned();
        let builder = Response::builder();
        match path.as_str() {
            "/start" => builder
                .status(301)
                .header("location", "/middle")
                .body(Bytes::new()),
            "/middle" => builder
                .status(307)
                .header("location", "http://second.test/end?x=1")
                .body(Bytes::new()),
            _ => builder.body(Bytes::from("arrived")),
        }
        .unwrap()
    })
    .await;
    let second = Backend::start(|received: Received| async move {
        Response::new(Bytes::from(format!("second got {}", received.uri)))
    })
    .await;
    let host = builder(&[("ALLOWED_HOSTS", "origin.test, second.test")])
        .route("origin.test", origin.addr)
        .route("second.test", second.addr)
        .build()
        .await
        .unwrap();
    let ex = get(&host, &via("http://origin.test/start")).await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(text(&ex), "second got /end?x=1");
    let uris: Vec<String> = ex
        .stats
        .outgoing
        .iter()
        .map(|r| r.uri.to_string())
        .collect();
    assert_eq!(
        uris,
        [
            "http://origin.test/start",
            "http://origin.test/middle",
            "http://second.test/end?x=1"
        ]
    );
    // Each hop is checked: a redirect to a host outside ALLOWED_HOSTS stops.
    let third = Backend::start(|_| async {
        Response::builder()
            .status(302)
            .header("location", "http://elsewhere.test/")
            .body(Bytes::new())
            .unwrap()
    })
    .await;
    let host = builder(&[("ALLOWED_HOSTS", "origin.test")])
        .route("origin.test", third.addr)
        .build()
        .await
        .unwrap();
    let ex = get(&host, &via("http://origin.test/")).await;
    assert_eq!(ex.response.status(), 403);
    assert_eq!(
        text(&ex),
        "blocked target: host elsewhere.test is not in ALLOWED_HOSTS\n"
    );
    assert_eq!(ex.stats.outgoing.len(), 1);
}

#[tokio::test]
async fn a_redirect_loop_is_a_508_and_too_many_redirects_a_502() {
    let looping = Backend::start(|received: Received| async move {
        let next = if received.uri.path() == "/a" {
            "/b"
        } else {
            "/a"
        };
        Response::builder()
            .status(302)
            .header("location", next)
            .body(Bytes::new())
            .unwrap()
    })
    .await;
    let host = open_proxy(&looping, &[]).await;
    let ex = get(&host, &via("http://origin.test/a")).await;
    assert_eq!(ex.response.status(), 508, "{}", text(&ex));
    assert!(text(&ex).contains("redirects in a loop"));
    assert_eq!(looping.received().len(), 2);

    let onwards = Backend::start(|received: Received| async move {
        let n: u32 = received.uri.path()[1..].parse().unwrap_or(0);
        Response::builder()
            .status(302)
            .header("location", format!("/{}", n + 1))
            .body(Bytes::new())
            .unwrap()
    })
    .await;
    let host = open_proxy(&onwards, &[("MAX_REDIRECTS", "3")]).await;
    let ex = get(&host, &via("http://origin.test/0")).await;
    assert_eq!(ex.response.status(), 502, "{}", text(&ex));
    assert!(
        text(&ex).starts_with("too many redirects (MAX_REDIRECTS is 3)"),
        "{}",
        text(&ex)
    );
    // The first request and three redirects, and no fourth.
    assert_eq!(onwards.received().len(), 4);
}

#[tokio::test]
async fn rewrite_mode_sends_the_client_back_through_the_proxy() {
    let origin = Backend::start(|_| async {
        Response::builder()
            .status(302)
            .header("location", "/next?a=1&b=2")
            .body(Bytes::new())
            .unwrap()
    })
    .await;
    let host = open_proxy(&origin, &[("REDIRECT_MODE", "rewrite")]).await;
    let ex = get(&host, &via("http://origin.test/first")).await;
    assert_eq!(ex.response.status(), 302);
    assert_eq!(
        header(ex.response.headers(), "location"),
        "/?url=http%3A%2F%2Forigin.test%2Fnext%3Fa%3D1%26b%3D2"
    );
    assert_eq!(origin.received().len(), 1);
}

#[tokio::test]
async fn without_an_explicit_choice_the_proxy_refuses_to_run() {
    let origin = ok_origin().await;
    for env in [
        vec![],
        vec![("OPEN_PROXY", "false")],
        vec![("ACCESS_TOKEN", "")],
    ] {
        let host = builder(&env)
            .route("origin.test", origin.addr)
            .build()
            .await
            .unwrap();
        let ex = get(&host, &via("http://origin.test/")).await;
        assert_eq!(ex.response.status(), 500, "{env:?}");
        assert!(text(&ex).contains("configuration error"), "{}", text(&ex));
        assert!(
            text(&ex).contains("ALLOWED_HOSTS, ACCESS_TOKEN, or OPEN_PROXY=true"),
            "{}",
            text(&ex)
        );
        assert!(ex.stats.outgoing.is_empty());
    }
    let host = builder(&[("OPEN_PROXY", "true"), ("MAX_REDIRECTS", "lots")])
        .build()
        .await
        .unwrap();
    let ex = get(&host, &via("http://origin.test/")).await;
    assert_eq!(ex.response.status(), 500);
    assert!(text(&ex).contains("MAX_REDIRECTS"), "{}", text(&ex));
    assert!(origin.received().is_empty());
}

#[tokio::test]
async fn allowed_and_denied_hosts() {
    let origin = ok_origin().await;
    let host = builder(&[
        ("ALLOWED_HOSTS", "*.example.test, origin.test"),
        ("DENIED_HOSTS", "admin.example.test"),
    ])
    .route("origin.test", origin.addr)
    .route("www.example.test", origin.addr)
    .route("admin.example.test", origin.addr)
    .build()
    .await
    .unwrap();
    assert_eq!(
        get(&host, &via("http://origin.test/"))
            .await
            .response
            .status(),
        200
    );
    assert_eq!(
        get(&host, &via("http://WWW.Example.Test/"))
            .await
            .response
            .status(),
        200
    );
    assert_eq!(origin.received().len(), 2);
    for (target, reason) in [
        ("http://admin.example.test/", "is in DENIED_HOSTS"),
        ("http://example.test/", "is not in ALLOWED_HOSTS"),
        ("http://other.test/", "is not in ALLOWED_HOSTS"),
    ] {
        let ex = get(&host, &via(target)).await;
        assert_eq!(ex.response.status(), 403, "{target}");
        assert!(text(&ex).contains(reason), "{target}: {}", text(&ex));
        assert!(ex.stats.outgoing.is_empty());
    }
    assert_eq!(origin.received().len(), 2);
}

#[tokio::test]
async fn the_access_token_is_required_and_compared_exactly() {
    let origin = ok_origin().await;
    let host = builder(&[("ACCESS_TOKEN", "s3cret-t0ken")])
        .route("origin.test", origin.addr)
        .build()
        .await
        .unwrap();
    let target = via("http://origin.test/");
    for (uri, authorization) in [
        (target.clone(), None),
        (format!("{target}&token=wrong"), None),
        (format!("{target}&token=s3cret-t0ke"), None),
        (format!("{target}&token=s3cret-t0ken2"), None),
        (target.clone(), Some("Bearer S3CRET-T0KEN")),
        (target.clone(), Some("Basic czNjcmV0LXQwa2Vu")),
        (format!("{target}&token=s3cret-t0ken"), Some("Bearer wrong")),
    ] {
        let mut request = http::Request::get(&uri);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let ex = send(&host, request.body(Full::new(Bytes::new())).unwrap()).await;
        assert_refused(&ex, 401, &origin, &format!("{uri} {authorization:?}"));
        assert_eq!(header(ex.response.headers(), "www-authenticate"), "Bearer");
        assert!(!text(&ex).contains("s3cret"));
    }
    let ex = get(&host, &format!("{target}&token=s3cret-t0ken")).await;
    assert_eq!(ex.response.status(), 200);
    let request = http::Request::get(&target).header("authorization", "Bearer s3cret-t0ken");
    let ex = send(&host, request.body(Full::new(Bytes::new())).unwrap()).await;
    assert_eq!(ex.response.status(), 200);
    // The token is the proxy's: it never reaches the target.
    for received in origin.received() {
        assert!(!received.headers.contains_key("authorization"));
        assert!(!received.uri.to_string().contains("s3cret"));
    }
    // A wrong token is a 401 even for a blocked target: nothing is revealed.
    let ex = get(&host, &via("http://127.0.0.1/")).await;
    assert_eq!(ex.response.status(), 401);
}

#[tokio::test]
async fn methods_other_than_get_and_head_are_a_405_unless_allowed() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[]).await;
    for method in [
        "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ] {
        let request = http::Request::builder()
            .method(method)
            .uri(via("http://origin.test/"))
            .body(Full::new(Bytes::from_static(b"payload")))
            .unwrap();
        let ex = send(&host, request).await;
        assert_refused(&ex, 405, &origin, method);
        assert_eq!(header(ex.response.headers(), "allow"), "GET, HEAD");
    }
    let host = open_proxy(
        &origin,
        &[
            ("ALLOWED_METHODS", "POST"),
            ("FORWARD_HEADERS", "content-type"),
        ],
    )
    .await;
    let request = http::Request::post(via("http://origin.test/form"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", "no=1")
        .body(Full::new(Bytes::from_static(b"a=1&b=2")))
        .unwrap();
    let ex = send(&host, request).await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    let received = &origin.received()[0];
    assert_eq!(received.method, http::Method::POST);
    assert_eq!(received.body_len, 7);
    assert_eq!(
        header(&received.headers, "content-type"),
        "application/x-www-form-urlencoded"
    );
    assert!(!received.headers.contains_key("cookie"));
}

#[tokio::test]
async fn an_unreachable_target_is_a_502_and_a_slow_one_a_504() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let host = builder(&[("OPEN_PROXY", "true"), ("TIMEOUT_MS", "300")])
        .route("closed.test", closed)
        .build()
        .await
        .unwrap();
    let ex = get(&host, &via("http://closed.test/")).await;
    assert_eq!(ex.response.status(), 502, "{}", text(&ex));
    assert!(text(&ex).starts_with("the target could not be reached"));

    let slow = Backend::start(|_| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        Response::new(Bytes::from_static(b"too late"))
    })
    .await;
    let host = builder(&[("OPEN_PROXY", "true"), ("TIMEOUT_MS", "300")])
        .route("slow.test", slow.addr)
        .build()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let ex = get(&host, &via("http://slow.test/")).await;
    assert_eq!(ex.response.status(), 504, "{}", text(&ex));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(!text(&ex).contains("too late"));
}

#[tokio::test]
async fn a_request_through_the_proxy_itself_is_a_508() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[]).await;
    // It carries the proxy's own User-Agent: it came from (an instance of) this proxy.
    let request = http::Request::get(via("http://origin.test/")).header("user-agent", AGENT);
    let ex = send(&host, request.body(Full::new(Bytes::new())).unwrap()).await;
    assert_refused(&ex, 508, &origin, "own user agent");
    // It targets the name the client reached the proxy by.
    let request = http::Request::get(via("http://proxy.test/?url=http%3A%2F%2Forigin.test%2F"))
        .header("host", "PROXY.test:80");
    let ex = send(&host, request.body(Full::new(Bytes::new())).unwrap()).await;
    assert_refused(&ex, 508, &origin, "own name");
}

/// A real loop: the proxy, served on a loopback port, is asked to fetch
/// itself under another name. The second pass recognises its own agent.
#[tokio::test]
async fn a_real_loop_through_the_network_is_cut_at_the_second_pass() {
    let origin = ok_origin().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = listener.local_addr().unwrap();
    let host = builder(&[("OPEN_PROXY", "true")])
        .route("origin.test", origin.addr)
        .route("mirror.test", proxy_addr)
        .build()
        .await
        .unwrap();
    let server = tokio::spawn(host.clone().serve(listener));
    let inner = format!("http://mirror.test/?url={}", encode("http://origin.test/"));
    let ex = get(&host, &via(&inner)).await;
    server.abort();
    assert_eq!(ex.response.status(), 508, "{}", text(&ex));
    assert!(
        text(&ex).contains("came through this proxy"),
        "{}",
        text(&ex)
    );
    assert!(origin.received().is_empty());
}

#[tokio::test]
async fn cors_when_configured() {
    let origin = ok_origin().await;
    let host = open_proxy(&origin, &[("CORS_ALLOW_ORIGIN", "https://app.example")]).await;
    let preflight = http::Request::builder()
        .method("OPTIONS")
        .uri(via("http://origin.test/"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let ex = send(&host, preflight).await;
    assert_refused(&ex, 204, &origin, "preflight");
    let headers = ex.response.headers();
    assert_eq!(
        header(headers, "access-control-allow-origin"),
        "https://app.example"
    );
    assert_eq!(header(headers, "access-control-allow-methods"), "GET, HEAD");
    assert!(header(headers, "access-control-allow-headers").starts_with("authorization, accept"));
    let ex = get(&host, &via("http://origin.test/")).await;
    assert_eq!(
        header(ex.response.headers(), "access-control-allow-origin"),
        "https://app.example"
    );
    let ex = get(&host, &via("http://127.0.0.1/")).await;
    assert_eq!(ex.response.status(), 403);
    assert_eq!(
        header(ex.response.headers(), "access-control-allow-origin"),
        "https://app.example"
    );
}

/// A loopback origin that answers `total` bytes in 64 KiB chunks, with a
/// `Content-Length` or without one (chunked).
async fn streaming_origin(total: u64, with_length: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let service = service_fn(move |_request| async move {
                let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
                let frames = futures_lite::stream::unfold(total, move |left| {
                    let chunk = chunk.clone();
                    async move {
                        (left > 0).then(|| {
                            let n = left.min(chunk.len() as u64);
                            (
                                Ok::<_, Infallible>(Frame::data(chunk.slice(..n as usize))),
                                left - n,
                            )
                        })
                    }
                });
                let mut response = Response::new(StreamBody::new(frames));
                if with_length {
                    response
                        .headers_mut()
                        .insert("content-length", total.into());
                }
                Ok::<_, Infallible>(response)
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    addr
}

#[tokio::test]
async fn a_response_over_max_response_bytes_is_refused_or_cut() {
    // Announced too large: refused before a byte is passed on.
    let addr = streaming_origin(3 << 20, true).await;
    let host = builder(&[("OPEN_PROXY", "true"), ("MAX_RESPONSE_BYTES", "1048576")])
        .route("big.test", addr)
        .build()
        .await
        .unwrap();
    let ex = get(&host, &via("http://big.test/")).await;
    assert_eq!(ex.response.status(), 502);
    assert!(text(&ex).starts_with("the target's response is larger than MAX_RESPONSE_BYTES"));

    // Of unknown length: streamed until the limit, then cut and logged.
    let addr = streaming_origin(3 << 20, false).await;
    let host = builder(&[("OPEN_PROXY", "true"), ("MAX_RESPONSE_BYTES", "1048576")])
        .route("big.test", addr)
        .build()
        .await
        .unwrap();
    let ex = get(&host, &via("http://big.test/")).await;
    assert_eq!(ex.response.status(), 200);
    assert!(
        ex.response.body().len() <= 1 << 20,
        "{} bytes passed",
        ex.response.body().len()
    );
    assert!(
        ex.stats.failure.is_some(),
        "the client must see a broken transfer"
    );
    assert!(
        ex.stats
            .stderr
            .contains("MAX_RESPONSE_BYTES (1048576 bytes)"),
        "{}",
        ex.stats.stderr
    );

    // Within the limit, both kinds pass whole.
    for with_length in [true, false] {
        let addr = streaming_origin(1 << 20, with_length).await;
        let host = builder(&[("OPEN_PROXY", "true"), ("MAX_RESPONSE_BYTES", "1048576")])
            .route("big.test", addr)
            .build()
            .await
            .unwrap();
        let ex = get(&host, &via("http://big.test/")).await;
        assert_eq!(ex.response.status(), 200);
        assert_eq!(ex.response.body().len(), 1 << 20);
        assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
    }
}

/// 256 MiB of unknown length streams through in constant guest memory.
#[tokio::test]
async fn large_responses_stream_in_constant_memory() {
    const TOTAL: u64 = 256 << 20;
    let addr = streaming_origin(TOTAL, false).await;
    let host = builder(&[("OPEN_PROXY", "true"), ("MAX_RESPONSE_BYTES", "1073741824")])
        .route("big.test", addr)
        // What this measures is memory. The guest copies every byte, and on
        // a loaded machine that wasm time can pass the default 1 s.
        .deadline(Duration::from_secs(10))
        .build()
        .await
        .unwrap();
    let ex = host
        .send_streaming(
            http::Request::get(via("http://big.test/"))
                .body(Full::new(Bytes::new()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(ex.response.status(), 200);
    let mut body = ex.response.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        received += frame.unwrap().into_data().map_or(0, |d| d.len() as u64);
    }
    assert_eq!(received, TOTAL);
    let stats = ex.stats.await;
    assert!(stats.failure.is_none(), "{:?}", stats.failure);
    assert!(
        stats.peak_memory < 4 << 20,
        "peak linear memory {} bytes",
        stats.peak_memory
    );
}

/// What the guest cannot check, the host can: with `deny_private_egress`
/// (`edgekit serve --deny-private-egress`) a name that resolves to a
/// loopback address is refused after resolution, even when the operator's
/// ALLOWED_HOSTS lets the component send it.
#[tokio::test]
async fn the_hosts_egress_policy_refuses_names_that_resolve_inside() {
    let inside = Backend::text("internal secrets").await;
    let port = inside.addr.port().to_string();
    // Not `builder()`: its deny-unlisted rule would refuse `localhost` by
    // name, and what is tested here is the check after resolution.
    let host = |guarded: bool| {
        let builder = Host::builder(ANON_PROXY)
            .env("ALLOWED_HOSTS", "localhost")
            .env("ALLOWED_PORTS", port.as_str());
        let builder = if guarded {
            builder.deny_private_egress()
        } else {
            builder
        };
        builder.build()
    };
    let target = via(&format!("http://localhost:{port}/"));

    let ex = get(&host(true).await.unwrap(), &target).await;
    assert_eq!(ex.response.status(), 403, "{}", text(&ex));
    assert!(
        text(&ex).contains("the platform's egress policy refused it"),
        "{}",
        text(&ex)
    );
    assert_eq!(ex.stats.outgoing.len(), 1);
    assert_eq!(ex.stats.outgoing[0].outcome, Outcome::Direct);
    assert!(inside.received().is_empty());

    // The same request without the host's policy does reach it: the flag
    // is what stopped it.
    let ex = get(&host(false).await.unwrap(), &target).await;
    assert_eq!(ex.response.status(), 200, "{}", text(&ex));
    assert_eq!(inside.received().len(), 1);
}

/// The same answers under `jco serve` and `wasmtime serve -Scli`: a fetch
/// from a loopback origin (listed exactly in ALLOWED_HOSTS, the operator's
/// explicit choice), and the refusals.
async fn assert_portable(other: Other) {
    let origin = Backend::text("hello from the origin").await;
    let port = origin.addr.port().to_string();
    let env = [
        ("ALLOWED_HOSTS", "127.0.0.1".to_owned()),
        ("ALLOWED_PORTS", port.clone()),
    ];
    let target = format!("http://127.0.0.1:{port}/page");
    let requests = vec![
        portable::get(&via(&target)),
        portable::get(&via("http://localhost/")),
        portable::get(&via("http://[::ffff:7f00:1]/")),
        portable::get(&via("http://2130706433/")),
        portable::get(&via("http://example.com/")),
        portable::get("/"),
        portable::post(&via(&target), "text/plain", "body"),
    ];
    assert_same(other, ANON_PROXY, &env, requests).await;
    // The first request, once under each host; nothing else reached it.
    assert_eq!(origin.received().len(), 2);
}

#[tokio::test]
async fn runs_unchanged_under_jco() {
    assert_portable(Other::Jco).await;
}

#[tokio::test]
async fn runs_unchanged_under_wasmtime_serve() {
    assert_portable(Other::Wasmtime).await;
}

// ---- Attacks (issue 21): each under edgekit-host and `wasmtime serve`,
// with a loopback origin listed exactly, and the exact answer asserted.

const TOKEN: &str = "tok-en";

/// The proxy allowed to reach `origin` only, with `extra` settings.
async fn two_hosts(origin: &Backend, extra: &[(&str, &str)]) -> TwoHosts {
    let mut env = vec![
        ("ALLOWED_HOSTS", "127.0.0.1".to_owned()),
        ("ALLOWED_PORTS", origin.addr.port().to_string()),
    ];
    env.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    TwoHosts::start(ANON_PROXY, &env).await
}

fn request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> http::Request<Payload> {
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .body(Payload::Whole(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

/// An origin that answers `status` with `Location: location`.
async fn redirecting(status: u16, location: &'static str) -> Backend {
    Backend::start(move |_| async move {
        Response::builder()
            .status(status)
            .header("location", location)
            .body(Bytes::new())
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn a_rewritten_location_never_leaves_the_proxy_even_with_the_token() {
    let origin = redirecting(302, "/next?a=1").await;
    let port = origin.addr.port();
    let next = format!("/?url=http%3A%2F%2F127.0.0.1%3A{port}%2Fnext%3Fa%3D1");
    let target = encode(&format!("http://127.0.0.1:{port}/first"));
    for (token, query, expected) in [
        (
            Some(TOKEN),
            format!("url={target}&token={TOKEN}"),
            format!("{next}&token={TOKEN}"),
        ),
        (None, format!("url={target}"), next.clone()),
    ] {
        let mut env = vec![("REDIRECT_MODE", "rewrite")];
        env.extend(token.map(|t| ("ACCESS_TOKEN", t)));
        let hosts = two_hosts(&origin, &env).await;
        for path in ["//evil.example/", "/some/path"] {
            let uri = format!("{path}?{query}");
            for answer in hosts.send(|_| request("GET", &uri, &[], "")).await {
                assert_eq!(
                    answer.status,
                    302,
                    "{} {uri}: {}",
                    answer.which,
                    answer.text()
                );
                assert_eq!(
                    answer.header("location"),
                    expected,
                    "{} {uri}",
                    answer.which
                );
            }
        }
    }
}

#[tokio::test]
async fn a_307_for_a_post_in_follow_mode_goes_back_through_the_proxy_root() {
    let origin = redirecting(307, "/post-next").await;
    let port = origin.addr.port();
    let hosts = two_hosts(
        &origin,
        &[("ACCESS_TOKEN", TOKEN), ("ALLOWED_METHODS", "POST")],
    )
    .await;
    let uri = format!(
        "//evil.example/?url={}&token={TOKEN}",
        encode(&format!("http://127.0.0.1:{port}/post"))
    );
    for answer in hosts.send(|_| request("POST", &uri, &[], "form=1")).await {
        assert_eq!(answer.status, 307, "{}: {}", answer.which, answer.text());
        assert_eq!(
            answer.header("location"),
            format!("/?url=http%3A%2F%2F127.0.0.1%3A{port}%2Fpost-next&token={TOKEN}"),
            "{}",
            answer.which
        );
    }
}

/// An HTML page whose headers would make the browser reach the target.
async fn chatty_origin() -> Backend {
    Backend::start(|_| async {
        Response::builder()
            .header("content-type", "text/html")
            .header(
                "link",
                "<https://target.example/app.css>; rel=preload; as=style",
            )
            .header("refresh", "0; url=https://target.example/")
            .header("speculation-rules", "\"/rules.json\"")
            .header("service-worker-allowed", "/")
            .header("set-login", "logged-in")
            .header(
                "expect-ct",
                "max-age=1, report-uri=\"https://target.example/ct\"",
            )
            .header(
                "content-security-policy-report-only",
                "default-src 'none'; report-uri /r",
            )
            .header(
                "content-security-policy",
                "img-src 'self'; report-uri https://target.example/csp; report-to t",
            )
            .header("reporting-endpoints", "t=\"https://target.example/r\"")
            .header("accept-ch", "sec-ch-ua-model")
            .header("origin-agent-cluster", "?1")
            .header("x-kept", "yes")
            .body(Bytes::from_static(
                b"<script>fetch('https://target.example/?'+location.search)</script>",
            ))
            .unwrap()
    })
    .await
}

const DROPPED: [&str; 11] = [
    "link",
    "refresh",
    "speculation-rules",
    "service-worker-allowed",
    "set-login",
    "expect-ct",
    "content-security-policy-report-only",
    "reporting-endpoints",
    "accept-ch",
    "origin-agent-cluster",
    "set-cookie",
];

const SANDBOX: &str = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self' data:; \
style-src 'self' 'unsafe-inline'; font-src 'self' data:; form-action 'none'; base-uri 'none'";

#[tokio::test]
async fn a_proxied_page_is_sandboxed_and_loses_every_header_that_reaches_out() {
    let origin = chatty_origin().await;
    let target = via(&format!("http://127.0.0.1:{}/page", origin.addr.port()));
    for (sandbox, csp) in [
        (None, vec!["img-src 'self'", SANDBOX]),
        (Some("false"), vec!["img-src 'self'"]),
    ] {
        let mut env = vec![("ACCESS_TOKEN", TOKEN)];
        env.extend(sandbox.map(|s| ("SANDBOX", s)));
        let hosts = two_hosts(&origin, &env).await;
        let bearer = format!("Bearer {TOKEN}");
        for answer in hosts
            .send(|_| request("GET", &target, &[("authorization", &bearer)], ""))
            .await
        {
            assert_eq!(answer.status, 200, "{}: {}", answer.which, answer.text());
            for gone in DROPPED {
                assert!(
                    !answer.headers.contains_key(gone),
                    "{}: {gone} passed",
                    answer.which
                );
            }
            assert_eq!(
                answer.all("content-security-policy"),
                csp,
                "{}",
                answer.which
            );
            assert_eq!(answer.header("x-kept"), "yes");
            assert_eq!(answer.header("referrer-policy"), "no-referrer");
        }
    }
}

#[tokio::test]
async fn a_service_worker_script_fetch_is_refused_before_anything_is_sent() {
    let origin = ok_origin().await;
    let hosts = two_hosts(&origin, &[]).await;
    let target = via(&format!("http://127.0.0.1:{}/sw.js", origin.addr.port()));
    for value in ["script", "Script"] {
        for answer in hosts
            .send(|_| request("GET", &target, &[("service-worker", value)], ""))
            .await
        {
            assert_eq!(answer.status, 403, "{}", answer.which);
            assert_eq!(
                answer.text(),
                "service workers cannot be registered through this proxy\n",
                "{}",
                answer.which
            );
        }
    }
    assert!(origin.received().is_empty());
}

#[tokio::test]
async fn headers_named_in_connection_are_not_forwarded_under_either_host() {
    let origin = ok_origin().await;
    let hosts = two_hosts(&origin, &[]).await;
    let target = via(&format!("http://127.0.0.1:{}/", origin.addr.port()));
    for answer in hosts
        .send(|_| {
            request(
                "GET",
                &target,
                &[
                    ("connection", "x-secret-hop, accept-language"),
                    ("x-secret-hop", "1"),
                    ("keep-alive", "timeout=5"),
                ],
                "",
            )
        })
        .await
    {
        assert_eq!(answer.status, 200, "{}", answer.which);
    }
    let received = origin.received();
    assert_eq!(received.len(), 2);
    for got in received {
        for name in ["x-secret-hop", "keep-alive"] {
            assert!(!got.headers.contains_key(name), "{name} was forwarded");
        }
    }
}

#[tokio::test]
async fn a_cut_body_a_bad_url_and_a_dead_target_answer_fixed_messages() {
    let origin = ok_origin().await;
    let hosts = two_hosts(&origin, &[("ALLOWED_METHODS", "POST")]).await;
    let target = via(&format!("http://127.0.0.1:{}/", origin.addr.port()));
    for answer in hosts
        .send(|_| request("GET", "/?url=http%3A%2F%2F%5B%3A%3A1", &[], ""))
        .await
    {
        assert_eq!(answer.status, 400, "{}", answer.which);
        assert_eq!(answer.text(), "the url parameter is not an absolute URL\n");
    }

    for answer in hosts
        .send(|_| {
            let mut cut = request("POST", &target, &[("content-type", "text/plain")], "");
            *cut.body_mut() = Payload::Cut {
                sent: Bytes::from(vec![b'x'; 50_000]),
                declared: 200_000,
            };
            cut
        })
        .await
    {
        // The body streams to the target as it arrives: the cut fails
        // the target's request, and the client learns only that.
        assert_eq!(answer.status, 502, "{}: {}", answer.which, answer.text());
        assert!(
            answer
                .text()
                .starts_with("the target could not be reached (request id: "),
            "{}: {}",
            answer.which,
            answer.text()
        );
    }

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port().to_string();
    drop(closed);
    let env = [
        ("ALLOWED_HOSTS", "127.0.0.1".to_owned()),
        ("ALLOWED_PORTS", port.clone()),
    ];
    let down = TwoHosts::start(ANON_PROXY, &env).await;
    let target = via(&format!("http://127.0.0.1:{port}/"));
    for answer in down.send(|_| request("GET", &target, &[], "")).await {
        assert_eq!(answer.status, 502, "{}", answer.which);
        assert!(
            answer
                .text()
                .starts_with("the target could not be reached (request id: "),
            "{}: {}",
            answer.which,
            answer.text()
        );
    }
}
