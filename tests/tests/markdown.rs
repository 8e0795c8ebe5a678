//! The `markdown` component end to end: the real `.wasm` under
//! `edgekit-host`, its origin a real loopback HTTP server.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use edgekit_host::{Exchange, Host};
use edgekit_tests::portable::{
    Other, Server, assert_same, get as portable_get, post as portable_post,
};
use edgekit_tests::slow_origin::{Behaviour, SlowOrigin, send_cut_off};
use edgekit_tests::{Backend, MARKDOWN};
use http_body_util::Full;

/// One file of a test origin: status, headers, body.
#[derive(Clone)]
struct File {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Bytes,
}

fn file(body: impl Into<Bytes>) -> File {
    File {
        status: 200,
        headers: Vec::new(),
        body: body.into(),
    }
}

fn with(mut file: File, name: &'static str, value: impl Into<String>) -> File {
    file.headers.push((name, value.into()));
    file
}

fn redirect(status: u16, location: &str) -> File {
    File {
        status,
        headers: vec![("location", location.to_owned())],
        body: Bytes::new(),
    }
}

/// A loopback origin serving `files` by path; anything else is a 404.
async fn origin(files: Vec<(&str, File)>) -> Backend {
    let files: Arc<HashMap<String, File>> = Arc::new(
        files
            .into_iter()
            .map(|(path, file)| (path.to_owned(), file))
            .collect(),
    );
    Backend::start(move |received| {
        let files = files.clone();
        async move {
            let found = files.get(received.uri.path()).cloned().unwrap_or(File {
                status: 404,
                headers: Vec::new(),
                body: Bytes::from_static(b"no such key"),
            });
            let mut response = http::Response::builder().status(found.status);
            for (name, value) in &found.headers {
                response = response.header(*name, value);
            }
            response.body(found.body).unwrap()
        }
    })
    .await
}

/// The component with `ORIGIN=http://origin.test/` routed to `origin`, and
/// every other host refused.
async fn host(origin: &Backend, env: &[(&str, &str)]) -> Host {
    let mut builder = Host::builder(MARKDOWN)
        .env("ORIGIN", "http://origin.test/")
        .route("origin.test", origin.addr)
        .deny_unlisted_hosts();
    for (key, value) in env {
        builder = builder.env(*key, *value);
    }
    builder.build().await.expect("component loads")
}

async fn send(host: &Host, request: http::Request<Full<Bytes>>) -> Exchange {
    let ex = host.send(request).await.unwrap();
    assert!(
        ex.stats.failure.is_none(),
        "{:?}\n{}",
        ex.stats.failure,
        ex.stats.stderr
    );
    ex
}

async fn get(host: &Host, uri: &str) -> Exchange {
    send(host, request("GET", uri, &[], Bytes::new())).await
}

async fn render(host: &Host, uri: &str, markdown: impl Into<Bytes>) -> Exchange {
    send(host, request("POST", uri, &[], markdown.into())).await
}

fn request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Full::new(body)).unwrap()
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

/// The part of a page the document fills (the page's own `<style>` is in `<head>`).
fn main_of(page: &str) -> &str {
    let start = page.find("<main>").expect("a <main>");
    let end = page.find("</main>").expect("a </main>");
    &page[start..end]
}

fn paths(backend: &Backend) -> Vec<String> {
    backend
        .received()
        .iter()
        .map(|r| r.uri.path().to_owned())
        .collect()
}

const README: &str = "# Welcome *home*\n\nSee the [guide](guide) and ![logo](logo.png).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ www.example.com and a note[^1]\n\n[^1]: A note.\n";

