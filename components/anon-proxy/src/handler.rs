//! The `wasi:http` entry point.

use edgekit::{Error, IntoResponse, Request, Response, StatusCode};

use crate::config::Config;
use crate::proxy;
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
