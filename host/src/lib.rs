//! The edgekit host: runs `wasi:http` 0.2 components on Wasmtime, the way
//! edge platforms do, for tests and for local development.
//!
//! A [`Host`] compiles a component once; each request gets a fresh instance
//! with edge-like limits (memory, execution deadline, outgoing requests),
//! captured stdout/stderr, and a policy for its outgoing requests (route a
//! host name to a loopback test server, mock it, or deny it). Every request
//! reports [`Stats`].
//!
//! ```no_run
//! # async fn f() -> anyhow::Result<()> {
//! use std::time::Duration;
//! use bytes::Bytes;
//!
//! let host = edgekit_host::Host::builder("target/wasm32-wasip2/release/hello.wasm")
//!     .env("GREETING", "Hello")
//!     .deadline(Duration::from_millis(100))
//!     .route("api.test", "127.0.0.1:4000".parse()?)
//!     .mock("cdn.test", |_req: &http::request::Parts| http::Response::new(Bytes::from("canned")))
//!     .deny_unlisted_hosts()
//!     .build()
//!     .await?;
//! let ex = host.send(http::Request::get("/?name=Ada").body(String::new())?).await?;
//! assert_eq!(ex.response.status(), 200);
//! println!("{:?} to instantiate, {} bytes of memory", ex.stats.instantiate, ex.stats.peak_memory);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod bench;
mod capture;
mod cargo_build;
mod compile_cache;
mod component;
mod deadline;
mod egress;
mod engine;
pub mod gallery;
mod host;
mod keyvalue;
mod limits;
pub mod load;
mod outbound;
mod request;
pub mod s3_server;
mod serve;
mod stats;
pub mod template;
mod visitor;

pub use cargo_build::build_crate;
/// The SDK's platform presets and geo type, which [`HostBuilder::visitor`]
/// and `edgekit serve --geo` play.
pub use edgekit::geo::{Continent, Geo, Platform};
pub use host::{Exchange, Host, HostBuilder};
pub use keyvalue::KvStores;
pub use limits::Limits;
pub use outbound::{Outcome, OutgoingRecord};
pub use request::{PendingStats, ResponseBody, StreamingExchange};
pub use stats::{Failure, FailureKind, Stats};
pub use visitor::Visitor;
