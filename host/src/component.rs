//! Loading a `.wasm` file as a `wasi:http` proxy component, with errors that
//! say what is wrong with the file.

use anyhow::{Context, anyhow, bail};
use std::path::Path;
use wasmtime::Engine;
use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

/// The export every servable component has (any 0.2.x version).
const INCOMING_HANDLER: &str = "wasi:http/incoming-handler@0.2";

/// Reads, checks and compiles the component at `path`, then links it against
/// `linker` once so every request only has to instantiate it.
pub(crate) fn load<T: 'static>(
    engine: &Engine,
    linker: &Linker<T>,
    path: &Path,
) -> anyhow::Result<ProxyPre<T>> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| anyhow!("cannot read {shown}: {e}"))?;
    check_header(&bytes).with_context(|| shown.to_string())?;

    let component = crate::compile_cache::compile(engine, &bytes)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("{shown}: invalid component"))?;

    let ty = component.component_type();
    let exports: Vec<&str> = ty.exports(engine).map(|(name, _)| name).collect();
    if !exports
        .iter()
        .any(|name| name.starts_with(INCOMING_HANDLER))
    {
        let found = if exports.is_empty() {
            "nothing".to_string()
        } else {
            exports.join(", ")
        };
        bail!(
            "{shown}: component does not export wasi:http/incoming-handler \
             (it exports {found}); only wasi:http proxy components can be served"
        );
    }

    let pre = linker
        .instantiate_pre(&component)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("{shown}: component needs imports this host does not provide"))?;
    let pre = ProxyPre::new(pre)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("{shown}: unexpected wasi:http/incoming-handler export"))?;
    Ok(pre)
}

/// Tells a component from a core module or from something that is not wasm
/// at all, before the compiler gives a less direct message.
fn check_header(bytes: &[u8]) -> anyhow::Result<()> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        bail!("not a WebAssembly file");
    }
    match &bytes[4..8] {
        // Version 1, layer 0.
        [1, 0, 0, 0] => bail!(
            "a core WebAssembly module, not a component; \
             build it for the wasm32-wasip2 target (or wrap it with `wasm-tools component new`)"
        ),
        // Layer 1 is the component model, whatever its pre-1.0 version.
        [_, _, 1, 0] => Ok(()),
        _ => bail!("unsupported WebAssembly binary version"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_told_apart() {
        assert!(check_header(b"\0asm\x0d\0\x01\0").is_ok());
        let core = check_header(b"\0asm\x01\0\0\0").unwrap_err().to_string();
        assert!(core.contains("core WebAssembly module"), "{core}");
        let garbage = check_header(b"hello world").unwrap_err().to_string();
        assert_eq!(garbage, "not a WebAssembly file");
    }
}
