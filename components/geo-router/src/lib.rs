//! geo-router: sends each visitor to the right origin by country, group or
//! continent, by redirect or as a proxy with failover, and answers `451`
//! where the operator must not serve.
//!
//! Each request (a fresh instance): read and check the configuration (a
//! bad one answers the SDK's configuration-error page), read the visitor's country from the
//! trusted platform's header (or `?geo_country=` when allowed), block,
//! choose a route, then redirect or proxy. See `template.toml` for the
//! parameters and `README.md` for the operator's guide.
#![deny(unsafe_code)]
// Natively the crate is its modules, for unit tests; the handler that uses
// all of them exists only in the component.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod forward;
mod json;
mod params;
mod presets;
mod proxy;
mod replay;
mod respond;
mod router;
mod settings;
mod visitor;

#[cfg(target_arch = "wasm32")]
mod handler;

// The parameters and their value types live in `config/` (see its
// Cargo.toml for why); at the crate root they read as this crate's own.
use geo_router_config::{config, country, ip_rules, origin};
