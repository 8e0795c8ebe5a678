//! [`Settings`]: the component's parameters (`template.toml`), read through
//! `edgekit::config` and checked once per request.

use std::collections::HashMap;

use edgekit::{Error, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::negotiate::FormatChoice;
use crate::params;
use crate::timeouts::Timeouts;

/// The smallest `MEMORY_LIMIT`: the code, its stack and a small image.
const MIN_MEMORY_LIMIT: u64 = 16 << 20;

/// The parameters as environment variables (`max_width` ↔ `MAX_WIDTH`).
#[derive(Debug, Deserialize)]
pub struct Config {
    /// Base URL the request path is appended to.
    pub origin: Option<String>,
    /// Whether `POST /` with an image body is served.
    #[serde(default)]
    pub allow_upload: bool,
    /// Largest source, in bytes.
    #[serde(default = "default_max_input_bytes")]
    pub max_input_bytes: u64,
    /// Largest source, in pixels (width x height, as declared in its header).
    #[serde(default = "default_max_input_pixels")]
    pub max_input_pixels: u64,
    /// Largest output width.
    #[serde(default = "default_max_side")]
    pub max_width: u32,
    /// Largest output height.
    #[serde(default = "default_max_side")]
    pub max_height: u32,
    /// JPEG quality when `q` is not given.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// Output format when `format` is not given.
    #[serde(default = "default_format")]
    pub default_format: FormatChoice,
    /// `Cache-Control: public, max-age=` for results; unset keeps the origin's.
    pub cache_ttl: Option<u32>,
    /// Named parameter sets: `{"thumb": {"w": 150, "h": 150, "fit": "cover"}}`.
    #[serde(default)]
    pub presets: HashMap<String, HashMap<String, Value>>,
    /// Refuse everything but `preset=`.
    #[serde(default)]
    pub only_presets: bool,
    /// The only output widths served.
    #[serde(default)]
    pub allowed_widths: Vec<u32>,
    /// Round other widths up to an allowed one (`true`) or refuse them.
    #[serde(default = "default_true")]
    pub snap_widths: bool,
    /// Linear memory the component may use, in bytes: every request's
    /// buffers are planned to fit it.
    #[serde(default = "default_memory_limit")]
    pub memory_limit: u64,
    /// Seconds connecting to the origin may take.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout: u32,
    /// Seconds the origin may take to start answering.
    #[serde(default = "default_first_byte_timeout")]
    pub first_byte_timeout: u32,
    /// Seconds the origin's body may pause.
    #[serde(default = "default_between_bytes_timeout")]
    pub between_bytes_timeout: u32,
    /// Seconds the whole fetch, body included, may take.
    #[serde(default = "default_total_timeout")]
    pub total_timeout: u32,
}

fn default_memory_limit() -> u64 {
    128 << 20
}
fn default_connect_timeout() -> u32 {
    5
}
fn default_first_byte_timeout() -> u32 {
    15
}
fn default_between_bytes_timeout() -> u32 {
    10
}
fn default_total_timeout() -> u32 {
    30
}

fn default_max_input_bytes() -> u64 {
    25 << 20
}
fn default_max_input_pixels() -> u64 {
    40_000_000
}
fn default_max_side() -> u32 {
    4096
}
fn default_quality() -> u8 {
    80
}
fn default_format() -> FormatChoice {
    FormatChoice::Auto
}
fn default_true() -> bool {
    true
}

/// The checked settings a request runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Origin base URL without a trailing `/`, when images are fetched.
    pub origin: Option<String>,
    /// Whether `POST /` is served.
    pub allow_upload: bool,
    /// Largest source in bytes.
    pub max_input_bytes: u64,
    /// Largest source in pixels.
    pub max_input_pixels: u64,
    /// Largest output width.
    pub max_width: u32,
    /// Largest output height.
    pub max_height: u32,
    /// Default JPEG quality.
    pub quality: u8,
    /// Default output format.
    pub default_format: FormatChoice,
    /// Fixed cache lifetime in seconds.
    pub cache_ttl: Option<u32>,
    /// Presets as `(parameter, value)` lists.
    pub presets: HashMap<String, Vec<(String, String)>>,
    /// Only presets are served.
    pub only_presets: bool,
    /// Allowed widths, ascending; empty allows all.
    pub allowed_widths: Vec<u32>,
    /// Snap (or refuse) widths that are not allowed.
    pub snap_widths: bool,
    /// Linear memory a request may use.
    pub memory_limit: u64,
    /// Deadlines for origin fetches.
    pub timeouts: Timeouts,
}