#[tokio::test]
async fn renders_the_index_as_a_styled_page() {
    let origin = origin(vec![("/README.md", file(README))]).await;
    let host = host(&origin, &[]).await;
    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "text/html; charset=utf-8");
    let page = text(&ex);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>Welcome home</title>"), "{page}");
    assert!(page.contains("data-theme=\"auto\""));
    assert!(
        page.contains("prefers-color-scheme:dark"),
        "built-in CSS with dark mode"
    );
    let main = main_of(page);
    assert!(main.contains(r#"<h1 id="welcome-home">"#), "{main}");
    assert!(
        main.contains("<table>") && main.contains("<del>old</del>"),
        "{main}"
    );
    assert!(
        main.contains(r#"<input type="checkbox" checked="" disabled="" />"#),
        "{main}"
    );
    assert!(
        main.contains(r#"<a href="http://www.example.com">"#),
        "{main}"
    );
    assert!(main.contains("footnote"), "{main}");
    assert_eq!(header(&ex, "etag").len(), 18);
    assert_eq!(header(&ex, "vary"), "Accept");
    assert_eq!(header(&ex, "x-content-type-options"), "nosniff");
    assert!(header(&ex, "content-security-policy").contains("script-src 'none'"));
    assert_eq!(paths(&origin), ["/README.md"]);
    let received = &origin.received()[0];
    assert_eq!(received.method, "GET");
    assert_eq!(received.headers["host"], "origin.test");
}

#[tokio::test]
async fn paths_map_to_index_files_and_md_files() {
    let origin = origin(vec![
        ("/docs/index.md", file("# Docs index\n")),
        ("/guide.md", file("# Guide\n")),
        (
            "/LICENSE",
            with(file("# Licence\n"), "content-type", "text/markdown"),
        ),
        ("/notes.markdown", file("# Notes\n")),
    ])
    .await;
    let host = host(&origin, &[("INDEX_FILE", "index.md")]).await;
    for (uri, title) in [
        ("/docs/", "Docs index"),
        ("/guide", "Guide"),
        ("/LICENSE", "Licence"),
        ("/notes.markdown", "Notes"),
    ] {
        let ex = get(&host, uri).await;
        assert_eq!(ex.response.status(), 200, "{uri}");
        assert!(
            text(&ex).contains(&format!("<title>{title}</title>")),
            "{uri}"
        );
    }
    assert_eq!(
        paths(&origin),
        [
            "/docs/index.md",
            "/guide.md",
            "/LICENSE.md",
            "/LICENSE",
            "/notes.markdown"
        ]
    );
}

#[tokio::test]
async fn other_files_stream_through_with_their_headers() {
    let image: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let origin = origin(vec![
        (
            "/logo.png",
            with(
                with(file(image.clone()), "content-type", "image/png"),
                "cache-control",
                "max-age=60",
            ),
        ),
        (
            "/notes.txt",
            with(file("<script>plain</script>"), "content-type", "text/plain"),
        ),
    ])
    .await;
    let host = host(&origin, &[]).await;
    let ex = get(&host, "/logo.png").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "image/png");
    assert_eq!(header(&ex, "cache-control"), "max-age=60");
    assert!(
        ex.response.body().as_ref() == image.as_slice(),
        "byte-exact"
    );
    let big_memory = ex.stats.peak_memory;
    let ex = get(&host, "/notes.txt").await;
    assert!(
        big_memory < ex.stats.peak_memory + (1 << 20),
        "3 MB streamed, not held: {big_memory} vs {} for a small file",
        ex.stats.peak_memory
    );
    assert_eq!(
        (header(&ex, "content-type"), text(&ex)),
        ("text/plain", "<script>plain</script>")
    );
    let ex = send(&host, request("HEAD", "/logo.png", &[], Bytes::new())).await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "image/png");
    assert!(ex.response.body().is_empty());
}

#[tokio::test]
async fn the_source_on_request() {
    let source = b"# Raw \xff source\n<script>x</script>\n".to_vec();
    let origin = origin(vec![(
        "/a.md",
        with(file(source.clone()), "etag", "\"origin-tag\""),
    )])
    .await;
    let host = host(&origin, &[]).await;
    for ex in [
        send(
            &host,
            request("GET", "/a.md", &[("accept", "text/markdown")], Bytes::new()),
        )
        .await,
        get(&host, "/a.md?raw=1").await,
    ] {
        assert_eq!(ex.response.status(), 200);
        assert_eq!(header(&ex, "content-type"), "text/markdown; charset=utf-8");
        assert_eq!(
            ex.response.body().as_ref(),
            source.as_slice(),
            "unchanged, bytes and all"
        );
        assert_eq!(header(&ex, "etag"), "\"origin-tag\"");
    }
    let ex = send(
        &host,
        request(
            "POST",
            "/render",
            &[("accept", "text/markdown")],
            Bytes::from("*hi*"),
        ),
    )
    .await;
    assert_eq!(
        (header(&ex, "content-type"), text(&ex)),
        ("text/markdown; charset=utf-8", "*hi*")
    );
}

#[tokio::test]
async fn render_mode_fragments_pages_and_the_size_cap() {
    let origin = origin(vec![]).await;
    let host = host(
        &origin,
        &[("MAX_INPUT_BYTES", "1000"), ("SITE_TITLE", "Site")],
    )
    .await;
    let ex = render(&host, "/render", "# Hi\n\n*there*").await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(header(&ex, "content-type"), "text/html; charset=utf-8");
    assert_eq!(
        text(&ex),
        "<h1 id=\"hi\">Hi<a href=\"#hi\" aria-label=\"Link to heading 'Hi'\" data-heading-content=\"Hi\" class=\"anchor\"></a></h1>\n<p><em>there</em></p>\n"
    );
    let ex = render(&host, "/render?page=true", "no heading").await;
    assert!(text(&ex).starts_with("<!DOCTYPE html>"));
    assert!(text(&ex).contains("<title>Site</title>"));

    let ex = render(&host, "/render", "x".repeat(1000)).await;
    assert_eq!(ex.response.status(), 200);
    let ex = render(&host, "/render", "x".repeat(1001)).await;
    assert_eq!(ex.response.status(), 413);
    assert!(!text(&ex).contains("xxx"));
    assert!(
        origin.received().is_empty(),
        "render mode never calls the origin"
    );
    assert!(ex.stats.outgoing.is_empty());
}

#[tokio::test]
async fn invalid_utf8_renders_with_replacement_characters() {
    let origin = origin(vec![(
        "/bad.md",
        file(b"# Caf\xe9\n\n\xff\xfe ok \xc3\x28\n".to_vec()),
    )])
    .await;
    let host = host(&origin, &[]).await;
    let ex = render(&host, "/render", b"a\xffb \xf0\x9f\x92 c".to_vec()).await;
    assert_eq!(ex.response.status(), 200);
    assert_eq!(text(&ex), "<p>a\u{fffd}b \u{fffd} c</p>\n");
    let ex = get(&host, "/bad.md").await;
    assert_eq!(ex.response.status(), 200);
    assert!(text(&ex).contains("<title>Caf\u{fffd}</title>"));
    assert!(main_of(text(&ex)).contains("\u{fffd}\u{fffd} ok \u{fffd}("));
}

/// The first piece of markup in `html` that could run script, load a frame
/// or object, or restyle the page: a tag of such a kind, an `on*` event
/// handler, or a script or HTML URL in an attribute (entities decoded).
/// Text outside tags, however it reads, is inert.
fn executable(html: &str) -> Option<String> {
    const TAGS: [&str; 14] = [
        "script", "iframe", "object", "embed", "style", "svg", "math", "base", "form", "meta",
        "link", "frame", "frameset", "applet",
    ];
    for tag in html.split('<').skip(1) {
        let inside =
            decode_entities(&tag[..tag.find('>').unwrap_or(tag.len())]).to_ascii_lowercase();
        let name = inside
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if TAGS.contains(&name) {
            return Some(format!("<{name}"));
        }
        let squeezed: String = inside.chars().filter(|c| !c.is_whitespace()).collect();
        for scheme in ["javascript:", "vbscript:", "data:text"] {
            if squeezed.contains(scheme) {
                return Some(scheme.to_owned());
            }
        }
        for token in inside.split(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
        {
            let attribute = token.split('=').next().unwrap_or("");
            if token.contains('=') && attribute.len() > 2 && attribute.starts_with("on") {
                return Some(attribute.to_owned());
            }
        }
    }
    None
}

/// `&#106;`, `&#x6A;` and `&colon;` decoded: what a browser reads in an attribute.
fn decode_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e < 12);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let code = if let Some(hex) = entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = entity.strip_prefix('#') {
                dec.parse().ok()
            } else {
                match entity {
                    "colon" => Some(':' as u32),
                    "lt" => Some('<' as u32),
                    "gt" => Some('>' as u32),
                    "quot" => Some('"' as u32),
                    "amp" => Some('&' as u32),
                    _ => None,
                }
            };
            code.and_then(char::from_u32).map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x ONERROR=\"alert(1)\">",
    "<p/onmouseover=alert(1)>hover</p>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">a</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">a</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">a</a>",
    "<a href=\"&#x6A;avascript&colon;alert(1)\">a</a>",
    "<a href=\"java\tscript:alert(1)\">a</a>",
    "<a href=\" javascript:alert(1)\">a</a>",
    "[md link](javascript:alert(1))",
    "[md link](JAVASCRIPT:alert(1))",
    "[md link](&#106;avascript:alert(1))",
    "[md link](vbscript:msgbox(1))",
    "[md link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"evil.swf\"></object>",
    "<embed src=\"evil.swf\">",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<base href=\"https://evil.example/\">",
    "<form action=\"https://evil.example/\"><input name=p></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">a</a>",
    "`<script>` in code is text",
    "<scr<script>ipt>alert(1)</script>",
    "<!--><script>alert(1)</script>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
];

