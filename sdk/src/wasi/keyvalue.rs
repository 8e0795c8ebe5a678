//! `wasi:keyvalue@0.2.0-draft` (store and atomics), the version
//! `wasmtime-wasi-keyvalue` 48 implements (WIT vendored in `wit/keyvalue/`).

#[allow(unsafe_code, missing_docs, clippy::all)]
mod bindings {
    wit_bindgen::generate!({
        path: "../wit/keyvalue",
        inline: "
            package edgekit:kv;
            world kv {
                import wasi:keyvalue/store@0.2.0-draft;
                import wasi:keyvalue/atomics@0.2.0-draft;
            }
        ",
        world: "edgekit:kv/kv",
        generate_all,
    });
}

pub(crate) use bindings::wasi::keyvalue::atomics::increment;
pub(crate) use bindings::wasi::keyvalue::store::{Bucket, Error, open};
