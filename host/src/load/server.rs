//! A server under load: `edgekit serve` or `wasmtime serve -Scli` as a child
//! process on a loopback port, stopped when dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How long a server may take to start (Wasmtime compiles the component).
const STARTUP: Duration = Duration::from_secs(180);

/// `edgekit serve`'s default memory limit, given to `wasmtime serve` too
/// (which otherwise lets a memory grow to 4 GiB).
pub const MAX_MEMORY: usize = 128 << 20;
/// `wasmtime serve`'s `-W timeout` (it has none by default). It counts wall
/// time since the request began, waiting on backends included, unlike
/// `edgekit serve`'s 1 s deadline, which counts only time running wasm: at
/// 1 s, 114 of 292 s3-uploader uploads timed out under 64 connections.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// The host a component runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    /// `edgekit serve` with its default limits (128 MiB, 1 s of wasm
    /// execution); the path of the `edgekit` binary.
    Edgekit(PathBuf),
    /// `wasmtime serve -Scli` (Wasmtime 48 on `PATH`), with [`MAX_MEMORY`]
    /// and [`DEADLINE`].
    Wasmtime,
}

impl HostKind {
    /// How the tables name it.
    pub fn name(&self) -> &'static str {
        match self {
            HostKind::Edgekit(_) => "edgekit serve",
            HostKind::Wasmtime => "wasmtime serve -Scli",
        }
    }

    fn command(&self, wasm: &Path, addr: SocketAddr, env: &[(String, String)]) -> Command {
        let envs = env
            .iter()
            .map(|(key, value)| format!("--env={key}={value}"));
        match self {
            HostKind::Edgekit(binary) => {
                let mut command = Command::new(binary);
                command
                    .arg("serve")
                    .arg(wasm)
                    .args(["--addr", &addr.to_string()])
                    .args(envs);
                command
            }
            HostKind::Wasmtime => {
                let mut command = Command::new("wasmtime");
                command
                    .args(["serve", "-Scli", "--addr", &addr.to_string()])
                    .arg(format!("-Wmax-memory-size={MAX_MEMORY}"))
                    .arg(format!("-Wtimeout={}ms", DEADLINE.as_millis()))
                    .args(envs)
                    .arg(wasm);
                command
            }
        }
    }
}

/// A running server.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its stdout and stderr (one line per request for `edgekit serve`).
    pub log: PathBuf,
}

impl Server {
    /// Starts `kind` serving `wasm` with `env`, writing its output to `log`,
    /// and waits until it accepts connections.
    pub async fn start(
        kind: &HostKind,
        wasm: &Path,
        env: &[(String, String)],
        log: PathBuf,
    ) -> anyhow::Result<Server> {
        let addr = free_port()?;
        let output = std::fs::File::create(&log)
            .with_context(|| format!("cannot write {}", log.display()))?;
        let mut command = kind.command(wasm, addr, env);
        command
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output);
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", kind.name()))?;
        let mut server = Server { child, addr, log };
        let started = Instant::now();
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "{} exited ({status}): see {}",
                    kind.name(),
                    server.log.display()
                );
            }
            if started.elapsed() > STARTUP {
                bail!("{} did not start within {STARTUP:?}", kind.name());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(server)
    }

    /// The process id, for sampling its memory.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running (it must survive the load).
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on now (the server binds it right after).
fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}