#[tokio::test]
async fn xss_vectors_produce_no_executable_markup_under_sanitize_and_escape() {
    let origin = origin(vec![("/xss.md", file(XSS.join("\n\n")))]).await;
    for mode in ["sanitize", "escape"] {
        let host = host(&origin, &[("RAW_HTML", mode)]).await;
        for vector in XSS {
            let ex = render(&host, "/render", *vector).await;
            assert_eq!(ex.response.status(), 200);
            assert_eq!(
                executable(text(&ex)),
                None,
                "{mode}: {vector:?} -> {}",
                text(&ex)
            );
        }
        let ex = get(&host, "/xss.md").await;
        assert_eq!(ex.response.status(), 200);
        assert_eq!(
            executable(main_of(text(&ex))),
            None,
            "{mode}: {}",
            main_of(text(&ex))
        );
    }
    // The check itself finds them when raw HTML is allowed.
    let host = host(&origin, &[("RAW_HTML", "allow"), ("FLAVOR", "commonmark")]).await;
    let mut found = 0;
    for vector in XSS {
        found += executable(text(&render(&host, "/render", *vector).await)).is_some() as usize;
    }
    assert!(found >= XSS.len() / 2, "only {found} found");
}

#[tokio::test]
async fn raw_html_modes() {
    let origin = origin(vec![]).await;
    let md =
        "<b class=\"x\" onclick=\"f()\">bold</b> <iframe src=\"/x\"></iframe> [a](javascript:f())";
    let out = |mode: &'static str| {
        let origin = &origin;
        async move {
            let host = host(origin, &[("RAW_HTML", mode)]).await;
            text(&render(&host, "/render", md).await).to_owned()
        }
    };
    assert_eq!(out("sanitize").await, "<p><b>bold</b>  <a>a</a></p>\n");
    assert_eq!(
        out("escape").await,
        "<p>&lt;b class=&quot;x&quot; onclick=&quot;f()&quot;&gt;bold&lt;/b&gt; &lt;iframe src=&quot;/x&quot;&gt;&lt;/iframe&gt; <a href=\"\">a</a></p>\n"
    );
    // `allow` keeps raw HTML (GFM's tag filter still defuses <iframe>) and links as written.
    assert_eq!(
        out("allow").await,
        "<p><b class=\"x\" onclick=\"f()\">bold</b> &lt;iframe src=\"/x\">&lt;/iframe> <a href=\"javascript:f()\">a</a></p>\n"
    );
    let host = host(&origin, &[("RAW_HTML", "allow")]).await;
    let ex = render(&host, "/render?page=1", "x").await;
    assert_eq!(
        header(&ex, "content-security-policy"),
        "",
        "no CSP when the operator allows raw HTML"
    );
}

