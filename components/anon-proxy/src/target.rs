//! The target policy: which URLs the proxy may fetch.
//!
//! Every check runs on the URL as the WHATWG parser understood it, which is
//! also exactly what is sent: the host the policy judged is the host the
//! request goes to. What a guest cannot see is where a *name* resolves to;
//! that is the platform's egress policy's job (see the README).

use std::fmt;

use url::{Host, Url};

use crate::host_name::{HostPattern, canonical};
use edgekit::net::{classify_v4, classify_v6};

/// The ports a target may use when `ALLOWED_PORTS` is not set.
pub const DEFAULT_PORTS: [u16; 2] = [80, 443];

/// Which targets are allowed.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `ALLOWED_HOSTS`; empty means any public host.
    pub allowed_hosts: Vec<HostPattern>,
    /// `DENIED_HOSTS`; wins over everything else.
    pub denied_hosts: Vec<HostPattern>,
    /// `ALLOWED_PORTS`, or [`DEFAULT_PORTS`].
    pub allowed_ports: Vec<u16>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allowed_hosts: Vec::new(),
            denied_hosts: Vec::new(),
            allowed_ports: DEFAULT_PORTS.to_vec(),
        }
    }
}

/// Why a target is refused; its `Display` is the reason given in the `403`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// Not `http` or `https`.
    Scheme(String),
    /// `user:pass@` in the URL.
    Userinfo,
    /// No host at all.
    NoHost,
    /// Listed in `DENIED_HOSTS`.
    Denied(String),
    /// An address outside the public internet.
    Address(String, &'static str),
    /// A name that only means something on a local network.
    LocalName(String, &'static str),
    /// `ALLOWED_HOSTS` is set and does not list it.
    NotAllowed(String),
    /// A port outside `ALLOWED_PORTS`.
    Port(u16),
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocked::Scheme(scheme) => {
                write!(f, "scheme {scheme:?} is not allowed (http and https only)")
            }
            Blocked::Userinfo => {
                f.write_str("a user name or password in the target URL is not allowed")
            }
            Blocked::NoHost => f.write_str("the target URL has no host"),
            Blocked::Denied(host) => write!(f, "host {host} is in DENIED_HOSTS"),
            Blocked::Address(host, what) => write!(f, "host {host} is {what}"),
            Blocked::LocalName(host, what) => write!(f, "host {host} is {what}"),
            Blocked::NotAllowed(host) => write!(f, "host {host} is not in ALLOWED_HOSTS"),
            Blocked::Port(port) => write!(f, "port {port} is not allowed"),
        }
    }
}

impl Policy {
    /// Checks a parsed target URL.
    pub fn check(&self, url: &Url) -> Result<(), Blocked> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Blocked::Scheme(url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Blocked::Userinfo);
        }
        let host = url.host().ok_or(Blocked::NoHost)?;
        let name = canonical(&host);
        if name.is_empty() {
            return Err(Blocked::NoHost);
        }
        if self.denied_hosts.iter().any(|p| p.matches(&name)) {
            return Err(Blocked::Denied(name));
        }
        // Only an exact entry unlocks a special host: `*.internal` in
        // ALLOWED_HOSTS must not open the whole internal namespace.
        let explicitly_allowed = self.allowed_hosts.iter().any(|p| p.is_exactly(&name));
        if !explicitly_allowed {
            let special = match host {
                Host::Ipv4(ip) => {
                    classify_v4(ip).map(|s| Blocked::Address(name.clone(), s.describe()))
                }
                Host::Ipv6(ip) => {
                    classify_v6(ip).map(|s| Blocked::Address(name.clone(), s.describe()))
                }
                Host::Domain(_) => {
                    local_name(&name).map(|what| Blocked::LocalName(name.clone(), what))
                }
            };
            if let Some(blocked) = special {
                return Err(blocked);
            }
        }
        if !self.allowed_hosts.is_empty() && !self.allowed_hosts.iter().any(|p| p.matches(&name)) {
            return Err(Blocked::NotAllowed(name));
        }
        // `http` and `https` always have a known default port.
        let port = url.port_or_known_default().unwrap_or(0);
        if !self.allowed_ports.contains(&port) {
            return Err(Blocked::Port(port));
        }
        Ok(())
    }
}

/// Names that resolve only inside a machine or a local network.
fn local_name(name: &str) -> Option<&'static str> {
    const SUFFIXES: [(&str, &str); 5] = [
        ("localhost", "a loopback name"),
        ("local", "a multicast-DNS (.local) name"),
        ("internal", "an internal name"),
        ("home.arpa", "a home-network name"),
        ("localdomain", "a local-domain name"),
    ];
    for (suffix, what) in SUFFIXES {
        let below = name
            .strip_suffix(suffix)
            .is_some_and(|rest| rest.ends_with('.'));
        if name == suffix || below {
            return Some(what);
        }
    }
    // A single-label name (`http://metadata/`, `http://intranet/`) is
    // completed by the resolver's search domains into a local name.
    if !name.contains('.') {
        return Some("a single-label name (resolved through local search domains)");
    }
    None
}

#[cfg(test)]
mod tests;
