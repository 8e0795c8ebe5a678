//! Support for the end-to-end tests: the paths of the guest `.wasm` files
//! built by `build.rs`, and real loopback HTTP servers to use as backends.

pub mod backend;
pub mod faulty;
pub mod hosts;
pub mod image_resize;
pub mod portable;
pub mod s3_server;
pub mod slow_origin;
pub mod storage;
pub mod two_hosts;

pub use backend::{Backend, Received};

include!(concat!(env!("OUT_DIR"), "/wasm_paths.rs"));