#[tokio::test]
async fn flavors() {
    let origin = origin(vec![]).await;
    let md = "| a |\n|---|\n| b |\n\n~~s~~ https://x.example **a **b****\n";
    let gfm = host(&origin, &[]).await;
    assert_eq!(
        text(&render(&gfm, "/render", md).await),
        "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>b</td>\n</tr>\n</tbody>\n</table>\n<p><del>s</del> <a href=\"https://x.example\">https://x.example</a> <strong>a b</strong></p>\n"
    );
    let commonmark = host(&origin, &[("FLAVOR", "commonmark")]).await;
    assert_eq!(
        text(&render(&commonmark, "/render", md).await),
        "<p>| a |\n|---|\n| b |</p>\n<p>~~s~~ https://x.example <strong>a <strong>b</strong></strong></p>\n"
    );
}

#[tokio::test]
async fn page_settings() {
    let origin = origin(vec![("/README.md", file("text only\n"))]).await;
    let host = host(
        &origin,
        &[
            ("THEME", "dark"),
            ("CSS_URL", "https://cdn.example/site.css"),
            ("SITE_TITLE", "My <Docs>"),
            ("FOOTER", "Made with *care* <script>alert(1)</script>"),
            ("HEAD_HTML", "<meta name=\"analytics\" content=\"1\">"),
        ],
    )
    .await;
    let page = text(&get(&host, "/").await).to_owned();
    assert!(page.contains("<html data-theme=\"dark\">"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"https://cdn.example/site.css\">"));
    assert!(
        page.contains("<title>My &lt;Docs&gt;</title>"),
        "the site title when there is no heading"
    );
    assert!(
        page.contains("<header class=\"site-header\"><a href=\"/\">My &lt;Docs&gt;</a></header>")
    );
    assert!(
        page.contains("<footer class=\"site-footer\">\n<p>Made with <em>care</em> </p>"),
        "{page}"
    );
    assert!(page.contains("<meta name=\"analytics\" content=\"1\">\n</head>"));

    let plain = host_plain(&origin).await;
    let page = text(&get(&plain, "/").await).to_owned();
    let head = &page[page.find("<head>").unwrap()..page.find("</head>").unwrap()];
    let tags: Vec<&str> = head
        .split('<')
        .skip(1)
        .map(|t| t.split([' ', '>']).next().unwrap())
        .collect();
    assert_eq!(
        tags,
        ["head", "meta", "meta", "title", "/title", "style", "/style"],
        "nothing from the operator"
    );
    assert!(
        page.contains("<title>README.md</title>"),
        "the file name without heading or site title"
    );
}

async fn host_plain(origin: &Backend) -> Host {
    host(origin, &[]).await
}

#[tokio::test]
async fn etag_and_if_none_match() {
    let origin = origin(vec![("/README.md", file("# Same\n"))]).await;
    let host = host(&origin, &[]).await;
    let first = get(&host, "/").await;
    let tag = header(&first, "etag").to_owned();
    assert_eq!(header(&get(&host, "/").await, "etag"), tag, "stable");
    let ex = send(
        &host,
        request("GET", "/", &[("if-none-match", &tag)], Bytes::new()),
    )
    .await;
    assert_eq!(ex.response.status(), 304);
    assert!(ex.response.body().is_empty());
    assert_eq!(header(&ex, "etag"), tag);
    let other = format!("\"nope\", W/{tag}");
    let ex = send(
        &host,
        request("GET", "/", &[("if-none-match", &other)], Bytes::new()),
    )
    .await;
    assert_eq!(ex.response.status(), 304);
    let ex = send(
        &host,
        request("GET", "/", &[("if-none-match", "\"nope\"")], Bytes::new()),
    )
    .await;
    assert_eq!(ex.response.status(), 200);
    let ex = send(&host, request("HEAD", "/", &[], Bytes::new())).await;
    assert_eq!(ex.response.status(), 200);
    assert!(ex.response.body().is_empty());
    assert_eq!(header(&ex, "etag"), tag);
    assert_eq!(header(&ex, "content-type"), "text/html; charset=utf-8");
}

#[tokio::test]
async fn cache_control_from_cache_ttl_or_the_origin() {
    let origin = origin(vec![(
        "/README.md",
        with(file("# C\n"), "cache-control", "max-age=42"),
    )])
    .await;
    let from_origin = host(&origin, &[]).await;
    assert_eq!(
        header(&get(&from_origin, "/").await, "cache-control"),
        "max-age=42"
    );
    let ttl = host(&origin, &[("CACHE_TTL", "300")]).await;
    assert_eq!(
        header(&get(&ttl, "/").await, "cache-control"),
        "public, max-age=300"
    );
}

#[tokio::test]
async fn origin_404_is_a_styled_404_page() {
    let origin = origin(vec![]).await;
    let host = host(&origin, &[("SITE_TITLE", "Docs")]).await;
    let ex = get(&host, "/missing").await;
    assert_eq!(ex.response.status(), 404);
    assert_eq!(header(&ex, "content-type"), "text/html; charset=utf-8");
    assert!(text(&ex).contains("<h1>Not Found</h1>"));
    assert!(
        text(&ex).contains("<a href=\"/\">Docs</a>"),
        "styled like the site"
    );
    assert!(
        !text(&ex).contains("no such key"),
        "the origin's own body is not shown"
    );
    assert_eq!(paths(&origin), ["/missing.md", "/missing"]);
    let ex = get(&host, "/missing.png").await;
    assert_eq!(ex.response.status(), 404);
    assert!(text(&ex).contains("<h1>Not Found</h1>"));
}

