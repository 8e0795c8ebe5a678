//! `edgekit dist`: release builds of every template, ready to hand over.

use super::{Catalog, Kind, Template};
use crate::build_crate;
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One template in a distribution folder.
#[derive(Debug, Clone)]
pub struct DistEntry {
    /// The template's name (also its sub-folder).
    pub name: String,
    /// The component file.
    pub wasm: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, in hex.
    pub sha256: String,
}

/// Builds every template of `catalog` in release mode and writes, under
/// `out`, one folder per template with `<name>.wasm`, its `template.toml`
/// and a README for people who do not code, plus `SHA256SUMS` (the format
/// `sha256sum -c SHA256SUMS` checks) covering every file written.
///
/// ```no_run
/// # fn f() -> anyhow::Result<()> {
/// let catalog = edgekit_host::template::Catalog::scan(&["components".into()]);
/// for entry in edgekit_host::template::dist(&catalog, "dist".as_ref())? {
///     println!("{} {} bytes {}", entry.name, entry.bytes, entry.sha256);
/// }
/// # Ok(()) }
/// ```
pub fn dist(catalog: &Catalog, out: &Path) -> anyhow::Result<Vec<DistEntry>> {
    let mut entries = Vec::new();
    let mut sums = String::new();
    for template in &catalog.templates {
        eprintln!("building {} ({})", template.name, template.dir.display());
        let built = build_crate(&template.dir)?;
        let folder = out.join(&template.name);
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let wasm = folder.join(format!("{}.wasm", template.name));
        let files = [
            (
                wasm.clone(),
                std::fs::read(&built)
                    .with_context(|| format!("cannot read {}", built.display()))?,
            ),
            (
                folder.join("template.toml"),
                std::fs::read(template.dir.join("template.toml"))?,
            ),
            (folder.join("README.md"), readme(template).into_bytes()),
        ];
        for (path, bytes) in &files {
            std::fs::write(path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let relative = path.strip_prefix(out).unwrap_or(path);
            let _ = writeln!(
                sums,
                "{}  {}",
                hex(&Sha256::digest(bytes)),
                relative.display()
            );
        }
        entries.push(DistEntry {
            name: template.name.clone(),
            bytes: files[0].1.len() as u64,
            sha256: hex(&Sha256::digest(&files[0].1)),
            wasm,
        });
    }
    let sums_file = out.join("SHA256SUMS");
    std::fs::write(&sums_file, sums)
        .with_context(|| format!("cannot write {}", sums_file.display()))?;
    Ok(entries)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A README a person who does not code can follow: what the template does,
/// its settings, and how to run or deploy it.
pub(crate) fn readme(template: &Template) -> String {
    let name = &template.name;
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({name} {})\n", template.title, template.version);
    let _ = writeln!(out, "{}\n", template.description);
    let _ = writeln!(
        out,
        "`{name}.wasm` is a standard WebAssembly HTTP component (`wasi:http` 0.2)."
    );
    let _ = writeln!(
        out,
        "You change what it does with the settings below; no programming is needed.\n"
    );
    let _ = writeln!(out, "## Settings\n");
    if template.parameters.is_empty() {
        let _ = writeln!(out, "This template has no settings.\n");
    } else {
        let _ = writeln!(
            out,
            "| setting | what it does | type | required | default |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for p in &template.parameters {
            let kind = match p.kind {
                Kind::Enum | Kind::List if !p.options.is_empty() => {
                    format!("{} of: {}", p.kind, p.options.join(", "))
                }
                _ => p.kind.to_string(),
            };
            let secret = if p.secret {
                " **Secret**: keep it private."
            } else {
                ""
            };
            let default = p
                .default_text()
                .map(|d| format!("`{d}`"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{}` | {}: {}{secret} | {kind} | {} | {default} |",
                p.key,
                p.title,
                p.description.replace('\n', " ").replace('|', "\\|"),
                if p.required { "yes" } else { "no" },
            );
        }
        let _ = writeln!(out);
    }
    let example: Vec<String> = template
        .parameters
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let value = p
                .example
                .as_ref()
                .and_then(|e| super::values::toml_to_text(e, p.kind).ok())
                .unwrap_or_else(|| "...".to_string());
            format!("{}={value}", p.key)
        })
        .collect();
    let _ = writeln!(out, "## Try it on your computer\n");
    let _ = writeln!(
        out,
        "With the [Wasmtime](https://wasmtime.dev) command installed, in this folder:\n"
    );
    let env: String = example.iter().map(|kv| format!(" --env {kv}")).collect();
    let _ = writeln!(out, "```sh\nwasmtime serve -Scli{env} {name}.wasm\n```\n");
    let _ = writeln!(
        out,
        "then open http://127.0.0.1:8080/ in a browser. With edgekit, the same settings are"
    );
    let set: String = example.iter().map(|kv| format!(" --set {kv}")).collect();
    let _ = writeln!(
        out,
        "checked before it starts:\n\n```sh\nedgekit serve {name}{set}\n```\n"
    );
    let _ = writeln!(out, "## Deploy it\n");
    let _ = writeln!(
        out,
        "`edgekit export {name}{set} --format spin` writes a `spin.toml` for Spin and SpinKube;"
    );
    let _ = writeln!(
        out,
        "`--format wasmcloud` writes a `wadm.yaml` for wasmCloud. Secret settings are never written"
    );
    let _ = writeln!(
        out,
        "into those files: the file says how to give them to the platform.\n"
    );
    let _ = writeln!(out, "## Check the download\n");
    let _ = writeln!(
        out,
        "In the folder above this one: `sha256sum -c SHA256SUMS`."
    );
    out
}
