//! `wasi:config/store@0.2.0-rc.1`, the version `wasmtime-wasi-config` 48
//! implements (WIT vendored in `wit/config/`).

#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({
        path: "../wit/config",
        world: "wasi:config/imports@0.2.0-rc.1",
    });
}

use bindings::wasi::config::store;

/// The value of `key`, or `None` when it is unset or the store fails (a
/// failing store falls back to the environment, like an unset key).
pub(crate) fn get(key: &str) -> Option<String> {
    store::get(key).ok().flatten()
}
