//! The configuration turned into what each request needs.

use std::time::Duration;

use edgekit::FetchOptions;
use edgekit::config::Secret;
use edgekit::http::{HeaderName, HeaderValue, Method};

use crate::config::{Config, Invalid, RedirectMode};
use crate::target::{DEFAULT_PORTS, Policy};

/// Everything a request is handled with.
#[derive(Debug)]
pub struct Settings {
    /// Which targets are allowed.
    pub policy: Policy,
    /// `GET`, `HEAD` and `ALLOWED_METHODS`.
    pub methods: Vec<Method>,
    /// `ACCESS_TOKEN`.
    pub token: Option<Secret<String>>,
    /// `FORWARD_HEADERS`.
    pub forward: Vec<HeaderName>,
    /// `USER_AGENT`.
    pub user_agent: HeaderValue,
    /// `REDIRECT_MODE`.
    pub redirect_mode: RedirectMode,
    /// `MAX_REDIRECTS`.
    pub max_redirects: u32,
    /// `MAX_RESPONSE_BYTES`.
    pub max_response_bytes: u64,
    /// `TIMEOUT_MS` for each of the three timeouts.
    pub fetch: FetchOptions,
    /// `CORS_ALLOW_ORIGIN`.
    pub cors_origin: Option<HeaderValue>,
    /// `SANDBOX`.
    pub sandbox: bool,
}

impl Settings {
    /// Checks `config` as a whole and prepares it.
    pub fn new(config: Config) -> Result<Settings, Invalid> {
        config.validate()?;
        let mut methods = vec![Method::GET, Method::HEAD];
        for method in config.allowed_methods {
            if !methods.contains(&method.0) {
                methods.push(method.0);
            }
        }
        let allowed_ports = match config.allowed_ports.is_empty() {
            true => DEFAULT_PORTS.to_vec(),
            false => config.allowed_ports,
        };
        let timeout = Duration::from_millis(config.timeout_ms);
        Ok(Settings {
            policy: Policy {
                allowed_hosts: config.allowed_hosts,
                denied_hosts: config.denied_hosts,
                allowed_ports,
            },
            methods,
            token: config.access_token,
            forward: config.forward_headers.into_iter().map(|h| h.0).collect(),
            user_agent: config.user_agent.0,
            redirect_mode: config.redirect_mode,
            max_redirects: config.max_redirects,
            max_response_bytes: config.max_response_bytes,
            fetch: FetchOptions::new()
                .connect_timeout(timeout)
                .first_byte_timeout(timeout)
                .between_bytes_timeout(timeout),
            cors_origin: config.cors_allow_origin.map(|o| o.0),
            sandbox: config.sandbox,
        })
    }
}
