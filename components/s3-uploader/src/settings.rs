//! The configuration, checked once per request: the S3 client, key rules,
//! limits, auth and CORS. A bad combination is a configuration error.

use std::time::Duration;

use crate::config::{self, Config, KeyMode, Mode};
use crate::content_type::Allowed;
use crate::cors::Cors;
use crate::endpoint::Bucket;
use crate::key;
use crate::s3::{S3, Write};
use crate::sign::Signer;

/// Everything a request needs, checked.
pub struct Settings {
    /// The bucket client.
    pub s3: S3,
    /// How keys are chosen.
    pub key_mode: KeyMode,
    /// Prepended to every key.
    pub key_prefix: String,
    /// Conditional writes or replacement.
    pub write: Write,
    /// The largest upload.
    pub max_upload_bytes: u64,
    /// Allowed content types.
    pub allowed: Allowed,
    /// Bytes per part.
    pub part_size: usize,
    /// Proxy or presign.
    pub mode: Mode,
    /// Presigned URL lifetime.
    pub presign_ttl: Duration,
    /// The bearer token, unless uploads are anonymous.
    pub token: Option<String>,
    /// CORS.
    pub cors: Cors,
}

impl Settings {
    /// Checks `config`; `Err` says what is wrong (never a secret's value).
    pub fn new(config: Config) -> Result<Self, String> {
        let bucket = Bucket::new(&config.s3_endpoint, &config.s3_bucket, config.s3_path_style)?;
        if config.s3_region.is_empty()
            || !config
                .s3_region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("S3_REGION is not a region name".into());
        }
        let signer = Signer::new(
            config.s3_access_key_id.expose(),
            config.s3_secret_access_key.expose(),
            config
                .s3_session_token
                .as_ref()
                .map(|t| t.expose().as_str()),
            &config.s3_region,
        );
        key::check_prefix(&config.key_prefix).map_err(|why| format!("KEY_PREFIX: {why}"))?;
        if !(config::MIN_PART_SIZE..=config::MAX_PART_SIZE).contains(&config.part_size) {
            return Err("PART_SIZE must be between 5 MiB (5242880) and 64 MiB (67108864)".into());
        }
        if config.max_upload_bytes == 0
            || config.max_upload_bytes > config.part_size * config::MAX_PARTS
        {
            return Err("MAX_UPLOAD_BYTES must be at least 1 and at most PART_SIZE × 10000".into());
        }
        if config.mode == Mode::Presign && config.key_mode == KeyMode::Sha256 {
            return Err(
                "KEY_MODE=sha256 needs the bytes, so it cannot be used with MODE=presign".into(),
            );
        }
        if !(1..=config::MAX_PRESIGN_TTL).contains(&config.presign_ttl) {
            return Err("PRESIGN_TTL must be between 1 and 604800 seconds".into());
        }
        let token = config
            .upload_token
            .map(|t| t.into_inner())
            .filter(|t| !t.is_empty());
        if token.is_none() && !config.allow_anonymous {
            return Err("UPLOAD_TOKEN is required (or set ALLOW_ANONYMOUS=true to accept uploads from anyone)".into());
        }
        Ok(Settings {
            s3: S3::new(bucket, signer),
            key_mode: config.key_mode,
            key_prefix: config.key_prefix,
            write: if config.overwrite {
                Write::Overwrite
            } else {
                Write::IfAbsent
            },
            max_upload_bytes: config.max_upload_bytes,
            allowed: Allowed::new(&config.allowed_content_types)?,
            part_size: usize::try_from(config.part_size).map_err(|_| "PART_SIZE is too large")?,
            mode: config.mode,
            presign_ttl: Duration::from_secs(config.presign_ttl),
            token,
            cors: Cors::new(&config.cors_origins)?,
        })
    }
}
