//! A template for testing templates: `template.toml` declares one parameter
//! of every type and [`Config`] reads them. `GET /` loads the config (a bad
//! value answers the SDK's 500 configuration-error page) and answers with
//! the `PROBE_*` environment variables it received, one `KEY=value` line
//! each, sorted.

use edgekit::config::Secret;
use serde::Deserialize;

/// The probe's parameters, as `template.toml` declares them.
#[derive(Debug, Deserialize)]
pub struct Config {
    /// `PROBE_ORIGIN`, a URL.
    pub probe_origin: String,
    /// `PROBE_GREETING`.
    #[serde(default = "greeting")]
    pub probe_greeting: String,
    /// `PROBE_WIDTH`.
    #[serde(default = "width")]
    pub probe_width: u32,
    /// `PROBE_RATIO`.
    #[serde(default = "ratio")]
    pub probe_ratio: f64,
    /// `PROBE_DEBUG`.
    #[serde(default)]
    pub probe_debug: bool,
    /// `PROBE_RULES`, JSON.
    pub probe_rules: Option<serde_json::Value>,
    /// `PROBE_FORMATS`.
    #[serde(default = "formats")]
    pub probe_formats: Vec<Format>,
    /// `PROBE_MODE`.
    #[serde(default)]
    pub probe_mode: Mode,
    /// `PROBE_TOKEN`.
    pub probe_token: Option<Secret<String>>,
}

/// An image format.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// WebP.
    Webp,
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
}

/// How to answer.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Plain.
    #[default]
    Plain,
    /// Fancy.
    Fancy,
}

fn greeting() -> String {
    "hello".to_string()
}

fn width() -> u32 {
    800
}

fn ratio() -> f64 {
    0.5
}

fn formats() -> Vec<Format> {
    vec![Format::Webp, Format::Png]
}

#[cfg(target_arch = "wasm32")]
#[edgekit::edge_handler]
fn probe() -> Result<String, edgekit::Error> {
    let _config: Config = edgekit::config::load()?;
    let mut lines: Vec<String> = std::env::vars()
        .filter(|(key, _)| key.starts_with("PROBE_"))
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect();
    lines.sort();
    Ok(lines.concat())
}
