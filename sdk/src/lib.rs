//! Write `wasi:http` edge components in plain Rust.
//!
//! `#[edge_handler]` turns a `fn` or `async fn` into a standard
//! `wasi:http/incoming-handler` component: build it with
//! `cargo build --release --target wasm32-wasip2` and run it on any
//! `wasi:http` 0.2 host (`edgekit serve`, `wasmtime serve -Scli`, `jco serve`,
//! Spin, wasmCloud, ...).
//!
//! ```no_run
//! use edgekit::{Error, Json, Request, RequestExt};
//!
//! #[derive(serde::Deserialize)]
//! struct Params {
//!     name: Option<String>,
//! }
//!
//! #[edgekit::edge_handler]
//! fn hello(req: Request) -> Result<String, Error> {
//!     let params: Params = req.query()?; // a bad query is a 400
//!     Ok(format!("Hello, {}!", params.name.as_deref().unwrap_or("world")))
//! }
//! ```
//!
//! The pieces:
//! - [`Request`] and [`Response`] are the `http` crate's types over [`Body`],
//!   a buffered or streaming body whose whole reads are always capped.
//! - A handler returns anything [`IntoResponse`]: strings, bytes, status
//!   codes, [`Json`], [`Html`], [`Redirect`], tuples with a status and
//!   headers, and `Result`s of those with [`Error`].
//! - Errors are safe by default: a client error says what was wrong, an
//!   internal one answers `500` with a request id and logs the cause.
//! - [`fetch`] sends outbound requests with streaming bodies and timeouts;
//!   [`join`] runs several at once in an `async fn` handler.
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod body;
mod body_error;
pub mod config;
mod error;
mod fetch;
pub mod geo;
mod html;
mod json;
mod json_text;
#[cfg(feature = "kv")]
#[cfg_attr(docsrs, doc(cfg(feature = "kv")))]
pub mod kv;
pub mod log;
pub mod net;
mod query;
mod redirect;
mod request_ext;
mod request_id;
mod response;
pub mod router;
mod time;
mod wasi;

#[doc(hidden)]
pub mod __private {
    pub use crate::private::*;
}
mod private;

pub use body::{Body, BoxError, DEFAULT_LIMIT};
pub use body_error::BodyError;
pub use edgekit_macros::edge_handler;
pub use error::Error;
pub use fetch::{FetchError, FetchErrorKind, FetchOptions, fetch, fetch_blocking, fetch_with};
pub use html::Html;
pub use json::Json;
pub use query::QueryError;
pub use redirect::Redirect;
pub use request_ext::RequestExt;
pub use request_id::request_id;
pub use response::IntoResponse;
pub use time::{TimedOut, sleep, timeout};

pub use http;
pub use http::{HeaderMap, Method, StatusCode, Uri, header};

/// An incoming (or outgoing) HTTP request: `http::Request` over [`Body`].
pub type Request = http::Request<Body>;

/// An HTTP response: `http::Response` over [`Body`].
pub type Response = http::Response<Body>;

/// Runs two futures concurrently and waits for both; use it to overlap
/// outbound requests in an `async fn` handler.
///
/// ```no_run
/// # async fn f() {
/// let (a, b) = edgekit::join(async { 1 }, async { 2 }).await;
/// assert_eq!(a + b, 3);
/// # }
/// ```
pub use futures_lite::future::zip as join;

/// Like [`join`] for futures returning `Result`: stops at the first error.
///
/// ```no_run
/// # async fn f() -> Result<(), edgekit::FetchError> {
/// use edgekit::http::Request;
/// let a = edgekit::fetch(Request::get("https://a.example/").body(()).unwrap());
/// let b = edgekit::fetch(Request::get("https://b.example/").body(()).unwrap());
/// let (a, b) = edgekit::try_join(a, b).await?;
/// # Ok(()) }
/// ```
pub use futures_lite::future::try_zip as try_join;

/// Runs a future to completion on the WASI reactor, from sync code.
///
/// Sync handlers use it to read a body or await other async APIs. It must
/// not be called from inside an `async` handler (`.await` there instead).
///
/// ```no_run
/// use edgekit::{Error, Request};
///
/// #[edgekit::edge_handler]
/// fn shout(req: Request) -> Result<String, Error> {
///     let text = edgekit::block_on(req.into_body().text())?;
///     Ok(text.to_uppercase())
/// }
/// ```
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    crate::wasi::wait::block_on(future)
}