/// A `500` naming the key an operator must fix (never its value).
fn misconfigured(key: &str, why: &str) -> Error {
    Error::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("configuration error: {key} {why}"),
    )
}

impl Settings {
    /// Reads and checks the parameters from the environment.
    pub fn load() -> Result<Settings, Error> {
        Settings::check(edgekit::config::load::<Config>()?)
    }

    /// Reads and checks the parameters from `(name, value)` pairs.
    pub fn from_vars(vars: &[(&str, &str)]) -> Result<Settings, Error> {
        Settings::check(edgekit::config::load_from::<Config, _>(
            vars.iter().copied(),
        )?)
    }

    fn check(config: Config) -> Result<Settings, Error> {
        let origin = match config.origin.as_deref().map(str::trim) {
            None | Some("") if config.allow_upload => None,
            None | Some("") => {
                return Err(misconfigured(
                    "ORIGIN",
                    "is required unless ALLOW_UPLOAD is true",
                ));
            }
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim_end_matches('/').to_string())
            }
            Some(_) => {
                return Err(misconfigured(
                    "ORIGIN",
                    "must be an http:// or https:// URL",
                ));
            }
        };
        if !(1..=100).contains(&config.quality) {
            return Err(misconfigured("QUALITY", "must be from 1 to 100"));
        }
        // WebP's limit; JPEG's and PNG's are higher.
        for (key, side) in [
            ("MAX_WIDTH", config.max_width),
            ("MAX_HEIGHT", config.max_height),
        ] {
            if !(1..=16383).contains(&side) {
                return Err(misconfigured(key, "must be from 1 to 16383"));
            }
        }
        if config.max_input_pixels == 0 || config.max_input_bytes == 0 {
            return Err(misconfigured(
                "MAX_INPUT_PIXELS/MAX_INPUT_BYTES",
                "must be above 0",
            ));
        }
        if config.memory_limit < MIN_MEMORY_LIMIT {
            return Err(misconfigured(
                "MEMORY_LIMIT",
                "must be at least 16777216 (16 MiB)",
            ));
        }
        let timeouts = Timeouts::from_seconds(
            config.connect_timeout,
            config.first_byte_timeout,
            config.between_bytes_timeout,
            config.total_timeout,
        )
        .map_err(|key| misconfigured(key, "must be from 1 to 3600 seconds"))?;
        let mut allowed_widths = config.allowed_widths;
        allowed_widths.sort_unstable();
        allowed_widths.dedup();
        if allowed_widths
            .iter()
            .any(|&w| w == 0 || w > config.max_width)
        {
            return Err(misconfigured(
                "ALLOWED_WIDTHS",
                "must be widths from 1 to MAX_WIDTH",
            ));
        }
        let mut presets = HashMap::new();
        for (name, values) in config.presets {
            let mut pairs = Vec::new();
            for (key, value) in values {
                let text = match value {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    _ => {
                        return Err(misconfigured(
                            "PRESETS",
                            "values must be strings or numbers",
                        ));
                    }
                };
                if key == "preset" || !params::NAMES.contains(&key.as_str()) {
                    return Err(misconfigured(
                        "PRESETS",
                        "use only w, h, fit, gravity, bg, format, q, dpr",
                    ));
                }
                pairs.push((key, text));
            }
            presets.insert(name, pairs);
        }
        let settings = Settings {
            origin,
            allow_upload: config.allow_upload,
            max_input_bytes: config.max_input_bytes,
            max_input_pixels: config.max_input_pixels,
            max_width: config.max_width,
            max_height: config.max_height,
            quality: config.quality,
            default_format: config.default_format,
            cache_ttl: config.cache_ttl,
            presets,
            only_presets: config.only_presets,
            allowed_widths,
            snap_widths: config.snap_widths,
            memory_limit: config.memory_limit,
            timeouts,
        };
        // A preset that a request could never use is the operator's mistake.
        for name in settings.presets.keys() {
            let query = [("preset".to_string(), name.clone())];
            if params::parse(&query, &settings).is_err() {
                return Err(misconfigured(
                    "PRESETS",
                    "has a preset with an invalid value",
                ));
            }
        }
        Ok(settings)
    }

    /// `width` if it is allowed, else the next allowed width up (the
    /// largest when it is beyond them all), or a `400` when not snapping.
    pub fn allowed_width(&self, width: u32) -> Result<u32, Error> {
        if self.allowed_widths.is_empty() || self.allowed_widths.contains(&width) {
            return Ok(width);
        }
        if !self.snap_widths {
            let list: Vec<String> = self.allowed_widths.iter().map(u32::to_string).collect();
            return Err(Error::new(
                StatusCode::BAD_REQUEST,
                format!("w: must be one of {} (dpr included)", list.join(", ")),
            ));
        }
        let next = self.allowed_widths.iter().find(|&&w| w >= width);
        Ok(*next.or(self.allowed_widths.last()).unwrap_or(&width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_template() {
        let s = Settings::from_vars(&[("ORIGIN", "https://img.example/base/")]).unwrap();
        assert_eq!(s.origin.as_deref(), Some("https://img.example/base"));
        assert_eq!(s.max_input_bytes, 25 << 20);
        assert_eq!(s.max_input_pixels, 40_000_000);
        assert_eq!((s.max_width, s.max_height, s.quality), (4096, 4096, 80));
        assert_eq!(s.default_format, FormatChoice::Auto);
        assert!(!s.allow_upload && !s.only_presets && s.snap_widths);
        assert_eq!(s.memory_limit, 128 << 20);
        assert_eq!(s.timeouts.total, std::time::Duration::from_secs(30));
    }

    #[test]
    fn origin_is_required_unless_uploads_are_allowed() {
        let e = Settings::from_vars(&[]).unwrap_err();
        assert_eq!(e.status(), 500);
        assert!(e.message().contains("ORIGIN"));
        assert!(
            Settings::from_vars(&[("ALLOW_UPLOAD", "true")])
                .unwrap()
                .origin
                .is_none()
        );
        let e = Settings::from_vars(&[("ORIGIN", "ftp://x")]).unwrap_err();
        assert!(e.message().contains("ORIGIN"));
    }

    #[test]
    fn bad_values_are_configuration_errors() {
        let origin = ("ORIGIN", "http://o.test");
        for bad in [
            ("QUALITY", "0"),
            ("MAX_WIDTH", "20000"),
            ("ALLOWED_WIDTHS", "100,9000"),
            ("PRESETS", r#"{"x": {"w": "wide"}}"#),
            ("PRESETS", r#"{"x": {"colour": "red"}}"#),
            ("PRESETS", "not json"),
            ("DEFAULT_FORMAT", "gif"),
            ("MEMORY_LIMIT", "1000"),
            ("TOTAL_TIMEOUT", "0"),
            ("BETWEEN_BYTES_TIMEOUT", "4000"),
        ] {
            let e = Settings::from_vars(&[origin, bad]).unwrap_err();
            assert_eq!(e.status(), 500, "{bad:?}");
        }
    }
}
