//! Every spelling of an IP address a URL's host may use.
//!
//! Browsers and most HTTP stacks read a host the way the WHATWG URL
//! standard does: `127.1`, `2130706433`, `0x7f.0.0.1` and `0177.0.0.1` are
//! all `127.0.0.1`. A check that reads only the dotted-quad form lets the
//! others through, so this parser accepts exactly what that standard does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The address a URL host spells: `[v6]` (or bare v6), or IPv4 in any of
/// the WHATWG spellings. `None` for a name.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// let loopback = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
/// assert_eq!(edgekit::net::parse_host_address("127.1"), loopback);
/// assert_eq!(edgekit::net::parse_host_address("[::1]"), Some("::1".parse().unwrap()));
/// assert_eq!(edgekit::net::parse_host_address("example.com"), None);
/// ```
pub fn parse_host_address(host: &str) -> Option<IpAddr> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if let Ok(v6) = host.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    parse_ipv4(host).map(IpAddr::V4)
}

/// An IPv4 address in any spelling the WHATWG URL standard accepts: one to
/// four parts, each decimal, octal (`0` prefix) or hexadecimal (`0x`), the
/// last filling the remaining bytes, and an optional trailing dot.
///
/// ```
/// use std::net::Ipv4Addr;
/// use edgekit::net::parse_ipv4;
/// assert_eq!(parse_ipv4("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
/// assert_eq!(parse_ipv4("3232235777"), Some(Ipv4Addr::new(192, 168, 1, 1)));
/// assert_eq!(parse_ipv4("256.1.1.1"), None);
/// ```
pub fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|part| parse_part(part))
        .collect::<Option<Vec<u64>>>()?;
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|&n| n > 255) || *last >= 1u64 << (8 * (5 - numbers.len())) {
        return None;
    }
    let mut address = *last;
    for (i, &n) in leading.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    u32::try_from(address).ok().map(Ipv4Addr::from)
}

/// One part: `0x`/`0X` hexadecimal (an empty rest is 0), a leading `0`
/// octal, else decimal. Anything else makes the host a name.
fn parse_part(part: &str) -> Option<u64> {
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        return (radix == 16).then_some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Longer than any address: not a number that fits, but still a number.
    u64::from_str_radix(digits, radix).ok().or(Some(u64::MAX))
}
