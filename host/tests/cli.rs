//! `edgekit serve` as a user runs it: a real process, a real socket.

use edgekit_tests::{COMMAND, GEO, MISBEHAVE, ROUTER};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

mod support;
use support::first_stdout_line;

/// A running `edgekit serve`, killed when dropped (also when a test fails).
struct Server {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Server {
    /// Starts `edgekit serve <args> --addr 127.0.0.1:0` and waits (up to
    /// `startup`) for the line that says where it listens.
    fn start(name: &str, args: &[&str], startup: Duration) -> Server {
        Server::start_with_env(name, args, &[], startup)
    }

    /// [`Server::start`] with extra environment variables for the process.
    fn start_with_env(
        name: &str,
        args: &[&str],
        env: &[(&str, &str)],
        startup: Duration,
    ) -> Server {
        let log = scratch(&format!("{name}.log"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_edgekit"))
            .envs(env.iter().copied())
            .arg("serve")
            .args(args)
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let line = first_stdout_line(&mut child, startup);
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        let Some(line) = line else {
            panic!("edgekit serve did not start:\n{}", server.log());
        };
        let url = line.rsplit(' ').next().unwrap();
        server.addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        server
    }

    /// Sends a GET and returns the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        // HTTP/1.0 keeps the body unchunked, delimited by the connection closing.
        write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response.split_once("\r\n\r\n").unwrap().1.to_string();
        (status, body)
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

/// A path for this test process's scratch files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgekit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn serve_and_exit(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgekit"))
        .args(["serve".as_ref(), path.as_os_str()])
        .args(["--addr", "127.0.0.1:0"])
        .output()
        .unwrap()
}

/// The one error line `edgekit serve` printed before exiting with failure.
fn refusal(path: &Path) -> String {
    let output = serve_and_exit(path);
    assert!(
        !output.status.success(),
        "edgekit serve should have refused {path:?}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    stderr
}

#[test]
fn serves_a_component_and_survives_its_misbehaviour() {
    let server = Server::start(
        "serve",
        &[MISBEHAVE, "--cpu-ms", "50"],
        Duration::from_secs(120),
    );
    assert_eq!(server.get("/"), (200, "ok".to_string()));
    assert_eq!(
        server.get("/spin"),
        (500, "execution deadline exceeded\n".to_string())
    );
    assert_eq!(server.get("/trap"), (500, "guest trapped\n".to_string()));
    assert_eq!(server.get("/"), (200, "ok".to_string()));

    // Guest output goes to the terminal, and every request gets a log line.
    assert_eq!(server.get("/log").0, 200);
    // Log lines are written as requests finish, by more than one writer:
    // wait until all of them are there.
    let expected = [
        "misbehave says hello on stderr",
        "GET / 200",
        "GET /spin 500",
        "execution deadline exceeded",
        "GET /log 200",
    ];
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !expected.iter().all(|line| server.log().contains(line))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = server.log();
    for line in expected {
        assert!(log.contains(line), "{line:?} missing from: {log}");
    }
}

#[test]
fn edgekit_perfmap_writes_a_perf_map_of_the_component() {
    let map_of = |server: &Server| PathBuf::from(format!("/tmp/perf-{}.map", server.child.id()));
    let plain = Server::start("no-perfmap", &[MISBEHAVE], Duration::from_secs(120));
    assert_eq!(plain.get("/").0, 200);
    assert!(!map_of(&plain).exists(), "a map was written unasked");

    let profiled = Server::start_with_env(
        "perfmap",
        &[MISBEHAVE],
        &[("EDGEKIT_PERFMAP", "1")],
        Duration::from_secs(120),
    );
    assert_eq!(profiled.get("/").0, 200);
    let map = map_of(&profiled);
    let text = std::fs::read_to_string(&map).unwrap_or_default();
    let _ = std::fs::remove_file(&map);
    // One line per compiled function: `0x<start> <size> <name>`, in hex.
    let functions = text
        .lines()
        .filter(|line| {
            let fields: Vec<&str> = line.splitn(3, ' ').collect();
            fields.len() == 3
                && fields[0]
                    .strip_prefix("0x")
                    .is_some_and(|a| u64::from_str_radix(a, 16).is_ok())
                && u64::from_str_radix(fields[1], 16).is_ok()
        })
        .count();
    assert!(
        functions > 10,
        "{} has {functions} functions:\n{text:.500}",
        map.display()
    );
}

#[test]
fn max_memory_takes_units() {
    let server = Server::start(
        "memory",
        &[MISBEHAVE, "--max-memory", "16MiB"],
        Duration::from_secs(120),
    );
    assert_eq!(
        server.get("/alloc"),
        (500, "memory limit exceeded\n".to_string())
    );
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn serves_a_crate_directory_after_building_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/components/misbehave");
    let server = Server::start("crate", &[dir.to_str().unwrap()], Duration::from_secs(600));
    assert_eq!(server.get("/"), (200, "ok".to_string()));
}

#[test]
fn a_missing_file_is_refused() {
    let stderr = refusal(Path::new("/no/such/component.wasm"));
    assert!(
        stderr.starts_with("error: cannot read /no/such/component.wasm: "),
        "{stderr}"
    );
}

#[test]
fn a_core_module_is_refused() {
    let path = scratch("core.wasm");
    // The smallest valid core module: magic number and version 1.
    std::fs::write(&path, b"\0asm\x01\0\0\0").unwrap();
    let stderr = refusal(&path);
    assert!(
        stderr.contains("core.wasm: a core WebAssembly module, not a component"),
        "{stderr}"
    );
}

#[test]
fn garbage_is_refused() {
    let path = scratch("garbage.wasm");
    std::fs::write(&path, "<html>not wasm</html>").unwrap();
    let stderr = refusal(&path);
    assert!(
        stderr.contains("garbage.wasm: not a WebAssembly file"),
        "{stderr}"
    );
}

#[test]
fn a_component_without_an_http_handler_is_refused() {
    let stderr = refusal(Path::new(COMMAND));
    assert!(
        stderr.contains("component does not export wasi:http/incoming-handler"),
        "{stderr}"
    );
    assert!(stderr.contains("wasi:cli/run"), "{stderr}");
}

#[test]
fn a_directory_without_a_crate_is_refused() {
    let dir = scratch("empty-dir");
    std::fs::create_dir_all(&dir).unwrap();
    let stderr = refusal(&dir);
    assert!(stderr.contains("not a crate directory"), "{stderr}");
}

#[test]
fn serve_plays_a_platform_visitor() {
    let server = Server::start(
        "serve-geo",
        &[
            GEO,
            "--platform",
            "cloudflare",
            "--geo",
            "country=DE,city=Berlin",
            "--client-ip",
            "203.0.113.7",
        ],
        Duration::from_secs(120),
    );
    let (status, body) = server.get("/");
    assert_eq!(status, 200, "{}", server.log());
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["platform"], "cloudflare");
    assert_eq!(body["geo"]["country"], "DE");
    assert_eq!(body["geo"]["continent"], "EU");
    assert_eq!(body["geo"]["city"], "Berlin");
    assert_eq!(body["client_ip"], "203.0.113.7");
}

#[test]
fn serve_seeds_key_value_stores_from_flags_and_a_file() {
    let seed = scratch("kv-seed.json");
    std::fs::write(
        &seed,
        r#"{"default": {"todo:5": {"id": 5, "title": "from file", "done": false}}}"#,
    )
    .unwrap();
    let server = Server::start(
        "serve-kv",
        &[
            ROUTER,
            "--kv-file",
            seed.to_str().unwrap(),
            "--kv",
            r#"default:todo:6={"id":6,"title":"from flag","done":true}"#,
        ],
        Duration::from_secs(120),
    );
    let (status, body) = server.get("/todos");
    assert_eq!(status, 200, "{}", server.log());
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body[0]["title"], "from file");
    assert_eq!(body[1]["title"], "from flag");
}

#[test]
fn serve_refuses_a_bad_geo_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_edgekit"))
        .args([
            "serve",
            GEO,
            "--geo",
            "country=Germany",
            "--addr",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not an ISO 3166-1 alpha-2 country code"),
        "{stderr}"
    );
}
