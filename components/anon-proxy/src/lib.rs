//! `anon-proxy`: fetches a URL on behalf of a client without revealing the
//! client, and refuses to become a door into private networks.
//!
//! `GET /?url=<percent-encoded absolute URL>` fetches the target and streams
//! its answer back. The outgoing request carries an allowlist of harmless
//! headers and a fixed `User-Agent`, nothing else; the target must pass the
//! policy in [`target`] (checked again on every redirect). The parameters
//! are described in `template.toml` and the README.
#![deny(unsafe_code)]

mod access;
mod address;
mod capped;
mod config;
mod cors;
mod headers;
mod host_name;
mod params;
mod proxy;
mod redirect;
mod self_loop;
mod settings;
mod target;
mod uri;

use edgekit::{Error, IntoResponse, Request, Response, StatusCode};

use crate::config::Config;
use crate::settings::Settings;

#[edgekit::edge_handler]
async fn anon_proxy(request: Request) -> Response {
    let settings = match load() {
        Ok(settings) => settings,
        Err(error) => return error.into_response(),
    };
    let mut response = match proxy::handle(request, &settings).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    proxy::finish(&mut response, &settings);
    response
}

/// The configuration, checked; a problem answers every request with `500`
/// "configuration error", the way the SDK reports a bad key.
fn load() -> Result<Settings, Error> {
    let config: Config = edgekit::config::load()?;
    Settings::new(config).map_err(|invalid| {
        Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("configuration error: {invalid}"),
        )
    })
}
