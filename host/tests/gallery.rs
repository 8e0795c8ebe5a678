//! The gallery (`edgekit serve` with no argument) over HTTP: the console
//! page, the API it calls (list, apply, export), and requests reaching the
//! templates under `/<name>/`. Served from `tests/components`, where the
//! `template-probe` template answers with the settings it received, and
//! from `components/` for the S3 uploader's demo against the embedded S3
//! server.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;
use support::first_stdout_line;

/// A running gallery, killed when dropped.
struct Gallery {
    child: Child,
    addr: String,
    /// What it wrote to stderr so far, line by line.
    log: Arc<Mutex<Vec<String>>>,
}

impl Gallery {
    /// The gallery of the templates in `folder` (relative to the repository).
    fn start(folder: &str) -> Gallery {
        let templates = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(folder);
        let mut child = Command::new(env!("CARGO_BIN_EXE_edgekit"))
            .args(["serve", "--addr", "127.0.0.1:0", "--templates"])
            .arg(templates)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let line = first_stdout_line(&mut child, Duration::from_secs(600));
        let line = line.expect("the gallery did not start");
        assert!(
            line.starts_with("serving the template gallery on http://"),
            "{line}"
        );
        let addr = line
            .rsplit("http://")
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        Gallery { child, addr, log }
    }

    /// Sends a request and returns the status, the headers (lower-cased
    /// names) and the body.
    fn request(&self, method: &str, path: &str, body: &str) -> (u16, String, String) {
        let (status, head, body) = self.send(method, path, "application/json", body.as_bytes());
        (status, head, String::from_utf8(body).unwrap())
    }

    /// Sends a request with any body and content type.
    fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&response[..end]).to_string();
        (
            head[9..12].parse().unwrap(),
            head.to_ascii_lowercase(),
            response[end + 4..].to_vec(),
        )
    }

    /// The first line of its stderr that contains `text`, waiting for it.
    fn log_line(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(line) = self.log.lock().unwrap().iter().find(|l| l.contains(text)) {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "the gallery never logged {text:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.request("GET", path, "");
        (status, body)
    }

    fn apply(&self, values: Value) -> (u16, Value) {
        let (status, _, body) = self.request(
            "POST",
            "/_console/api/apply/template-probe",
            &json!({ "values": values }).to_string(),
        );
        (status, serde_json::from_str(&body).unwrap())
    }
}

impl Drop for Gallery {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_gallery_serves_the_console_configures_and_exports() {
    let gallery = Gallery::start("tests/components");

    // The console page and its script.
    let (status, head, page) = gallery.request("GET", "/", "");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(
        page.contains("<script src=\"/_console/console.js\""),
        "{page}"
    );
    assert_eq!(gallery.get("/_console/console.js").0, 200);

    // The template runs with its demo settings under its prefix.
    let (status, body) = gallery.get("/template-probe/");
    assert_eq!(status, 200);
    assert!(
        body.contains("PROBE_ORIGIN=http://origin.demo/\n"),
        "{body}"
    );
    assert!(body.contains("PROBE_WIDTH=800\n"), "{body}");
    let (status, head, _) = gallery.request("GET", "/template-probe?x=1", "");
    assert_eq!(status, 308);
    assert!(head.contains("location: /template-probe/?x=1"), "{head}");
    assert_eq!(gallery.get("/no-such-template/").0, 404);

    // The form's description: types, options, values, never a secret.
    let (status, list) = gallery.get("/_console/api/templates");
    assert_eq!(status, 200);
    let list: Value = serde_json::from_str(&list).unwrap();
    let probe = &list["templates"][0];
    assert_eq!(probe["name"], "template-probe");
    assert_eq!(probe["running"], true);
    let parameter = |key: &str| {
        probe["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(
        parameter("PROBE_MODE")["options"],
        json!(["plain", "fancy"])
    );
    assert_eq!(parameter("PROBE_ORIGIN")["value"], "http://origin.demo/");
    assert_eq!(parameter("PROBE_TOKEN")["value"], Value::Null);
    assert_eq!(parameter("PROBE_TOKEN")["isSet"], true);
    assert!(!list.to_string().contains("demo-token"));

    // Invalid values: every problem by key, and the running template is untouched.
    let (status, result) =
        gallery.apply(json!({ "PROBE_WIDTH": "wide", "PROBE_MODE": "fancey", "PROBE_ORIGIN": "" }));
    assert_eq!(status, 422);
    assert_eq!(
        result["problems"],
        json!([
            { "key": "PROBE_ORIGIN", "message": "required, but no value was given" },
            { "key": "PROBE_WIDTH", "message": "expected a whole number, got \"wide\"" },
            { "key": "PROBE_MODE", "message": "\"fancey\" is not one of: plain, fancy (did you mean \"fancy\"?)" },
        ])
    );
    assert!(
        gallery
            .get("/template-probe/")
            .1
            .contains("PROBE_WIDTH=800\n")
    );

    // Valid values re-deploy it; an empty secret keeps the one set.
    let (status, result) = gallery.apply(json!({
        "PROBE_ORIGIN": "https://api.example.com/",
        "PROBE_WIDTH": "1234",
        "PROBE_DEBUG": "true",
        "PROBE_TOKEN": "",
    }));
    assert_eq!((status, &result["ok"]), (200, &json!(true)), "{result}");
    let body = gallery.get("/template-probe/").1;
    assert!(body.contains("PROBE_WIDTH=1234\n"), "{body}");
    assert!(body.contains("PROBE_DEBUG=true\n"), "{body}");
    assert!(body.contains("PROBE_TOKEN=demo-token\n"), "{body}");

    // Exports use the applied values and leave the secret out.
    let (status, head, spin) =
        gallery.request("GET", "/_console/api/export/template-probe?format=spin", "");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-disposition: attachment; filename=\"spin.toml\""),
        "{head}"
    );
    let spin: toml::Table = toml::from_str(&spin).unwrap();
    let component = &spin["component"]["template-probe"];
    assert_eq!(
        component["environment"]["PROBE_WIDTH"].as_str(),
        Some("1234")
    );
    assert_eq!(
        component["allowed_outbound_hosts"].as_array().unwrap(),
        &[toml::Value::from("https://api.example.com")]
    );
    let (status, wadm) = gallery.get("/_console/api/export/template-probe?format=wasmcloud");
    assert_eq!(status, 200);
    assert!(!wadm.contains("demo-token"));
    let wadm: serde_yaml::Value = serde_yaml::from_str(&wadm).unwrap();
    assert_eq!(wadm["kind"].as_str(), Some("Application"));
    assert_eq!(
        gallery
            .get("/_console/api/export/template-probe?format=helm")
            .0,
        400
    );
    assert_eq!(
        gallery.get("/_console/api/export/nothing?format=spin").0,
        404
    );

