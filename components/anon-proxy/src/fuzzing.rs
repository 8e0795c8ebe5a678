//! The parsers of untrusted bytes, reachable from the fuzz targets in
//! `fuzz/`: target URLs, address checks and redirects. Not an API; the
//! component itself uses the modules directly.

pub use crate::host_name::HostPattern;
pub use crate::params::{BadParams, target, token};
pub use crate::redirect::{is_redirect, location, next_method, through_proxy};
pub use crate::target::{Blocked, Policy};
pub use crate::uri::to_uri;
pub use edgekit::net::{Special, classify_v4, classify_v6};
