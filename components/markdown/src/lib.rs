//! `markdown`: a ready component that turns a Markdown site (an S3 bucket, a
//! Git host's raw files) into a styled website, and renders posted Markdown.
//!
//! The pure parts (rendering, sanitizing, the page, paths, caching) are
//! modules of their own with native unit tests; `handler` ties them to HTTP.
#![deny(unsafe_code)]

pub mod budget;
pub mod config;
pub mod etag;
pub mod negotiate;
pub mod nesting;
pub mod origin;
pub mod page;
pub mod paths;
pub mod render;
pub mod sanitize;
pub mod tagfilter;
pub mod timeouts;

// The export only links into a wasm component (its names are WIT names).
#[cfg(target_arch = "wasm32")]
mod handler;
