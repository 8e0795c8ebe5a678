//! Builds every guest crate (examples, ready components, test-only
//! components) for `wasm32-wasip2` with the release profile, in a target
//! directory of its own, and hands the `.wasm` paths to the tests as
//! constants in `$OUT_DIR/wasm_paths.rs`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
/// Folders (relative to the workspace root) whose sub-folders are guest crates.
const GUEST_DIRS: &[&str] = &["examples", "components", "benches", "tests/components"];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    // Any change to the SDK, the macro, a guest crate or the guests' build
    // flags rebuilds the guests.
    for dir in [
        "sdk",
        "macros",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
    ]
    .iter()
    .chain(GUEST_DIRS)
    {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }

    let guests = guest_crates(&root);
    ensure_target_installed();

    let target_dir = root.join("target").join("wasm");
    // Cargo unifies features across the packages of one build: a guest
    // that turns on an SDK feature the others must not get (one that adds
    // imports) is built on its own.
    let (alone, together): (Vec<_>, Vec<_>) = guests.iter().partition(|(_, dir)| builds_alone(dir));
    build(&root, &target_dir, &together);
    for guest in &alone {
        build(&root, &target_dir, &[*guest]);
    }

    let mut consts = String::new();
    for (package, _) in &guests {
        let file = target_dir
            .join(TARGET)
            .join("release")
            .join(format!("{}.wasm", package.replace('-', "_")));
        assert!(file.exists(), "missing {}", file.display());
        let name = package.to_uppercase().replace('-', "_");
        consts.push_str(&format!(
            "/// `{package}` built for {TARGET}.\npub const {name}: &str = {:?};\n",
            file.display().to_string()
        ));
    }
    fs::write(out_dir.join("wasm_paths.rs"), consts).unwrap();
}

/// Builds `guests` for the wasm target in one cargo invocation.
fn build(root: &Path, target_dir: &Path, guests: &[&(String, PathBuf)]) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["build", "--release", "--target", TARGET, "--target-dir"])
        .arg(target_dir);
    for (package, _) in guests {
        cmd.args(["-p", package]);
    }
    // The outer build's flags and wrappers (clippy, coverage) are for the
    // host target, not for the guests.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .expect("failed to run cargo for the wasm guests");
    assert!(status.success(), "building the wasm guests failed");
}

/// Whether the crate asks to be built on its own
/// (`[package.metadata.edgekit] build-alone = true`).
fn builds_alone(dir: &Path) -> bool {
    fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|text| text.contains("build-alone = true"))
}

/// `(package name, crate dir)` of every guest crate, sorted by name.
fn guest_crates(root: &Path) -> Vec<(String, PathBuf)> {
    let mut guests = Vec::new();
    for dir in GUEST_DIRS {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let manifest = entry.path().join("Cargo.toml");
            let Ok(text) = fs::read_to_string(&manifest) else {
                continue;
            };
            let name = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("name = "))
                .map(|n| n.trim_matches('"').to_string())
                .unwrap_or_else(|| panic!("no package name in {}", manifest.display()));
            guests.push((name, entry.path()));
        }
    }
    guests.sort();
    guests
}

/// Installs the wasm target through rustup when it is missing, or stops with
/// the command that installs it.
fn ensure_target_installed() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let libdir = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !libdir.is_empty() && Path::new(&libdir).is_dir() {
        return;
    }
    let added = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        added,
        "the {TARGET} target is missing; install it with: rustup target add {TARGET}"
    );
}
