//! The console in a real browser: headless Chromium driven through
//! `chromedriver` (Debian's `chromium` and `chromium-driver`, installed by
//! `scripts/test`) over the W3C WebDriver protocol. Change a setting, apply,
//! see the template answer with it; submit an invalid value, see the error
//! next to its field; upload a file through the S3 uploader's try-it form
//! and resize an image through image-resize's.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::first_stdout_line;

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `edgekit serve` (the gallery) of the templates in `folder` (relative to
/// the repository) on a free port; returns it and its URL.
fn start_gallery(folder: &str) -> (Process, String) {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(folder);
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgekit"))
        .args(["serve", "--addr", "127.0.0.1:0", "--templates"])
        .arg(templates)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = first_stdout_line(&mut child, Duration::from_secs(600));
    let url = line
        .expect("the gallery did not start")
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    (Process(child), url)
}

/// A WebDriver session with headless Chromium.
struct Browser {
    driver: String,
    session: String,
    _chromedriver: Process,
}

impl Browser {
    fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let chromedriver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is missing: scripts/test installs Debian's chromium and chromium-driver");
        let chromedriver = Process(chromedriver);
        let driver = format!("127.0.0.1:{port}");
        let ready = Instant::now() + Duration::from_secs(30);
        while call(&driver, "GET", "/status", None).map(|s| s["value"]["ready"] == true) != Ok(true)
        {
            assert!(Instant::now() < ready, "chromedriver did not become ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            },
        }}});
        let created = call(&driver, "POST", "/session", Some(capabilities)).unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .expect("no session")
            .to_string();
        Browser {
            driver,
            session,
            _chromedriver: chromedriver,
        }
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        call(&self.driver, method, &path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    /// The element matching `css`, waiting for it to appear.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let path = format!("/session/{}/element", self.session);
            let found = call(
                &self.driver,
                "POST",
                &path,
                Some(json!({ "using": "css selector", "value": css })),
            );
            if let Ok(found) = found
                && let Some(id) = found["value"]
                    .as_object()
                    .and_then(|o| o.values().next())
                    .and_then(Value::as_str)
                && found["value"].get("error").is_none()
            {
                return id.to_string();
            }
            assert!(Instant::now() < deadline, "no element {css}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.command("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn attribute(&self, css: &str, name: &str) -> Value {
        let id = self.find(css);
        self.command("GET", &format!("/element/{id}/attribute/{name}"), None)
    }

    fn property(&self, css: &str, name: &str) -> Value {
        let id = self.find(css);
        self.command("GET", &format!("/element/{id}/property/{name}"), None)
    }

    fn fill(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.command("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.command(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Types `text` into the element; for a file input, `text` is the path
    /// of the file to choose.
    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.command(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.command("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Waits until the text of `css` satisfies `test`, and returns it.
    fn wait_text(&self, css: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = self.text(css);
            if test(&text) {
                return text;
            }
            assert!(Instant::now() < deadline, "{css} still reads {text:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call(
            &self.driver,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

/// One WebDriver call: JSON in, JSON out. The body is read by its
/// `Content-Length`: chromedriver keeps connections open.
fn call(addr: &str, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        &stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(|_| "bad Content-Length")?;
        }
    }
    let mut response = vec![0; length];
    reader
        .read_exact(&mut response)
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&response)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&response)))
}

#[test]
fn a_setting_changed_in_the_console_takes_effect_and_a_bad_one_is_shown_at_its_field() {
    let (_gallery, url) = start_gallery("tests/components");
    let browser = Browser::start();
    browser.open(&url);

    // The form is generated from template.toml, with labels for every field.
    let width = "#template-probe--PROBE_WIDTH";
    // Not set: empty, with the default as placeholder.
    assert_eq!(browser.property(width, "value"), "");
    assert_eq!(browser.attribute(width, "placeholder"), "800");
    assert_eq!(
        browser.property("#template-probe--PROBE_ORIGIN", "value"),
        "http://origin.demo/"
    );
    assert!(
        browser
            .text("label[for='template-probe--PROBE_WIDTH']")
            .starts_with("Width")
    );
    assert_eq!(
        browser.attribute("#template-probe--PROBE_TOKEN", "type"),
        "password"
    );
    assert_eq!(
        browser.attribute("#template-probe--PROBE_ORIGIN", "aria-required"),
        "true"
    );

    // Change a parameter, apply, and the template answers with it.
    browser.fill(width, "1234");
    browser.click("#template-probe form button[type=submit]");
    browser.wait_text("#template-probe--message", |t| t.starts_with("Applied"));
    browser.open(&format!("{url}template-probe/"));
    let body = browser.text("body");
    assert!(body.contains("PROBE_WIDTH=1234"), "{body}");

    // An invalid value: the error is shown next to its field, nothing changes.
    browser.open(&url);
    browser.fill(width, "wide");
    browser.click("#template-probe form button[type=submit]");
    let error = browser.wait_text("#template-probe--PROBE_WIDTH-error", |t| !t.is_empty());
    assert_eq!(error, "expected a whole number, got \"wide\"");
    assert_eq!(browser.attribute(width, "aria-invalid"), "true");
    assert!(
        browser
            .text("#template-probe--message")
            .starts_with("Not applied")
    );
    browser.open(&format!("{url}template-probe/"));
    assert!(browser.text("body").contains("PROBE_WIDTH=1234"));
}

#[test]
fn the_try_it_forms_upload_a_file_and_resize_an_image() {
    let (_gallery, url) = start_gallery("components");
    let browser = Browser::start();
    browser.open(&url);

    // Upload a file through the S3 uploader's form: the result names the
    // stored key, its size and checksum.
    let file = std::env::temp_dir().join(format!("edgekit-try-{}.txt", std::process::id()));
    std::fs::write(&file, "uploaded from the console\n").unwrap();
    assert_eq!(
        browser.text("label[for='s3-uploader--try-file']"),
        "File to upload"
    );
    browser.type_into("#s3-uploader--try-file", file.to_str().unwrap());
    browser.click("#s3-uploader--try button[type=submit]");
    let result = browser.wait_text("#s3-uploader--try-result", |t| {
        t.starts_with("Stored") || t.starts_with("Not stored")
    });
    assert!(result.starts_with("Stored."), "{result}");
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(result.contains(name), "{result}");
    assert!(result.contains("26 bytes"), "{result}");
    let sha256: String = Sha256::digest(b"uploaded from the console\n")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(result.contains(&sha256), "{result}");

    // The same file again: the uploader's refusal is shown.
    browser.type_into("#s3-uploader--try-file", file.to_str().unwrap());
    browser.click("#s3-uploader--try button[type=submit]");
    let refused = browser.wait_text("#s3-uploader--try-result", |t| t.starts_with("Not stored"));
    let _ = std::fs::remove_file(&file);
    assert!(refused.contains("409"), "{refused}");

    // Pick a width and a format for image-resize: the image shown is that
    // wide, and its real size is written beside it.
    browser.click("#image-resize--try-image option[value='/photo.jpg']");
    browser.click("#image-resize--try-width option[value='200']");
    browser.click("#image-resize--try-format option[value='webp']");
    browser.click("#image-resize--try button[type=submit]");
    let size = browser.wait_text("#image-resize--try-size", |t| t.contains(" px"));
    assert_eq!(
        size.split(',').take(2).collect::<Vec<_>>(),
        ["200 × 150 px", " image/webp"],
        "{size}"
    );
    assert_eq!(
        browser.property("#image-resize--try-image-result", "naturalWidth"),
        200
    );
    browser.click("#image-resize--try-width option[value='480']");
    browser.click("#image-resize--try button[type=submit]");
    browser.wait_text("#image-resize--try-size", |t| t.starts_with("480 × 360 px"));
    assert_eq!(
        browser.property("#image-resize--try-image-result", "naturalWidth"),
        480
    );

    // Pick a Markdown page: it is shown in a frame, with a link to open it,
    // and that page is the rendered Markdown.
    browser.click("#markdown--try-page option[value='guide.md']");
    browser.click("#markdown--try button[type=submit]");
    assert_eq!(
        browser.attribute("#markdown--try-result a", "href"),
        "/markdown/guide.md"
    );
    assert_eq!(
        browser.attribute("#markdown--try-frame", "src"),
        "/markdown/guide.md"
    );
    browser.open(&format!("{url}markdown/guide.md"));
    assert_eq!(browser.text("h1"), "A short guide");
}
