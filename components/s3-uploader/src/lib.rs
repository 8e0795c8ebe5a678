//! `s3-uploader`: authenticated, streaming uploads into any S3-compatible
//! bucket.
//!
//! `PUT`/`POST /<key>` with the file as the body, or `POST /` with a
//! `multipart/form-data` form (field `file`, optional `key`), answers `201`
//! with `{"key", "size", "etag", "sha256", "url"}`. Up to `PART_SIZE` the
//! body goes up in one `PutObject`; beyond, in a multipart upload that is
//! aborted on any failure. With `MODE=presign`, `POST /presign` hands out
//! presigned `PUT` URLs instead. The parameters are described in
//! `template.toml` and the README.
#![deny(unsafe_code)]

mod auth;
pub mod config;
mod content_type;
mod cors;
mod endpoint;
mod form;
mod hex;
mod key;
mod media_type;
mod presign;
mod proxy;
mod reply;
mod s3;
mod settings;
pub mod sign;
mod source;
mod spool;
mod upload;
mod xml;

use edgekit::http::header::{HeaderValue, WWW_AUTHENTICATE};
use edgekit::{Error, IntoResponse, Method, Request, Response, StatusCode};

use crate::config::{Config, Mode};
use crate::settings::Settings;

// The export only links into a wasm component (its names are WIT names);
// natively the crate is a library for the template sync test.
#[cfg_attr(target_arch = "wasm32", edgekit::edge_handler)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
async fn s3_uploader(request: Request) -> Response {
    let settings = match load() {
        Ok(settings) => settings,
        Err(error) => return error.into_response(),
    };
    let headers = request.headers().clone();
    let mut response = if request.method() == Method::OPTIONS {
        settings.cors.preflight(&headers)
    } else {
        route(request, &settings)
            .await
            .unwrap_or_else(IntoResponse::into_response)
    };
    settings.cors.decorate(&headers, &mut response);
    response
}

async fn route(request: Request, settings: &Settings) -> Result<Response, Error> {
    if let Some(token) = &settings.token
        && !auth::is_authorized(request.headers(), token)
    {
        let mut response =
            reply::error(StatusCode::UNAUTHORIZED, "a valid bearer token is required")
                .into_response();
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Ok(response);
    }
    match settings.mode {
        Mode::Proxy => proxy::handle(request, settings).await,
        Mode::Presign if request.uri().path() == "/presign" => presign::handle(request, settings)
            .await
            .map(IntoResponse::into_response),
        Mode::Presign => Err(reply::error(
            StatusCode::NOT_FOUND,
            "uploads go straight to the bucket: POST /presign for a URL",
        )),
    }
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

#[doc(hidden)]
pub mod fuzzing;