#[tokio::test]
async fn unreachable_origin_is_a_502_page() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let host = Host::builder(MARKDOWN)
        .env("ORIGIN", "http://origin.test/")
        .route("origin.test", closed)
        .deny_unlisted_hosts()
        .build()
        .await
        .unwrap();
    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 502);
    assert!(text(&ex).contains("<h1>Bad Gateway</h1>"));
    assert_eq!(header(&ex, "cache-control"), "no-store");
}

#[tokio::test]
async fn redirects_stay_on_the_origin_host() {
    let evil = Backend::text("# evil").await;
    let origin = origin(vec![
        ("/old.md", redirect(301, "/new.md")),
        ("/new.md", redirect(302, "http://origin.test/final.md")),
        ("/final.md", file("# Final\n")),
        ("/loop.md", redirect(302, "/loop2.md")),
        ("/loop2.md", redirect(302, "/loop.md")),
        ("/away.md", redirect(302, "http://evil.test/x.md")),
        ("/port.md", redirect(302, "http://origin.test:9/x.md")),
        ("/r1.md", redirect(307, "/r2.md")),
        ("/r2.md", redirect(307, "/r3.md")),
        ("/r3.md", redirect(307, "/r4.md")),
        ("/r4.md", redirect(307, "/final.md")),
        (
            "/nowhere.md",
            File {
                status: 302,
                headers: Vec::new(),
                body: Bytes::new(),
            },
        ),
    ])
    .await;
    let host = Host::builder(MARKDOWN)
        .env("ORIGIN", "http://origin.test/")
        .route("origin.test", origin.addr)
        .route("evil.test", evil.addr)
        .build()
        .await
        .unwrap();
    let ex = get(&host, "/old.md").await;
    assert_eq!(ex.response.status(), 200);
    assert!(text(&ex).contains("<title>Final</title>"));
    assert_eq!(paths(&origin), ["/old.md", "/new.md", "/final.md"]);

    for uri in ["/loop.md", "/away.md", "/port.md", "/r1.md", "/nowhere.md"] {
        let ex = get(&host, uri).await;
        assert_eq!(ex.response.status(), 502, "{uri}");
        assert!(text(&ex).contains("<h1>Bad Gateway</h1>"), "{uri}");
    }
    assert!(evil.received().is_empty(), "nothing sent off the origin");
    // r1 -> r2 -> r3 -> r4 is three redirects, the default limit; the fourth is refused.
    let r = paths(&origin);
    assert_eq!(r.iter().filter(|p| p.starts_with("/r")).count(), 4);
    assert!(!r.contains(&"/x.md".to_owned()));

    let lenient = Host::builder(MARKDOWN)
        .env("ORIGIN", "http://origin.test/")
        .env("MAX_REDIRECTS", "4")
        .route("origin.test", origin.addr)
        .deny_unlisted_hosts()
        .build()
        .await
        .unwrap();
    assert_eq!(get(&lenient, "/r1.md").await.response.status(), 200);
}

#[tokio::test]
async fn a_document_larger_than_the_cap_is_not_rendered() {
    let origin = origin(vec![("/big.md", file("a".repeat(5000)))]).await;
    let host = host(&origin, &[("MAX_INPUT_BYTES", "4096")]).await;
    let ex = get(&host, "/big.md").await;
    assert_eq!(ex.response.status(), 502);
    assert!(text(&ex).contains("larger than this site renders"));
}

#[tokio::test]
async fn bad_requests_send_nothing_to_the_origin() {
    let origin = origin(vec![("/README.md", file("# x\n"))]).await;
    let host = host(&origin, &[]).await;
    for uri in [
        "/a/../README.md",
        "/%2e%2e/secret.md",
        "/a%2fb.md",
        "/a/./b",
    ] {
        let ex = get(&host, uri).await;
        assert_eq!(ex.response.status(), 400, "{uri}");
    }
    let ex = send(&host, request("DELETE", "/README.md", &[], Bytes::new())).await;
    assert_eq!(ex.response.status(), 405);
    assert_eq!(header(&ex, "allow"), "GET, HEAD");
    let ex = send(&host, request("PUT", "/render", &[], Bytes::from("x"))).await;
    assert_eq!(
        (ex.response.status().as_u16(), header(&ex, "allow")),
        (405, "GET, HEAD, POST")
    );
    assert!(origin.received().is_empty());
}

#[tokio::test]
async fn a_bad_parameter_is_a_configuration_error() {
    let origin = origin(vec![("/README.md", file("# x\n"))]).await;
    let host = host(
        &origin,
        &[("FLAVOR", "markdown-extra"), ("MAX_REDIRECTS", "-1")],
    )
    .await;
    let ex = get(&host, "/").await;
    assert_eq!(ex.response.status(), 500);
    assert!(
        text(&ex).to_lowercase().contains("configuration error"),
        "{}",
        text(&ex)
    );
    assert!(text(&ex).contains("FLAVOR") && text(&ex).contains("MAX_REDIRECTS"));
    assert!(origin.received().is_empty());
}

