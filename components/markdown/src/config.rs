//! The component's parameters, read from environment variables by
//! `edgekit::config::load` (see `template.toml` for the operator's view).

use serde::Deserialize;
use url::Url;

/// Every parameter of the component; field `max_input_bytes` is the
/// variable `MAX_INPUT_BYTES`, and so on.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    /// Where the Markdown files live: `GET /<path>` fetches `ORIGIN` + `<path>`.
    /// Without it only `POST /render` works.
    pub origin: Option<Url>,
    /// The file a path ending in `/` maps to.
    #[serde(default = "default_index_file")]
    pub index_file: String,
    /// GitHub Flavored Markdown or plain CommonMark.
    #[serde(default)]
    pub flavor: Flavor,
    /// What happens to raw HTML inside the Markdown.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// The built-in stylesheet's colours.
    #[serde(default)]
    pub theme: Theme,
    /// An extra stylesheet linked after the built-in one.
    pub css_url: Option<Url>,
    /// Shown in a header on every page, and the page title when a document
    /// has no heading.
    pub site_title: Option<String>,
    /// Markdown shown at the bottom of every page.
    pub footer: Option<String>,
    /// Trusted HTML added to every page's `<head>` as is.
    pub head_html: Option<String>,
    /// The largest Markdown document rendered, in bytes (posted or fetched).
    #[serde(default = "default_max_input_bytes")]
    pub max_input_bytes: usize,
    /// How many origin redirects (to the origin's own host) are followed.
    #[serde(default = "default_max_redirects")]
    pub max_redirects: u32,
    /// `Cache-Control: public, max-age=<CACHE_TTL>` on pages; unset, the
    /// origin's `Cache-Control` is passed on.
    pub cache_ttl: Option<u32>,
    /// What happens to files passed through from the origin that a browser
    /// could run (HTML, SVG, XML).
    #[serde(default)]
    pub active_content: ActiveContent,
    /// Linear memory the component may use, in bytes: each render is
    /// checked against it before parsing.
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
    /// Seconds one origin fetch, body included, may take.
    #[serde(default = "default_total_timeout")]
    pub total_timeout: u32,
}

/// The policy for files passed through from the origin unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActiveContent {
    /// Sent with `Content-Security-Policy: sandbox` (and `nosniff`): a
    /// browser shows them, but as from an opaque origin with no script.
    #[default]
    Sandbox,
    /// HTML, SVG and XML files, and files without a type, answer `403`.
    Refuse,
    /// Sent as the origin sends them, with `nosniff` (trusted origins only).
    Allow,
}

/// The Markdown dialect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// GitHub Flavored Markdown: tables, strikethrough, task lists, extended
    /// autolinks, footnotes and the tag filter on top of CommonMark.
    #[default]
    Gfm,
    /// CommonMark 0.31.2 and nothing else.
    CommonMark,
}

/// The policy for raw HTML written inside Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Kept, through an allowlist sanitizer: no scripts, event handlers,
    /// dangerous URLs, frames, objects or styles.
    #[default]
    Sanitize,
    /// Shown as text.
    Escape,
    /// Kept as written (trusted authors only).
    Allow,
}

/// The colours of the built-in stylesheet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follows the reader's system setting.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

fn default_index_file() -> String {
    "README.md".into()
}

fn default_max_input_bytes() -> usize {
    2 << 20
}

fn default_max_redirects() -> u32 {
    3
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
