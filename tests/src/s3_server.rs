//! The S3-compatible server the uploader's tests store into: the host's
//! [`edgekit_host::s3_server`], the one the template gallery also runs.

pub use edgekit_host::s3_server::*;
