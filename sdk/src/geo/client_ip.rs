//! The client's IP address from the platform's trusted header.

use std::net::IpAddr;

use http::HeaderMap;

use super::Platform;

/// How many proxies in front append to `x-forwarded-for`, by default.
const DEFAULT_TRUSTED_PROXIES: usize = 1;

/// The client address `platform` reports, with `trusted_proxies` hops of
/// `x-forwarded-for` for the generic preset (`None`: from the
/// `EDGEKIT_TRUSTED_PROXIES` environment variable, default 1).
pub(crate) fn client_ip(
    platform: Platform,
    headers: &HeaderMap,
    trusted_proxies: Option<usize>,
) -> Option<IpAddr> {
    match platform.client_ip_header() {
        Some(name) => parse_ip(single(headers, name)?.to_str().ok()?),
        None => {
            let hops = trusted_proxies.unwrap_or_else(|| {
                std::env::var("EDGEKIT_TRUSTED_PROXIES")
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(DEFAULT_TRUSTED_PROXIES)
            });
            forwarded_for(headers, hops)
        }
    }
}

/// The only value of `name`. The platform sets its address header once, so
/// a second copy means one came from the client (a platform that appends
/// rather than replaces), and neither can be told apart: none is trusted.
fn single<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a http::HeaderValue> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

/// The address `hops` entries from the right of `x-forwarded-for` (all its
/// headers joined in order): each trusted proxy appends the address that
/// connected to it, so entries further left were written by the client and
/// cannot be trusted. Fewer entries than hops, or a malformed entry at that
/// position, is `None`.
fn forwarded_for(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return None;
    }
    let mut entries = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        entries.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    let index = entries.len().checked_sub(hops)?;
    parse_ip(entries[index])
}

/// An address as proxies write it: bare, `[v6]`, or with a port
/// (`203.0.113.7:4711`, `[2001:db8::1]:443`).
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        return ip.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let (ip, port) = text.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    ip.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.parse::<u16>().is_ok()
}
