//! The gallery (`edgekit serve` with no argument) over HTTP: the console
//! page, the API it calls (list, apply, export), and requests reaching the
//! templates under `/<name>/`. Served from `tests/components`, where the
//! `template-probe` template answers with the settings it received.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running gallery, killed when dropped.
struct Gallery {
    child: Child,
    addr: String,
}

impl Gallery {
    fn start() -> Gallery {
        let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/components");
        let mut child = Command::new(env!("CARGO_BIN_EXE_edgekit"))
            .args(["serve", "--addr", "127.0.0.1:0", "--templates"])
            .arg(templates)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = sender.send(lines.next().and_then(Result::ok));
            lines.for_each(drop);
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(600))
            .ok()
            .flatten();
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
        Gallery { child, addr }
    }

    /// Sends a request and returns the status, the headers (lower-cased
    /// names) and the body.
    fn request(&self, method: &str, path: &str, body: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        (
            head[9..12].parse().unwrap(),
            head.to_ascii_lowercase(),
            body.to_string(),
        )
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
    let gallery = Gallery::start();

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
