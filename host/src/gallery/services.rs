//! The services the gallery runs beside the templates so their demos work
//! offline: the demo origin (`http://origin.demo/`) and the S3-compatible
//! server (`http://s3.demo/`), both on loopback ports the templates' outgoing
//! requests are routed to.

use super::demo_origin::{self, ORIGIN_HOST};
use super::demo_s3::{DemoS3, S3_BUCKET, S3_HOST};
use crate::HostBuilder;
use crate::template::Problem;
use std::net::SocketAddr;

pub(crate) struct Services {
    pub origin: SocketAddr,
    /// The S3 server, or why it did not start (the other templates run
    /// without it).
    pub s3: Result<DemoS3, String>,
}

impl Services {
    pub async fn start() -> anyhow::Result<Services> {
        let origin = demo_origin::start().await?;
        let s3 = DemoS3::start().await.map_err(|error| format!("{error:#}"));
        match &s3 {
            Ok(s3) => eprintln!(
                "S3 server for the demos on {} (bucket {S3_BUCKET}): files in {}",
                s3.server.endpoint(),
                s3.root().display()
            ),
            Err(error) => eprintln!("the gallery's S3 server did not start: {error}"),
        }
        Ok(Services { origin, s3 })
    }

    /// `builder` with the demo host names routed to the services.
    pub fn route(&self, builder: HostBuilder) -> HostBuilder {
        let builder = builder.route(ORIGIN_HOST, self.origin);
        match &self.s3 {
            Ok(s3) => builder.route(S3_HOST, s3.server.addr()),
            Err(_) => builder,
        }
    }

    /// A demo value with the S3 server's generated credentials in place of
    /// their placeholders; a problem for `key` if it needs them and the
    /// server is not running.
    pub fn substitute(&self, key: &str, text: &str) -> Result<String, Problem> {
        match &self.s3 {
            Ok(s3) => Ok(s3.substitute(text)),
            Err(error) if text.contains("${S3_DEMO_") => Err(Problem::new(
                key,
                format!("the gallery's S3 server did not start: {error}"),
            )),
            Err(_) => Ok(text.to_string()),
        }
    }

    /// Stops the services that hold files (the S3 server's directory).
    pub fn clean_up(&self) {
        if let Ok(s3) = &self.s3 {
            let _ = std::fs::remove_dir_all(s3.root());
        }
    }
}
