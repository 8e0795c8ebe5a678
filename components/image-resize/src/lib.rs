//! `image-resize`: on-the-fly resizing and format conversion at the edge.
//!
//! `GET /<path>?w=&h=&fit=&gravity=&bg=&format=&q=&dpr=&preset=` fetches
//! `ORIGIN` + `<path>`, resizes and encodes it; `POST /` does the same with
//! the image in the body when `ALLOW_UPLOAD=true`. See `README.md` for the
//! parameters and `template.toml` for the settings.
#![deny(unsafe_code)]

pub mod budget;
pub mod color;
pub mod decode;
pub mod encode;
pub mod etag;
pub mod geometry;
pub mod negotiate;
pub mod orientation;
pub mod params;
pub mod paths;
pub mod pixels;
pub mod render;
pub mod resize;
pub mod settings;
pub mod shrink;
pub mod sniff;
pub mod source;
pub mod timeouts;

// The export exists only in the component; natively the crate is its
// modules, for unit tests and benchmarks.
#[cfg(target_arch = "wasm32")]
mod handler;
