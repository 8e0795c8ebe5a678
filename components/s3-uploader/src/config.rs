//! The component's parameters (one environment variable each, see
//! `template.toml`), and the checks that span several of them.

use edgekit::config::Secret;
use serde::Deserialize;

/// `MAX_UPLOAD_BYTES` unless set: 100 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;
/// `PART_SIZE` unless set: 8 MiB.
pub const DEFAULT_PART_SIZE: u64 = 8 * 1024 * 1024;
/// S3's smallest part (all but the last one).
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// S3's largest part; the guest holds one part at a time, so it also bounds memory.
pub const MAX_PART_SIZE: u64 = 64 * 1024 * 1024;
/// S3's most parts per multipart upload.
pub const MAX_PARTS: u64 = 10_000;
/// `PRESIGN_TTL` unless set, in seconds.
pub const DEFAULT_PRESIGN_TTL: u64 = 900;
/// SigV4's longest presigned URL lifetime: 7 days.
pub const MAX_PRESIGN_TTL: u64 = 7 * 24 * 3600;

/// Every parameter, as read from the environment.
#[derive(Debug, Deserialize)]
pub struct Config {
    /// The S3 endpoint, `https://s3.us-east-1.amazonaws.com`,
    /// `https://<account>.r2.cloudflarestorage.com`, `http://minio:9000`.
    pub s3_endpoint: String,
    /// The signing region (`auto` for R2).
    #[serde(default = "default_region")]
    pub s3_region: String,
    /// The bucket.
    pub s3_bucket: String,
    /// The access key id.
    pub s3_access_key_id: Secret<String>,
    /// The secret access key.
    pub s3_secret_access_key: Secret<String>,
    /// A session token, for temporary credentials.
    pub s3_session_token: Option<Secret<String>>,
    /// `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`.
    #[serde(default)]
    pub s3_path_style: bool,
    /// How object keys are chosen.
    #[serde(default)]
    pub key_mode: KeyMode,
    /// Prepended to every key.
    #[serde(default)]
    pub key_prefix: String,
    /// Replace existing objects instead of answering `409`.
    #[serde(default)]
    pub overwrite: bool,
    /// The largest upload, in bytes.
    #[serde(default = "default_max_upload_bytes")]
    pub max_upload_bytes: u64,
    /// Allowed content types (`image/*`, `application/pdf`); empty allows any.
    #[serde(default)]
    pub allowed_content_types: Vec<String>,
    /// Bytes per part (and the single-request limit).
    #[serde(default = "default_part_size")]
    pub part_size: u64,
    /// Proxy the bytes, or hand out presigned URLs.
    #[serde(default)]
    pub mode: Mode,
    /// Lifetime of presigned URLs, in seconds.
    #[serde(default = "default_presign_ttl")]
    pub presign_ttl: u64,
    /// The bearer token uploaders must present.
    pub upload_token: Option<Secret<String>>,
    /// The operator's explicit choice to accept uploads from anyone.
    #[serde(default)]
    pub allow_anonymous: bool,
    /// Browser origins allowed to upload (`https://app.example.com`, `*`).
    #[serde(default)]
    pub cors_origins: Vec<String>,
}

/// How object keys are chosen (`KEY_MODE`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyMode {
    /// The request path (or the form's `key` field), validated.
    #[default]
    Path,
    /// A random UUID, keeping the extension of the given name.
    Uuid,
    /// The hex SHA-256 of the content: identical files share one object.
    Sha256,
}

/// What the component does with uploads (`MODE`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The bytes stream through the component into the bucket.
    #[default]
    Proxy,
    /// `POST /presign` answers a presigned PUT URL; the bytes go straight
    /// to the bucket.
    Presign,
}

fn default_region() -> String {
    "us-east-1".into()
}

fn default_max_upload_bytes() -> u64 {
    DEFAULT_MAX_UPLOAD_BYTES
}

fn default_part_size() -> u64 {
    DEFAULT_PART_SIZE
}

fn default_presign_ttl() -> u64 {
    DEFAULT_PRESIGN_TTL
}

#[cfg(test)]
mod tests {
    use edgekit::config::{Kind, keys};

    use super::Config;

    /// `(key, type, secret)` of each `[[parameters]]` entry in `template.toml`.
    fn declared() -> Vec<(String, String, bool)> {
        let text = include_str!("../template.toml");
        let mut out: Vec<(String, String, bool)> = Vec::new();
        for line in text.lines() {
            let Some((name, value)) = line.split_once(" = ") else {
                continue;
            };
            let value = value.trim_matches('"').to_owned();
            match name {
                "key" => out.push((value, String::new(), false)),
                "type" => out.last_mut().unwrap().1 = value,
                "secret" => out.last_mut().unwrap().2 = value == "true",
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_template_declares_exactly_the_keys_the_code_reads() {
        let read: Vec<(String, String, bool)> = keys::<Config>()
            .into_iter()
            .map(|key| {
                let kind = match key.kind {
                    Kind::String => "string",
                    Kind::Integer => "integer",
                    Kind::Number => "number",
                    Kind::Bool => "bool",
                    Kind::List => "list",
                    Kind::Json => "json",
                    Kind::Enum(_) => "enum",
                };
                (key.name, kind.to_owned(), key.secret)
            })
            .collect();
        let declared: Vec<(String, String, bool)> = declared()
            .into_iter()
            // A URL is text to the config reader.
            .map(|(key, kind, secret)| {
                (
                    key,
                    if kind == "url" { "string".into() } else { kind },
                    secret,
                )
            })
            .collect();
        assert_eq!(read, declared);
    }
}
