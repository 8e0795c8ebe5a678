//! Building a guest crate to a `.wasm` component with cargo.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target that produces `wasi:http` components directly.
const TARGET: &str = "wasm32-wasip2";

/// Runs `cargo build --release --target wasm32-wasip2` in the crate at `dir`
/// (cargo's progress and diagnostics go to stderr) and returns the path of
/// the `.wasm` file it produced for that crate.
///
/// ```no_run
/// # fn f() -> anyhow::Result<()> {
/// let wasm = edgekit_host::build_crate("examples/hello".as_ref())?;
/// println!("built {}", wasm.display());
/// # Ok(()) }
/// ```
pub fn build_crate(dir: &Path) -> anyhow::Result<PathBuf> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        bail!("{}: not a crate directory (no Cargo.toml)", dir.display());
    }
    let manifest = manifest
        .canonicalize()
        .with_context(|| format!("cannot read {}", manifest.display()))?;

    ensure_target(dir)?;
    // The `cargo` on PATH (rustup's proxy) honours the crate's own
    // rust-toolchain.toml, which `$CARGO` would bypass.
    let mut child = Command::new("cargo")
        .current_dir(dir)
        .args(["build", "--release", "--target", TARGET])
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot run cargo")?;

    let mut wasm = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("reading cargo's output")?;
            if let Some(path) = wasm_artifact(&line, &manifest) {
                wasm = Some(path);
            }
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    if !status.success() {
        bail!("cargo build failed in {}", dir.display());
    }
    wasm.with_context(|| {
        format!(
            "{}: cargo built no .wasm file; a component crate needs `crate-type = [\"cdylib\"]`",
            dir.display()
        )
    })
}

/// Installs the wasm target with rustup when the crate's toolchain lacks it,
/// or fails with the command that does.
fn ensure_target(dir: &Path) -> anyhow::Result<()> {
    let libdir = Command::new("rustc")
        .current_dir(dir)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .context("cannot run rustc")?;
    let libdir = String::from_utf8_lossy(&libdir.stdout);
    if Path::new(libdir.trim()).is_dir() {
        return Ok(());
    }
    eprintln!("installing the {TARGET} target (rustup target add {TARGET})");
    let added = Command::new("rustup")
        .current_dir(dir)
        .args(["target", "add", TARGET])
        .status()
        .is_ok_and(|status| status.success());
    if !added {
        bail!("the {TARGET} target is missing; install it with: rustup target add {TARGET}");
    }
    Ok(())
}

/// The `.wasm` file in one line of cargo's JSON messages, if the line is the
/// artifact of the package whose manifest is `manifest`.
fn wasm_artifact(line: &str, manifest: &Path) -> Option<PathBuf> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" {
        return None;
    }
    let built = Path::new(message["manifest_path"].as_str()?);
    if built.canonicalize().ok()? != manifest {
        return None;
    }
    message["filenames"]
        .as_array()?
        .iter()
        .filter_map(|name| name.as_str())
        .find(|name| name.ends_with(".wasm"))
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_crates_own_wasm_file() {
        let dir = std::env::temp_dir();
        let manifest = dir.canonicalize().unwrap();
        let line = serde_json::json!({
            "reason": "compiler-artifact",
            "manifest_path": manifest,
            "filenames": ["/t/release/deps/x.d", "/t/release/x.wasm"],
        })
        .to_string();
        assert_eq!(
            wasm_artifact(&line, &manifest),
            Some(PathBuf::from("/t/release/x.wasm"))
        );
        assert_eq!(
            wasm_artifact(&line, Path::new("/elsewhere/Cargo.toml")),
            None
        );
        assert_eq!(wasm_artifact("Compiling x", &manifest), None);
    }
}
