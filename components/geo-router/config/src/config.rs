//! [`Config`]: the parameters as environment variables (see
//! `template.toml`), declared as an `edgekit::config` type. It is the
//! reference for the keys, their kinds and options (`edgekit::config::keys`,
//! the template sync test) and for how each value reads; the component
//! itself reads them with its own `Params` reader, which a native test
//! holds to this type's rules, and checks them across keys in `Settings`
//! (`components/geo-router/src/`).

use std::collections::HashMap;

use edgekit::StatusCode;
use edgekit::geo::Platform;
use serde::Deserialize;

use crate::country::Country;
use crate::ip_rules::Cidr;
use crate::origin::Origin;

/// `TIMEOUT_MS` unless set.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// `BLOCK_MESSAGE` unless set.
pub const DEFAULT_BLOCK_MESSAGE: &str = "This service is not available in your country.";

/// Every parameter, as read from the environment.
#[derive(Debug, Deserialize)]
pub struct Config {
    /// The edge platform whose geo headers are trusted; unset trusts none.
    pub platform: Option<PlatformName>,
    /// Route name → origin base URL.
    pub routes: HashMap<String, Origin>,
    /// Group name → its countries.
    #[serde(default)]
    pub groups: HashMap<String, Vec<Country>>,
    /// Network → route name.
    #[serde(default)]
    pub ip_rules: HashMap<Cidr, String>,
    /// `redirect` or `proxy`.
    #[serde(default)]
    pub mode: Mode,
    /// 301, 302, 307 or 308.
    #[serde(default)]
    pub redirect_status: RedirectStatus,
    /// Routes tried in order when the chosen origin fails (proxy mode).
    #[serde(default)]
    pub fallback: Vec<String>,
    /// Connect, first-byte and between-bytes timeout for origins.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Countries answered with `451`.
    #[serde(default)]
    pub block_countries: Vec<Country>,
    /// The text of the `451` page.
    pub block_message: Option<String>,
    /// Add `x-geo-route` to responses.
    #[serde(default)]
    pub debug_header: bool,
    /// Let `?geo_country=XX` choose the country.
    #[serde(default)]
    pub allow_override: bool,
    /// Request headers sent to the origin besides the built-in list.
    #[serde(default)]
    pub forward_headers: Vec<String>,
}

/// `PLATFORM`: one of the SDK's presets. Its own enum rather than
/// [`Platform`] itself, so the SDK lists the names as the key's options
/// and keeps checking the other keys when this one is wrong (`Platform`
/// parses from text, which refuses the SDK's text placeholder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformName {
    /// Gcore FastEdge.
    Fastedge,
    /// Cloudflare.
    Cloudflare,
    /// Fastly.
    Fastly,
    /// A proxy that sets `x-geo-*` and `x-forwarded-for`.
    Generic,
}

impl PlatformName {
    /// Each option by its name in `PLATFORM`.
    pub const OPTIONS: [(&str, Platform); 4] = [
        ("fastedge", Platform::FastEdge),
        ("cloudflare", Platform::Cloudflare),
        ("fastly", Platform::Fastly),
        ("generic", Platform::Generic),
    ];
}

impl From<PlatformName> for Platform {
    fn from(name: PlatformName) -> Platform {
        match name {
            PlatformName::Fastedge => Platform::FastEdge,
            PlatformName::Cloudflare => Platform::Cloudflare,
            PlatformName::Fastly => Platform::Fastly,
            PlatformName::Generic => Platform::Generic,
        }
    }
}

/// `REDIRECT_STATUS`: the redirects a browser follows to another site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum RedirectStatus {
    /// 301 Moved Permanently.
    #[serde(rename = "301")]
    Moved,
    /// 302 Found.
    #[default]
    #[serde(rename = "302")]
    Found,
    /// 307 Temporary Redirect (keeps the method and body).
    #[serde(rename = "307")]
    Temporary,
    /// 308 Permanent Redirect (keeps the method and body).
    #[serde(rename = "308")]
    Permanent,
}

impl RedirectStatus {
    /// Each option by its text in `REDIRECT_STATUS`.
    pub const OPTIONS: [(&str, StatusCode); 4] = [
        ("301", StatusCode::MOVED_PERMANENTLY),
        ("302", StatusCode::FOUND),
        ("307", StatusCode::TEMPORARY_REDIRECT),
        ("308", StatusCode::PERMANENT_REDIRECT),
    ];
}

impl From<RedirectStatus> for StatusCode {
    fn from(status: RedirectStatus) -> StatusCode {
        match status {
            RedirectStatus::Moved => StatusCode::MOVED_PERMANENTLY,
            RedirectStatus::Found => StatusCode::FOUND,
            RedirectStatus::Temporary => StatusCode::TEMPORARY_REDIRECT,
            RedirectStatus::Permanent => StatusCode::PERMANENT_REDIRECT,
        }
    }
}

/// How a visitor reaches the chosen origin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Answer with a redirect to the origin.
    #[default]
    Redirect,
    /// Fetch from the origin and stream its answer back.
    Proxy,
}

impl Mode {
    /// Each option by its name in `MODE`.
    pub const OPTIONS: [(&str, Mode); 2] = [("redirect", Mode::Redirect), ("proxy", Mode::Proxy)];
}

fn default_timeout_ms() -> u64 {
    DEFAULT_TIMEOUT_MS
}