    // Not JSON, or too large: refused without re-deploying.
    assert_eq!(
        gallery
            .request("POST", "/_console/api/apply/template-probe", "{oops")
            .0,
        400
    );
    let huge = format!(
        "{{\"values\": {{\"PROBE_GREETING\": \"{}\"}}}}",
        "x".repeat(300_000)
    );
    assert_eq!(
        gallery
            .request("POST", "/_console/api/apply/template-probe", &huge)
            .0,
        413
    );
    assert!(
        gallery
            .get("/template-probe/")
            .1
            .contains("PROBE_WIDTH=1234\n")
    );
}

/// A `multipart/form-data` body with one file field named `file`.
fn form_with_file(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "edgekit-test-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_s3_uploader_stores_into_the_embedded_s3_server_out_of_the_box() {
    let gallery = Gallery::start("components");
    let line = gallery.log_line("S3 server for the demos on http://127.0.0.1:");
    let root = PathBuf::from(line.rsplit_once("files in ").unwrap().1);
    let bucket = root.join("uploads");
    assert!(bucket.is_dir(), "{line}");

    // Running with its demo settings; the generated credentials are set
    // but never shown.
    let list: Value = serde_json::from_str(&gallery.get("/_console/api/templates").1).unwrap();
    let uploader = list["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "s3-uploader")
        .unwrap();
    assert_eq!(uploader["running"], true, "{uploader}");
    assert_eq!(uploader["tryForm"], json!({ "kind": "upload" }));
    let parameter = |key: &str| {
        uploader["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(parameter("S3_ENDPOINT")["value"], "http://s3.demo");
    for secret in ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] {
        assert_eq!(parameter(secret)["value"], Value::Null);
        assert_eq!(parameter(secret)["isSet"], true);
    }

    // An upload, as the console's try-it form sends it, lands in the bucket.
    let content = b"hello from the gallery\n".repeat(1000);
    let (content_type, body) = form_with_file("notes.txt", &content);
    let (status, _, answer) = gallery.send("POST", "/s3-uploader/", &content_type, &body);
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["key"], "notes.txt");
    assert_eq!(answer["size"], content.len());
    assert_eq!(answer["sha256"], sha256_hex(&content));
    assert_eq!(std::fs::read(bucket.join("notes.txt")).unwrap(), content);

    // The same name again: refused, the stored file untouched (no silent
    // overwrite by default).
    let (other_type, other) = form_with_file("notes.txt", b"something else");
    let (status, _, _) = gallery.send("POST", "/s3-uploader/", &other_type, &other);
    assert_eq!(status, 409);
    assert_eq!(std::fs::read(bucket.join("notes.txt")).unwrap(), content);

    // Declared larger than the demo's 10 MiB: refused before the body is
    // read (none is sent), nothing stored.
    let mut stream = TcpStream::connect(&gallery.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "PUT /s3-uploader/big.bin HTTP/1.0\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
        10 * 1024 * 1024 + 1
    )
    .unwrap();
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).unwrap();
    assert_eq!(&answer[9..12], b"413");
    assert!(!bucket.join("big.bin").exists());

    // Asked to stop, the gallery removes the S3 server's files.
    let mut gallery = gallery;
    let stopped = Command::new("kill")
        .args(["-TERM", &gallery.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    while gallery.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the gallery did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!root.exists(), "{} is still there", root.display());
}