/// The pathological inputs of the issue, each rendered within the host's
/// default execution deadline (1 s of wasm time) without a trap.
#[tokio::test]
async fn pathological_input_renders_within_the_deadline() {
    let origin = origin(vec![]).await;
    let host = Host::builder(MARKDOWN)
        .env("MAX_INPUT_BYTES", "2000000")
        .deadline(Duration::from_secs(1))
        .build()
        .await
        .unwrap();
    // Indentation makes a deep list quadratic in size: 1,000 levels is what
    // fits under the 2 MB cap. Markers on one line nest 10,000 deep in 20 KB.
    let indented: String = (0..1_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let list_markers = "- ".repeat(10_000) + "x\n";
    let ordered_markers = "1. ".repeat(10_000) + "x\n";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("100,000 nested >", ">".repeat(100_000).into_bytes()),
        (
            "100,000 nested > with spaces",
            "> ".repeat(100_000).into_bytes(),
        ),
        ("100,000 [", "[".repeat(100_000).into_bytes()),
        (
            "100,000 [ then ]( ",
            ("[".repeat(50_000) + &"](".repeat(50_000)).into_bytes(),
        ),
        ("1 MB of backticks", "`".repeat(1_000_000).into_bytes()),
        (
            "1 MB of mixed backtick runs",
            (1..1500)
                .map(|n| "`".repeat(n % 97 + 1) + "a")
                .collect::<String>()
                .repeat(20)
                .into_bytes(),
        ),
        ("1,000-deep indented list", indented.into_bytes()),
        (
            "10,000-deep list, markers on a line",
            list_markers.into_bytes(),
        ),
        ("10,000-deep ordered list", ordered_markers.into_bytes()),
        ("100,000 nested <div>", "<div>".repeat(100_000).into_bytes()),
        (
            "100,000 <div never closed (raw HTML passed to the sanitizer)",
            "<div ".repeat(100_000).into_bytes(),
        ),
        ("100,000 *", "*a".repeat(100_000).into_bytes()),
        (
            "100,000 * and raw HTML (the sanitizer runs)",
            ("*a".repeat(100_000) + "<b onclick=x>b</b>").into_bytes(),
        ),
        ("50,000 <a", "<a ".repeat(50_000).into_bytes()),
    ];
    for (name, input) in cases {
        let len = input.len();
        let ex = host
            .send(request("POST", "/render", &[], Bytes::from(input)))
            .await
            .unwrap();
        assert!(ex.stats.failure.is_none(), "{name}: {:?}", ex.stats.failure);
        assert_eq!(ex.response.status(), 200, "{name}");
        eprintln!(
            "{name} ({len} bytes): {:?} of wasm time, {} bytes of memory",
            ex.stats.wasm_time, ex.stats.peak_memory
        );
    }
    assert!(origin.received().is_empty());
}

/// A 1 MiB document dense with Markdown syntax and raw HTML in every
/// section, so the sanitizer runs, renders within the host's default memory
/// limit (128 MiB): the Markdown syntax tree is freed before the sanitizer
/// builds its own tree of the output. Twice that much is refused with
/// `422` by the memory budget before it is parsed.
#[tokio::test]
async fn a_dense_document_renders_within_the_default_memory() {
    // The execution deadline is not what this test is about: a busy machine
    // may take longer than the default second.
    let host = Host::builder(MARKDOWN)
        .deadline(Duration::from_secs(60))
        .build()
        .await
        .unwrap();
    let section = |n: usize| {
        format!(
            "## Section {n}: *working* with `data`\n\n\
             Paragraphs carry **strong** and _emphasised_ words, [links](https://example.com/{n}) \
             and `code`, an autolink https://example.org/{n} and a footnote[^n{n}].\n\n\
             - an item\n  - nested\n- [x] a task\n\n\
             | name | value |\n|:-----|------:|\n| alpha | {n} |\n\n\
             ```rust\nfn f() -> u32 {{ {n} }}\n```\n\n\
             > A quotation with **bold** text.\n\n\
             <details><summary>More</summary><p onclick=\"x()\">Raw <b>HTML</b>.</p></details>\n\n\
             [^n{n}]: The footnote of section {n}.\n\n"
        )
    };
    let mut markdown = String::new();
    let mut n = 0;
    while markdown.len() + section(n + 1).len() <= 1 << 20 {
        n += 1;
        markdown.push_str(&section(n));
    }
    let twice = markdown.repeat(2);
    let ex = render(&host, "/render", twice).await;
    assert_eq!(ex.response.status(), 422, "{}", text(&ex));
    let ex = render(&host, "/render", markdown).await;
    assert!(ex.stats.failure.is_none(), "{:?}", ex.stats.failure);
    assert_eq!(ex.response.status(), 200);
    let html = text(&ex);
    assert_eq!(
        html.matches("<b>HTML</b>").count(),
        n,
        "every section rendered"
    );
    assert!(!html.contains("onclick"));
    eprintln!(
        "1 MiB with raw HTML: {} bytes of memory, {:?} of wasm time",
        ex.stats.peak_memory, ex.stats.wasm_time
    );
}

fn portable_requests() -> Vec<http::Request<Bytes>> {
    vec![
        portable_post(
            "/render",
            "text/markdown",
            "# Hi\n\n| a |\n|---|\n| b |\n<script>x</script>",
        ),
        portable_post("/render?page=true", "text/markdown", b"caf\xe9".to_vec()),
        portable_post("/render", "text/markdown", "x".repeat(3000)),
        portable_get("/no-origin"),
    ]
}

fn portable_env() -> Vec<(&'static str, String)> {
    vec![
        ("MAX_INPUT_BYTES", "2048".into()),
        ("SITE_TITLE", "Portable".into()),
    ]
}

