//! Templates as a person uses them: `edgekit templates`, `serve <template>
//! --set`, `export` and `dist`, run as real processes against the
//! `template-probe` test template (one parameter of every type; it answers
//! with the environment it received).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::first_stdout_line;

/// The folder holding the test template.
fn test_templates() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/components")
        .display()
        .to_string()
}

fn edgekit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgekit"))
        .args(args)
        .args(["--templates", &test_templates()])
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgekit-templates-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `edgekit serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Server {
    fn start(name: &str, args: &[&str]) -> Server {
        let log = scratch(&format!("{name}-server")).join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_edgekit"))
            .arg("serve")
            .args(args)
            .args(["--templates", &test_templates(), "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        // The first start builds the probe crate.
        let line = first_stdout_line(&mut child, Duration::from_secs(600));
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        let Some(line) = line else {
            panic!("edgekit serve did not start:\n{}", server.log());
        };
        server.addr = line
            .rsplit(' ')
            .next()
            .unwrap()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        server
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        (
            status,
            response.split_once("\r\n\r\n").unwrap().1.to_string(),
        )
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn templates_lists_names_titles_and_descriptions() {
    let output = edgekit(&["templates"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{stdout}");
    assert!(
        lines.iter().any(|l| l.starts_with("template-probe")
            && l.contains("Template probe")
            && l.contains("Answers with the settings it received")),
        "{stdout}"
    );
}

#[test]
fn templates_name_shows_type_default_required_and_secret() {
    let output = edgekit(&["templates", "template-probe"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let row = |key: &str| -> Vec<String> {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap();
        line.split_whitespace().map(String::from).collect()
    };
    assert_eq!(
        row("PROBE_ORIGIN"),
        ["PROBE_ORIGIN", "url", "-", "yes", "no"]
    );
    assert_eq!(
        row("PROBE_WIDTH"),
        ["PROBE_WIDTH", "integer", "800", "no", "no"]
    );
    assert_eq!(
        row("PROBE_FORMATS"),
        [
            "PROBE_FORMATS",
            "list",
            "(webp|png|jpeg)",
            "webp,png",
            "no",
            "no"
        ]
    );
    assert_eq!(
        row("PROBE_TOKEN"),
        ["PROBE_TOKEN", "string", "-", "no", "yes"]
    );
    assert!(stdout.contains("(at least 1; at most 4096)"), "{stdout}");
}

#[test]
fn an_unknown_template_gets_a_hint() {
    let output = edgekit(&["templates", "template-prob"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: no template named \"template-prob\" (did you mean \"template-probe\"?)\n"
    );
}

#[test]
fn bad_values_are_all_reported_with_exit_code_2_and_nothing_is_served() {
    let started = Instant::now();
    let output = edgekit(&[
        "serve",
        "template-probe",
        "--addr",
        "127.0.0.1:0",
        "--set",
        "PROBE_WIDTH=wide",
        "--set",
        "PROBE_RATIO=2",
        "--set",
        "PROBE_DEBUG=maybe",
        "--set",
        "PROBE_RULES={de: 1}",
        "--set",
        "PROBE_FORMATS=png,jpg",
        "--set",
        "PROBE_MODE=fancey",
        "--set",
        "PROBE_ORGIN=https://example.com/",
        "--set",
        "PROBE_TOKEN=",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "", "no server may start");
    assert_eq!(
        text(&output.stderr),
        "error: template-probe: 8 problems\n  \
         PROBE_ORIGIN: required, but no value was given\n  \
         PROBE_WIDTH: expected a whole number, got \"wide\"\n  \
         PROBE_RATIO: must be at most 1, got \"2\"\n  \
         PROBE_DEBUG: expected true or false (or yes/no, on/off, 1/0), got \"maybe\"\n  \
         PROBE_RULES: expected JSON (key must be a string at line 1 column 2), got \"{de: 1}\"\n  \
         PROBE_FORMATS: \"jpg\" is not one of: webp, png, jpeg (did you mean \"jpeg\"?)\n  \
         PROBE_MODE: \"fancey\" is not one of: plain, fancy (did you mean \"fancy\"?)\n  \
         PROBE_ORGIN: unknown parameter (did you mean PROBE_ORIGIN?)\n"
    );
    // Refused before building: no cargo run.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_bad_config_file_is_refused_with_exit_code_2() {
    let dir = scratch("bad-config");
    let config = dir.join("probe.toml");
    std::fs::write(&config, "probe_width = \n").unwrap();
    let output = edgekit(&[
        "serve",
        "template-probe",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!("error: {}: 1 problem\n", config.display())),
        "{stderr}"
    );
    assert!(stderr.contains("line 1"), "{stderr}");
}

#[test]
fn set_without_a_template_is_refused() {
    let output = edgekit(&["serve", edgekit_tests::HELLO, "--set", "A=b"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("--set and --config are for templates"));
}

#[test]
fn serves_a_template_with_its_values_defaults_and_secrets() {
    let dir = scratch("serve");
    let config = dir.join("probe.toml");
    std::fs::write(
        &config,
        "probe_origin = \"https://origin.test\"\nPROBE_WIDTH = 640\nPROBE_FORMATS = [\"jpeg\", \"webp\"]\n\
         PROBE_RULES = { de = \"https://de.test/\" }\nPROBE_GREETING = \"from the file\"\n",
    )
    .unwrap();
    let server = Server::start(
        "serve",
        &[
            "template-probe",
            "--config",
            config.to_str().unwrap(),
            "--set",
            "PROBE_GREETING=hi there",
            "--set",
            "PROBE_DEBUG=yes",
            "--set",
            "PROBE_TOKEN=t0ps3cr3t",
        ],
    );
    let (status, body) = server.get("/");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        "PROBE_DEBUG=true\n\
         PROBE_FORMATS=jpeg,webp\n\
         PROBE_GREETING=hi there\n\
         PROBE_MODE=plain\n\
         PROBE_ORIGIN=https://origin.test/\n\
         PROBE_RATIO=0.5\n\
         PROBE_RULES={\"de\":\"https://de.test/\"}\n\
         PROBE_TOKEN=t0ps3cr3t\n\
         PROBE_WIDTH=640\n"
    );
    let log = server.log();
    assert!(log.contains("PROBE_WIDTH = 640\n"), "{log}");
    assert!(log.contains("PROBE_MODE = plain (default)\n"), "{log}");
    assert!(log.contains("PROBE_TOKEN = (secret)\n"), "{log}");
    assert!(!log.contains("t0ps3cr3t"), "the secret was printed: {log}");
}

fn export(format: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "export",
        "template-probe",
        "--format",
        format,
        "--out",
        "-",
        "--set",
        "PROBE_ORIGIN=https://origin.test:8443/base/",
        "--set",
        "PROBE_TOKEN=t0ps3cr3t",
        "--set",
        "PROBE_WIDTH=1024",
        "--set",
        "PROBE_RULES={\"de\": \"x\"}",
    ];
    args.extend_from_slice(extra);
    let output = edgekit(&args);
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn exports_a_spin_manifest_without_secrets_in_clear() {
    let manifest = export("spin", &[]);
    assert!(!manifest.contains("t0ps3cr3t"), "{manifest}");
    assert!(
        manifest.contains("spin up --variable probe_token=..."),
        "{manifest}"
    );
    let doc: toml::Table = toml::from_str(&manifest).unwrap();
    assert_eq!(doc["spin_manifest_version"].as_integer(), Some(2));
    assert_eq!(doc["application"]["name"].as_str(), Some("template-probe"));
    assert_eq!(doc["application"]["version"].as_str(), Some("0.1.0"));
    let variable = &doc["variables"]["probe_token"];
    assert_eq!(variable["required"].as_bool(), Some(true));
    assert_eq!(variable["secret"].as_bool(), Some(true));
    let trigger = &doc["trigger"]["http"][0];
    assert_eq!(trigger["route"].as_str(), Some("/..."));
    assert_eq!(trigger["component"].as_str(), Some("template-probe"));
    let component = &doc["component"]["template-probe"];
    assert_eq!(component["source"].as_str(), Some("template-probe.wasm"));
    assert_eq!(
        component["allowed_outbound_hosts"].as_array().unwrap(),
        &[toml::Value::from("https://origin.test:8443")]
    );
    let env = component["environment"].as_table().unwrap();
    assert_eq!(
        env["PROBE_ORIGIN"].as_str(),
        Some("https://origin.test:8443/base/")
    );
    assert_eq!(env["PROBE_WIDTH"].as_str(), Some("1024"));
    assert_eq!(env["PROBE_RULES"].as_str(), Some("{\"de\":\"x\"}"));
    assert_eq!(env["PROBE_MODE"].as_str(), Some("plain"));
    assert!(!env.contains_key("PROBE_TOKEN"));
    assert_eq!(
        component["variables"]["probe_token"].as_str(),
        Some("{{ probe_token }}")
    );
}

#[test]
fn exports_a_wadm_manifest_with_secret_references() {
    let yaml = export("wasmcloud", &["--source", "ghcr.io/example/probe:0.1.0"]);
    assert!(!yaml.contains("t0ps3cr3t"), "{yaml}");
    let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    assert_eq!(doc["apiVersion"].as_str(), Some("core.oam.dev/v1beta1"));
    assert_eq!(doc["kind"].as_str(), Some("Application"));
    assert_eq!(doc["metadata"]["name"].as_str(), Some("template-probe"));
    assert_eq!(
        doc["metadata"]["annotations"]["version"].as_str(),
        Some("0.1.0")
    );
    let policy = &doc["spec"]["policies"][0];
    assert_eq!(
        policy["type"].as_str(),
        Some("policy.secret.wasmcloud.dev/v1alpha1")
    );
    let components = doc["spec"]["components"].as_sequence().unwrap();
    let names: Vec<_> = components
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["template-probe", "httpserver", "httpclient"]);
    let probe = &components[0]["properties"];
    assert_eq!(probe["image"].as_str(), Some("ghcr.io/example/probe:0.1.0"));
    let config = &probe["config"][0]["properties"];
    assert_eq!(config["PROBE_WIDTH"].as_str(), Some("1024"));
    assert_eq!(config["PROBE_RULES"].as_str(), Some("{\"de\":\"x\"}"));
    assert!(config.get("PROBE_TOKEN").is_none());
    let secret = &probe["secrets"][0];
    assert_eq!(secret["name"].as_str(), Some("PROBE_TOKEN"));
    assert_eq!(secret["properties"]["policy"], policy["name"]);
    assert_eq!(
        secret["properties"]["key"].as_str(),
        Some("template-probe-probe_token")
    );
    let link = &components[1]["traits"][0]["properties"];
    assert_eq!(link["target"].as_str(), Some("template-probe"));
    assert_eq!(link["interfaces"][0].as_str(), Some("incoming-handler"));
}

#[test]
fn export_checks_values_first() {
    let output = edgekit(&[
        "export",
        "template-probe",
        "--format",
        "spin",
        "--set",
        "PROBE_WIDTH=0",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("PROBE_ORIGIN: required"), "{stderr}");
    assert!(
        stderr.contains("PROBE_WIDTH: must be at least 1, got \"0\""),
        "{stderr}"
    );
}

#[test]
fn dist_writes_components_checksums_and_readmes() {
    let out = scratch("dist").join("dist");
    let output = edgekit(&["dist", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let wasm = std::fs::read(out.join("template-probe/template-probe.wasm")).unwrap();
    assert_eq!(&wasm[..4], b"\0asm");
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    let mut checked = Vec::new();
    for line in sums.lines() {
        let (sum, file) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(out.join(file)).unwrap();
        let actual: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sum, actual, "{file}");
        checked.push(file.to_string());
    }
    assert!(
        checked.contains(&"template-probe/template-probe.wasm".to_string()),
        "{sums}"
    );
    assert!(
        checked.contains(&"template-probe/README.md".to_string()),
        "{sums}"
    );
    let readme = std::fs::read_to_string(out.join("template-probe/README.md")).unwrap();
    assert!(
        readme.starts_with("# Template probe (template-probe 0.1.0)"),
        "{readme}"
    );
    assert!(
        readme.contains(
            "| `PROBE_WIDTH` | Width: A whole number from 1 to 4096. | integer | no | `800` |"
        ),
        "{readme}"
    );
    assert!(readme.contains("**Secret**"), "{readme}");
    assert!(
        readme.contains("wasmtime serve -Scli --env PROBE_ORIGIN=https://origin.example.com/base/ template-probe.wasm"),
        "{readme}"
    );
}

#[test]
fn a_broken_template_toml_is_reported() {
    let dir = scratch("broken");
    let template = dir.join("oops");
    std::fs::create_dir_all(&template).unwrap();
    std::fs::write(
        template.join("template.toml"),
        "name = \"oops\"\ntitle = \"Oops\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_edgekit"))
        .args(["templates", "--templates", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("no templates found\n"), "{stdout}");
    assert!(
        stdout.contains("broken: ") && stdout.contains("missing field `description`"),
        "{stdout}"
    );
}
