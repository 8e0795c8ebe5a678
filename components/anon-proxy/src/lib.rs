//! `anon-proxy`: fetches a URL on behalf of a client without revealing the
//! client, and refuses to become a door into private networks.
//!
//! `GET /?url=<percent-encoded absolute URL>` fetches the target and streams
//! its answer back. The outgoing request carries an allowlist of harmless
//! headers and a fixed `User-Agent`, nothing else; the target must pass the
//! policy in [`target`] (checked again on every redirect). The parameters
//! are described in `template.toml` and the README.
#![deny(unsafe_code)]
// Built natively, the crate serves its unit tests and exposes `Config` to
// the template sync test; the request path is only wired up in wasm.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod access;
mod capped;
pub mod config;
mod cors;
mod headers;
mod host_name;
mod params;
mod proxy;
mod redirect;
mod response_headers;
mod self_loop;
mod settings;
mod target;
mod uri;

#[cfg(target_arch = "wasm32")]
mod handler;

#[doc(hidden)]
pub mod fuzzing;