#[tokio::test]
async fn runs_the_same_under_jco() {
    assert_same(Other::Jco, MARKDOWN, &portable_env(), portable_requests()).await;
}

#[tokio::test]
async fn runs_the_same_under_wasmtime_serve() {
    assert_same(
        Other::Wasmtime,
        MARKDOWN,
        &portable_env(),
        portable_requests(),
    )
    .await;
}

/// Origin mode under the other hosts, against a real origin on loopback.
async fn origin_mode_is_the_same(other: Other) {
    let origin = origin(vec![
        ("/README.md", file("# Home\n\n[x](javascript:alert(1))")),
        (
            "/logo.png",
            with(file(vec![1u8, 2, 3]), "content-type", "image/png"),
        ),
    ])
    .await;
    let env = vec![("ORIGIN", format!("http://{}/", origin.addr))];
    assert_same(
        other,
        MARKDOWN,
        &env,
        vec![
            portable_get("/"),
            portable_get("/logo.png"),
            portable_get("/gone"),
        ],
    )
    .await;
    assert_eq!(
        paths(&origin).iter().filter(|p| *p == "/README.md").count(),
        2
    );
}

#[tokio::test]
async fn origin_mode_under_jco() {
    origin_mode_is_the_same(Other::Jco).await;
}

#[tokio::test]
async fn origin_mode_under_wasmtime_serve() {
    origin_mode_is_the_same(Other::Wasmtime).await;
}

// ---------------------------------------------------------------- budgets

/// The 128 MiB a platform gives, as `wasmtime serve` is told it.
const WASMTIME_128_MIB: &[&str] = &["-W", "max-memory-size=134217728"];

/// Documents under the 2 MiB cap whose syntax trees would pass 128 MiB.
fn bombs() -> Vec<(&'static str, String)> {
    let table = format!(
        "{}|\n{}|\n{}",
        "|a".repeat(1000),
        "|-".repeat(1000),
        "x\n".repeat(30_000)
    );
    vec![
        (
            "500 KB of footnote references",
            "[^a] ".repeat(100_000) + "\n\n[^a]: x\n",
        ),
        ("2 MiB of soft breaks", "a\n".repeat(1 << 20)),
        ("2 MiB of emphasis", "*a* ".repeat(1 << 19)),
        ("a 1,000-column table with 30,000 rows", table),
        ("2 MiB of headings", "# a\n".repeat(1 << 19)),
    ]
}

#[tokio::test]
async fn documents_that_would_not_fit_128_mib_are_refused_with_422() {
    let origin = origin(
        bombs()
            .into_iter()
            .enumerate()
            .map(|(i, (_, md))| (["/0.md", "/1.md", "/2.md", "/3.md", "/4.md"][i], file(md)))
            .collect(),
    )
    .await;
    let host = Host::builder(MARKDOWN)
        .env("ORIGIN", "http://origin.test/")
        .env("MAX_INPUT_BYTES", "2200000")
        .route("origin.test", origin.addr)
        .build()
        .await
        .unwrap();
    assert_eq!(host.limits().max_memory, 128 << 20);
    for (i, (name, md)) in bombs().into_iter().enumerate() {
        let started = std::time::Instant::now();
        let posted = render(&host, "/render", md).await;
        assert_eq!(posted.response.status(), 422, "{name}: {}", text(&posted));
        let fetched = get(&host, &format!("/{i}.md")).await;
        assert_eq!(fetched.response.status(), 422, "{name}");
        println!(
            "{name}: 422 after {:?} ({:?} of wasm time), peak {:.1} MiB",
            started.elapsed(),
            posted.stats.wasm_time,
            posted.stats.peak_memory as f64 / 1048576.0
        );
    }
    let env = vec![("MAX_INPUT_BYTES", "2200000".to_string())];
    let server = Server::start_with(Other::Wasmtime, MARKDOWN, &env, WASMTIME_128_MIB).await;
    for (name, md) in bombs() {
        let response = server
            .send(portable_post("/render", "text/markdown", md))
            .await;
        assert_eq!(response.status(), 422, "{name}");
    }
}

