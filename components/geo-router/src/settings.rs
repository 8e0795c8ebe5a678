//! [`Settings`]: the checked configuration a request runs with.

use std::time::Duration;

use edgekit::StatusCode;
use edgekit::config::ConfigError;
use edgekit::geo::Platform;
use edgekit::http::HeaderName;

use crate::config::{
    DEFAULT_BLOCK_MESSAGE, DEFAULT_TIMEOUT_MS, Mode, PlatformName, RedirectStatus,
};
use crate::country::Country;
use crate::ip_rules::Cidr;
use crate::json::Json;
use crate::origin::Origin;
use crate::params::{self, Params, Source};
use crate::router::{Router, Tables};
use crate::{forward, presets};

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
    /// `FORWARD_HEADERS`: request headers sent to the origin besides
    /// [`forward::END_TO_END`](crate::forward::END_TO_END).
    pub forward: Vec<HeaderName>,
}

/// Each key as read on its own, before the checks across keys.
struct Keys {
    platform: Option<Platform>,
    routes: Vec<(String, Origin)>,
    groups: Vec<(String, Vec<Country>)>,
    ip_rules: Vec<(Cidr, String)>,
    mode: Mode,
    redirect_status: StatusCode,
    fallback: Vec<String>,
    timeout_ms: u64,
    blocked: Vec<Country>,
    block_message: Option<String>,
    debug_header: bool,
    allow_override: bool,
    forward: Vec<HeaderName>,
}

impl Settings {
    /// Reads and checks the parameters from the environment.
    pub fn load() -> Result<Settings, ConfigError> {
        Settings::read(&|key| std::env::var(key).ok())
    }

    /// Reads and checks the parameters from `(name, value)` pairs.
    #[cfg(test)]
    pub fn from_vars(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::read(&|key| {
            vars.iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| value.to_string())
        })
    }

    /// Reads every key (in [`Config`](crate::config::Config)'s order, so
    /// problems are listed as the SDK lists them), then checks them
    /// against each other once each is valid on its own.
    pub fn read(source: Source<'_>) -> Result<Settings, ConfigError> {
        let mut params = Params::new(source);
        let keys = Settings::read_keys(&mut params);
        params.finish()?;
        Settings::check(keys)
    }

    /// Each key on its own; problems are left in `params`.
    fn read_keys(params: &mut Params<'_>) -> Keys {
        let platform = params.optional_choice("PLATFORM", &PlatformName::OPTIONS);
        let routes = params.object("ROUTES", true, |name, value| {
            Ok((name.to_string(), Origin::parse(params::string(value)?)?))
        });
        let groups = params.object("GROUPS", false, |name, value| match value {
            Json::Array(members) => {
                let members = members
                    .iter()
                    .map(|m| params::string(m).and_then(Country::read))
                    .collect::<Result<_, _>>()?;
                Ok((name.to_string(), members))
            }
            other => Err(format!(
                "group {name:?}: expected a list of countries, got {}",
                other.kind()
            )),
        });
        let ip_rules = params.object("IP_RULES", false, |name, value| {
            Ok((Cidr::read(name)?, params::string(value)?.to_string()))
        });
        let mode = params.choice("MODE", &Mode::OPTIONS, Mode::Redirect);
        let redirect_status = params.choice(
            "REDIRECT_STATUS",
            &RedirectStatus::OPTIONS,
            StatusCode::FOUND,
        );
        let fallback = params.list("FALLBACK", |name| Ok(name.to_string()));
        let timeout_ms = params.integer("TIMEOUT_MS", DEFAULT_TIMEOUT_MS);
        let blocked = params.list("BLOCK_COUNTRIES", Country::read);
        let block_message = params.optional_text("BLOCK_MESSAGE");
        let debug_header = params.flag("DEBUG_HEADER");
        let allow_override = params.flag("ALLOW_OVERRIDE");
        let forward = params.list("FORWARD_HEADERS", forward::extra_header);
        Keys {
            platform,
            routes,
            groups,
            ip_rules,
            mode,
            redirect_status,
            fallback,
            timeout_ms,
            blocked,
            block_message,
            debug_header,
            allow_override,
            forward,
        }
    }

    /// The checks across keys.
    fn check(keys: Keys) -> Result<Settings, ConfigError> {
        let Keys {
            platform,
            routes,
            groups,
            ip_rules,
            mode,
            redirect_status,
            fallback,
            timeout_ms,
            blocked,
            block_message,
            debug_header,
            allow_override,
            forward,
        } = keys;
        let router = Router::new(Tables {
            routes,
            groups,
            ip_rules,
            fallback,
        })?;
        if !(1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
            return Err(ConfigError::invalid(
                "TIMEOUT_MS",
                format!("must be from 1 to {MAX_TIMEOUT_MS}"),
            ));
        }
        Ok(Settings {
            platform,
            router,
            mode,
            redirect_status,
            timeout: Duration::from_millis(timeout_ms),
            blocked,
            block_message: block_message.unwrap_or_else(|| DEFAULT_BLOCK_MESSAGE.to_string()),
            debug_header,
            allow_override,
            forward,
        })
    }

    /// The request headers the answer depends on, for `Vary`: the country
    /// header when routes or blocking use it, the address header when
    /// `IP_RULES` do; nothing without a platform, since then every visitor
    /// is treated alike.
    pub fn vary(&self) -> Option<String> {
        let platform = self.platform?;
        let country = self.router.uses_geography() || !self.blocked.is_empty();
        let address = self.router.uses_ip_rules();
        let mut names = String::new();
        if country {
            names.push_str(presets::country_header(platform));
        }
        if address {
            if country {
                names.push_str(", ");
            }
            names.push_str(presets::client_ip_header(platform));
        }
        (!names.is_empty()).then_some(names)
    }
}

#[cfg(test)]
mod tests;
