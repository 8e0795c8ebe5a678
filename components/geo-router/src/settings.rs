//! [`Settings`]: the checked configuration a request runs with.

use std::time::Duration;

use edgekit::StatusCode;
use edgekit::config::ConfigError;
use edgekit::geo::Platform;

use crate::config::{Config, DEFAULT_BLOCK_MESSAGE, Mode};
use crate::country::Country;
use crate::presets;
use crate::router::{Router, Tables};

/// The most `TIMEOUT_MS` may be: platforms end requests long before.
const MAX_TIMEOUT_MS: u64 = 120_000;

/// The parameters, checked against each other.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The trusted platform, if any.
    pub platform: Option<Platform>,
    /// The routing table.
    pub router: Router,
    /// Redirect or proxy.
    pub mode: Mode,
    /// The redirect status.
    pub redirect_status: StatusCode,
    /// The origin timeouts.
    pub timeout: Duration,
    /// Countries answered with `451`.
    pub blocked: Vec<Country>,
    /// The `451` page's text.
    pub block_message: String,
    /// Add `x-geo-route`.
    pub debug_header: bool,
    /// Honour `?geo_country=`.
    pub allow_override: bool,
}

impl Settings {
    /// Reads and checks the parameters from the environment.
    pub fn load() -> Result<Settings, ConfigError> {
        Settings::check(edgekit::config::load()?)
    }

    /// Reads and checks the parameters from `(name, value)` pairs.
    #[cfg(test)]
    pub fn from_vars(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::check(edgekit::config::load_from(vars.iter().copied())?)
    }

    fn check(config: Config) -> Result<Settings, ConfigError> {
        let router = Router::new(Tables {
            routes: config.routes,
            groups: config.groups,
            ip_rules: config.ip_rules,
            fallback: config.fallback,
        })?;
        if !(1..=MAX_TIMEOUT_MS).contains(&config.timeout_ms) {
            return Err(ConfigError::invalid(
                "TIMEOUT_MS",
                format!("must be from 1 to {MAX_TIMEOUT_MS}"),
            ));
        }
        Ok(Settings {
            platform: config.platform.map(Platform::from),
            router,
            mode: config.mode,
            redirect_status: config.redirect_status.into(),
            timeout: Duration::from_millis(config.timeout_ms),
            blocked: config.block_countries,
            block_message: config
                .block_message
                .unwrap_or_else(|| DEFAULT_BLOCK_MESSAGE.to_string()),
            debug_header: config.debug_header,
            allow_override: config.allow_override,
        })
    }

    /// The request headers the answer depends on, for `Vary`: the country
    /// header when routes or blocking use it, the address header when
    /// `IP_RULES` do; nothing without a platform, since then every visitor
    /// is treated alike.
    pub fn vary(&self) -> Option<String> {
        let platform = self.platform?;
        let mut names = Vec::new();
        if self.router.uses_geography() || !self.blocked.is_empty() {
            names.push(presets::country_header(platform));
        }
        if self.router.uses_ip_rules() {
            names.push(presets::client_ip_header(platform));
        }
        (!names.is_empty()).then(|| names.join(", "))
    }
}

#[cfg(test)]
mod tests;
