//! The component's parameters (one environment variable each, see
//! `template.toml`), and the checks that span several of them.
//!
//! Values that need checking parse into types that check themselves, so a
//! bad one is reported by the SDK under its own key, like a bad integer.

use std::fmt;

use edgekit::config::Secret;
use edgekit::http::{HeaderName, HeaderValue, Method};
use serde::{Deserialize, Deserializer, de};

use crate::headers::refuses_to_forward;
use crate::host_name::HostPattern;

/// `MAX_RESPONSE_BYTES` unless set: 50 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 50 * 1024 * 1024;
/// `TIMEOUT_MS` unless set.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// `MAX_REDIRECTS` unless set.
pub const DEFAULT_MAX_REDIRECTS: u32 = 5;
/// The most `MAX_REDIRECTS` may be: each hop is an outgoing request, and
/// platforms cap those per request (32 on edgekit's host).
pub const REDIRECTS_CEILING: u32 = 20;
/// `USER_AGENT` unless set: the same for every client, so it tells nothing
/// about any of them.
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (compatible; anon-proxy)";

/// Every parameter, as read from the environment.
#[derive(Debug, Deserialize)]
pub struct Config {
    /// Hosts the proxy may fetch (`example.com`, `*.example.com`); empty
    /// means any public host.
    #[serde(default)]
    pub allowed_hosts: Vec<HostPattern>,
    /// Hosts it never fetches.
    #[serde(default)]
    pub denied_hosts: Vec<HostPattern>,
    /// Target ports; empty means 80 and 443.
    #[serde(default)]
    pub allowed_ports: Vec<u16>,
    /// Methods besides `GET` and `HEAD`.
    #[serde(default)]
    pub allowed_methods: Vec<MethodName>,
    /// The token clients must present.
    pub access_token: Option<Secret<String>>,
    /// The operator's explicit choice to serve anyone, anywhere public.
    #[serde(default)]
    pub open_proxy: bool,
    /// Request headers forwarded besides the built-in allowlist.
    #[serde(default)]
    pub forward_headers: Vec<ForwardHeader>,
    /// The `User-Agent` every outgoing request carries.
    #[serde(default = "default_user_agent")]
    pub user_agent: HeaderText,
    /// `follow` or `rewrite`.
    #[serde(default)]
    pub redirect_mode: RedirectMode,
    /// Redirects followed per request.
    #[serde(default = "default_max_redirects")]
    pub max_redirects: u32,
    /// The most response body bytes passed on.
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: u64,
    /// Connect, first-byte and between-bytes timeout, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The `Access-Control-Allow-Origin` to answer with.
    pub cors_allow_origin: Option<HeaderText>,
    /// Serve targets' answers with the sandbox policy.
    #[serde(default = "default_sandbox")]
    pub sandbox: bool,
}

fn default_sandbox() -> bool {
    true
}

fn default_user_agent() -> HeaderText {
    HeaderText(HeaderValue::from_static(DEFAULT_USER_AGENT))
}

fn default_max_redirects() -> u32 {
    DEFAULT_MAX_REDIRECTS
}

fn default_max_response_bytes() -> u64 {
    DEFAULT_MAX_RESPONSE_BYTES
}

fn default_timeout_ms() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// What happens to a redirect from the target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectMode {
    /// The proxy follows it, checking every hop against the policy.
    #[default]
    Follow,
    /// The client gets it, with `Location` pointing through the proxy.
    Rewrite,
}

/// A problem that involves several keys, or a value out of range: answered
/// like the SDK's configuration errors, `500` naming the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// The checks a single key's type cannot make.
    pub fn validate(&self) -> Result<(), Invalid> {
        // Not an open door by default: the operator must say who may use the
        // proxy, or where it may go, or that it is open on purpose.
        if self.allowed_hosts.is_empty() && self.access_token.is_none() && !self.open_proxy {
            return Err(Invalid(
                "set ALLOWED_HOSTS, ACCESS_TOKEN, or OPEN_PROXY=true: \
                 without one of them this would be an open proxy"
                    .into(),
            ));
        }
        if self.max_redirects > REDIRECTS_CEILING {
            return Err(Invalid(format!(
                "MAX_REDIRECTS: at most {REDIRECTS_CEILING}"
            )));
        }
        if self.max_response_bytes == 0 {
            return Err(Invalid("MAX_RESPONSE_BYTES: must be at least 1".into()));
        }
        if self.timeout_ms == 0 {
            return Err(Invalid("TIMEOUT_MS: must be at least 1".into()));
        }
        if self.allowed_ports.contains(&0) {
            return Err(Invalid("ALLOWED_PORTS: 0 is not a port".into()));
        }
        Ok(())
    }
}

/// Deserializes a string and turns it into `T` with `parse`, whose error
/// becomes the key's problem.
fn parse_text<'de, D, T>(
    deserializer: D,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = String::deserialize(deserializer)?;
    parse(&text).map_err(de::Error::custom)
}

impl<'de> Deserialize<'de> for HostPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_text(deserializer, |text| {
            HostPattern::parse(text).ok_or_else(|| {
                format!("{text:?} is not a host name, an IP address or *.domain (no scheme, port or path)")
            })
        })
    }
}

/// An HTTP method named in `ALLOWED_METHODS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodName(pub Method);

impl<'de> Deserialize<'de> for MethodName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_text(deserializer, |text| {
            let upper = text.trim().to_ascii_uppercase();
            match Method::from_bytes(upper.as_bytes()) {
                // CONNECT would turn the proxy into a tunnel, TRACE echoes
                // the request (headers included) back.
                Ok(Method::CONNECT | Method::TRACE) => Err(format!("{upper} cannot be allowed")),
                Ok(method) => Ok(MethodName(method)),
                Err(_) => Err(format!("{text:?} is not an HTTP method")),
            }
        })
    }
}

/// A request header named in `FORWARD_HEADERS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardHeader(pub HeaderName);

impl<'de> Deserialize<'de> for ForwardHeader {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_text(deserializer, |text| {
            let name = HeaderName::from_bytes(text.trim().as_bytes())
                .map_err(|_| format!("{text:?} is not a header name"))?;
            match refuses_to_forward(&name) {
                Some(why) => Err(format!("{name} is never forwarded: {why}")),
                None => Ok(ForwardHeader(name)),
            }
        })
    }
}

/// Text that must be a valid header value (`USER_AGENT`,
/// `CORS_ALLOW_ORIGIN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderText(pub HeaderValue);

impl<'de> Deserialize<'de> for HeaderText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_text(deserializer, |text| {
            HeaderValue::from_str(text.trim())
                .map(HeaderText)
                .map_err(|_| "not valid in an HTTP header (control characters or non-ASCII)".into())
        })
    }
}

#[cfg(test)]
mod tests;
