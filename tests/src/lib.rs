//! Paths of the guest `.wasm` files built by `build.rs`, for the tests.

include!(concat!(env!("OUT_DIR"), "/wasm_paths.rs"));
