//! Host names in one canonical form, and the patterns of `ALLOWED_HOSTS`
//! and `DENIED_HOSTS`.
//!
//! Both the target and the configured entries go through the same WHATWG
//! host parser (the `url` crate): IDNA mapping, lower case, percent-decoding
//! and every IPv4 spelling (`2130706433`, `0x7f.1`, `0177.0.0.1`) end up in
//! one form, so an entry cannot be dodged by writing the host differently.

use url::Host;

/// The canonical text of a parsed host: a domain in lower-case ASCII
/// without trailing dots, dotted IPv4, or bracketed IPv6.
pub fn canonical<S: AsRef<str>>(host: &Host<S>) -> String {
    match host {
        Host::Domain(domain) => domain.as_ref().trim_end_matches('.').to_owned(),
        Host::Ipv4(ip) => ip.to_string(),
        Host::Ipv6(ip) => format!("[{ip}]"),
    }
}

/// One entry of a host list: `example.com` (exactly that host) or
/// `*.example.com` (any host below it, not `example.com` itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// Exactly this canonical host.
    Exact(String),
    /// Any host ending in `.` + this canonical domain.
    Below(String),
}

impl HostPattern {
    /// Parses an entry; `None` when it is not a host (a port, a path, an
    /// invalid name).
    pub fn parse(entry: &str) -> Option<HostPattern> {
        let entry = entry.trim();
        let (wildcard, name) = match entry.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, entry),
        };
        let host = Host::parse(name).ok()?;
        let canonical = canonical(&host);
        if canonical.is_empty() {
            return None;
        }
        match (wildcard, host) {
            (false, _) => Some(HostPattern::Exact(canonical)),
            (true, Host::Domain(_)) => Some(HostPattern::Below(canonical)),
            // `*.10.0.0.1` is not a meaningful pattern.
            (true, _) => None,
        }
    }

    /// Whether the canonical host `host` matches.
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(exact) => host == exact,
            HostPattern::Below(parent) => host
                .strip_suffix(parent.as_str())
                .is_some_and(|label| label.len() > 1 && label.ends_with('.')),
        }
    }

    /// Whether this is an exact entry for `host`: the operator's explicit
    /// choice that lets a private or local host through.
    pub fn is_exactly(&self, host: &str) -> bool {
        matches!(self, HostPattern::Exact(exact) if exact == host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(entry: &str) -> HostPattern {
        HostPattern::parse(entry).unwrap_or_else(|| panic!("{entry} should parse"))
    }

    #[test]
    fn entries_are_canonical() {
        assert_eq!(
            pattern("Example.COM."),
            HostPattern::Exact("example.com".into())
        );
        assert_eq!(
            pattern(" api.example.com "),
            HostPattern::Exact("api.example.com".into())
        );
        assert_eq!(
            pattern("*.Example.com"),
            HostPattern::Below("example.com".into())
        );
        assert_eq!(pattern("0x0a.0.0.5"), HostPattern::Exact("10.0.0.5".into()));
        assert_eq!(pattern("167772165"), HostPattern::Exact("10.0.0.5".into()));
        assert_eq!(
            pattern("[FD00::0001]"),
            HostPattern::Exact("[fd00::1]".into())
        );
        assert_eq!(
            pattern("bücher.example"),
            HostPattern::Exact("xn--bcher-kva.example".into())
        );
    }

    #[test]
    fn entries_that_are_not_hosts_are_refused() {
        for entry in [
            "",
            "*.",
            "example.com:8080",
            "http://example.com",
            "example.com/path",
            "*.10.0.0.1",
            "a b",
            "[::1",
            ".",
        ] {
            assert_eq!(HostPattern::parse(entry), None, "{entry:?}");
        }
    }

    #[test]
    fn wildcards_match_below_only() {
        let below = pattern("*.example.com");
        assert!(below.matches("a.example.com"));
        assert!(below.matches("a.b.example.com"));
        assert!(!below.matches("example.com"));
        assert!(!below.matches("badexample.com"));
        assert!(!below.matches("example.com.evil.test"));
        assert!(!below.matches(".example.com"));
        let exact = pattern("example.com");
        assert!(exact.matches("example.com"));
        assert!(!exact.matches("a.example.com"));
        assert!(exact.is_exactly("example.com"));
        assert!(!below.is_exactly("a.example.com"));
    }
}