#[tokio::test]
async fn slow_origins_answer_504_within_the_timeouts() {
    let stall = SlowOrigin::start(
        "text/markdown",
        Behaviour::Stall {
            first: b"# Title\n".to_vec(),
            hold: Duration::from_secs(20),
        },
    )
    .await;
    let drip = SlowOrigin::start(
        "text/markdown",
        Behaviour::Drip {
            first: b"# Title\n".to_vec(),
            rest: b"one byte at a time, forever".to_vec(),
            every: Duration::from_millis(200),
        },
    )
    .await;
    for (slow, within) in [(&stall, 3), (&drip, 4)] {
        let host = Host::builder(MARKDOWN)
            .env("ORIGIN", "http://origin.test/")
            .env("BETWEEN_BYTES_TIMEOUT", "1")
            .env("TOTAL_TIMEOUT", "2")
            .route("origin.test", slow.addr)
            .build()
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let ex = get(&host, "/page.md").await;
        assert_eq!(
            ex.response.status(),
            504,
            "after {:?}: {}",
            started.elapsed(),
            ex.stats.stderr
        );
        assert!(text(&ex).contains("too slow"));
        assert!(
            started.elapsed() < Duration::from_secs(within),
            "{:?}",
            started.elapsed()
        );
        let env = vec![
            ("ORIGIN", slow.url()),
            ("BETWEEN_BYTES_TIMEOUT", "1".to_string()),
            ("TOTAL_TIMEOUT", "2".to_string()),
        ];
        let server = Server::start_with(Other::Wasmtime, MARKDOWN, &env, WASMTIME_128_MIB).await;
        let started = std::time::Instant::now();
        assert_eq!(server.send(portable_get("/page.md")).await.status(), 504);
        assert!(
            started.elapsed() < Duration::from_secs(within),
            "{:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn active_content_from_the_origin_is_sandboxed_or_refused() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let origin = origin(vec![
        ("/x.svg", with(file(svg), "content-type", "image/svg+xml")),
        (
            "/x.html",
            with(
                file("<script>alert(1)</script>"),
                "content-type",
                "text/html",
            ),
        ),
        (
            "/logo.png",
            with(file(&b"\x89PNG\r\n\x1a\n"[..]), "content-type", "image/png"),
        ),
        ("/untyped", file("<script>alert(1)</script>")),
    ])
    .await;
    let sandbox = host(&origin, &[]).await;
    for path in ["/x.svg", "/x.html", "/logo.png", "/untyped"] {
        let ex = get(&sandbox, path).await;
        assert_eq!(ex.response.status(), 200, "{path}");
        assert_eq!(header(&ex, "content-security-policy"), "sandbox", "{path}");
        assert_eq!(header(&ex, "x-content-type-options"), "nosniff", "{path}");
    }
    let refuse = host(&origin, &[("ACTIVE_CONTENT", "refuse")]).await;
    for path in ["/x.svg", "/x.html", "/untyped"] {
        assert_eq!(get(&refuse, path).await.response.status(), 403, "{path}");
    }
    assert_eq!(get(&refuse, "/logo.png").await.response.status(), 200);
}

#[tokio::test]
async fn smaller_corrections() {
    let origin = origin(vec![
        ("/README.md", with(file(README), "etag", "\"v1\"")),
        (
            "/logo.png",
            with(file(&b"\x89PNG\r\n\x1a\n"[..]), "content-type", "image/png"),
        ),
    ])
    .await;
    let host = host(&origin, &[]).await;
    // HEAD: no length rather than a wrong one.
    for path in ["/", "/logo.png"] {
        let head = send(&host, request("HEAD", path, &[], Bytes::new())).await;
        assert_eq!(head.response.status(), 200, "{path}");
        assert!(head.response.body().is_empty());
        assert_eq!(header(&head, "content-length"), "", "{path}");
    }
    // The source answers 304 to the origin's ETag.
    let raw = send(
        &host,
        request(
            "GET",
            "/?raw=1",
            &[("if-none-match", "\"v1\"")],
            Bytes::new(),
        ),
    )
    .await;
    assert_eq!(raw.response.status(), 304);
    assert_eq!(header(&raw, "etag"), "\"v1\"");
    // Path spellings that could leave the origin's prefix.
    for path in [
        "/..%5csecret.md",
        "/%252e%252e/secret.md",
        "/%c0%ae%c0%ae/x.md",
    ] {
        assert_eq!(get(&host, path).await.response.status(), 400, "{path}");
    }
    assert!(paths(&origin).iter().all(|p| !p.contains("secret")));
    // A non-HTTP origin is a configuration error, by name.
    let ftp = Host::builder(MARKDOWN)
        .env("ORIGIN", "ftp://files.example/docs/")
        .build()
        .await
        .unwrap();
    let ex = get(&ftp, "/").await;
    assert_eq!(ex.response.status(), 500);
    assert!(text(&ex).contains("ORIGIN"), "{}", text(&ex));
}

/// Error bodies are the component's own words: a posted body cut off, a
/// header that is not text, and an origin that breaks off all answer
/// fixed texts.
#[tokio::test]
async fn faults_answer_fixed_texts_not_the_hosts() {
    let cut = SlowOrigin::start(
        "text/markdown",
        Behaviour::CutOff {
            declared: 1000,
            sent: b"# Half a page\n".to_vec(),
        },
    )
    .await;
    let host = Host::builder(MARKDOWN)
        .env("ORIGIN", "http://origin.test/")
        .route("origin.test", cut.addr)
        .build()
        .await
        .unwrap();
    let ex = get(&host, "/page.md").await;
    assert_eq!(ex.response.status(), 502);
    assert!(
        text(&ex).contains("The site&#39;s origin failed to answer.")
            || text(&ex).contains("The site's origin failed to answer."),
        "{}",
        text(&ex)
    );
    let bad_header = http::Request::get("/page.md")
        .header(
            "accept",
            http::HeaderValue::from_bytes(b"text/\xffmarkdown").unwrap(),
        )
        .body(Full::new(Bytes::new()))
        .unwrap();
    let ex = host.send(bad_header).await.unwrap();
    assert!(ex.stats.failure.is_none());
    assert_eq!(ex.response.status(), 502);
    let env = vec![("ORIGIN", cut.url())];
    let server = Server::start_with(Other::Wasmtime, MARKDOWN, &env, WASMTIME_128_MIB).await;
    let response = server.send(portable_get("/page.md")).await;
    assert_eq!(response.status(), 502);
    let raw = send_cut_off(server.addr, "POST /render HTTP/1.1", 1000, b"# Half").await;
    if !raw.is_empty() {
        assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
        assert!(raw.contains("The document could not be read."), "{raw}");
        assert!(!raw.to_lowercase().contains("hyper"), "{raw}");
    }
}
