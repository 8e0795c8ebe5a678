//! `--deny-private-egress`: outgoing requests may reach public addresses
//! only, whatever name they use.
//!
//! A guest sees host names, never the addresses they resolve to, so it
//! cannot tell `rebind.example` pointing at `127.0.0.1` from a public site.
//! The host can: it resolves the name itself and refuses the request if any
//! answer is loopback, private, link-local, shared (CGNAT), multicast,
//! unspecified or otherwise reserved, also inside IPv4-mapped, NAT64 and
//! 6to4 IPv6 addresses. Plain-HTTP requests are then sent to the very
//! address that was checked, so a second DNS answer cannot differ from the
//! first. HTTPS requests are checked the same way, but the TLS connection
//! resolves the name again: a rebinding answer inside that short window is
//! not caught (pinning would need the host's own TLS client).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use http::Uri;
use http::uri::{Authority, Scheme};
use wasmtime_wasi_http::Error;

/// Resolves `uri`'s host and checks every address. Returns the URI to send:
/// for plain HTTP, addressed to the checked IP (the `host` header keeps the
/// name); for HTTPS, unchanged.
pub(crate) async fn check(uri: &Uri) -> Result<Uri, Error> {
    let host = uri.host().ok_or(Error::HttpRequestUriInvalid)?;
    let https = uri.scheme() == Some(&Scheme::HTTPS);
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|e| Error::DnsError {
                rcode: Some(e.to_string()),
                info_code: None,
            })?
            .collect(),
    };
    let first = *addresses.first().ok_or(Error::DestinationNotFound)?;
    if !addresses.iter().all(|a| is_public(a.ip())) {
        return Err(Error::DestinationIpProhibited);
    }
    if https {
        return Ok(uri.clone());
    }
    let mut parts = uri.clone().into_parts();
    parts.authority =
        Some(Authority::try_from(first.to_string()).map_err(|_| Error::HttpRequestUriInvalid)?);
    Uri::from_parts(parts).map_err(|_| Error::HttpRequestUriInvalid)
}

/// Whether `ip` is on the public internet.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = ip.is_unspecified()
        || a == 0
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || ip.is_multicast()
        || a >= 240
        || ip.is_documentation()
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 88 && c == 99)
        || (a == 198 && (b == 18 || b == 19));
    !special
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0, 0, 0] | [0, 0, 0, 0, 0, 0, 0, 1] => false,
        // IPv4-mapped, -translated and -compatible, and NAT64: the IPv4
        // address inside decides.
        [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0, 0, 0, 0, 0, 0, _, _] => is_public_v4(low),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => is_public_v4(low),
        [0x2002, hi, lo, ..] => is_public_v4(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        // Everything else outside global unicast 2000::/3 (ULA fc00::/7,
        // link-local fe80::/10, multicast ff00::/8, the reserved rest), and
        // inside it Teredo, documentation and benchmarking ranges.
        [first, ..] if !(0x2000..0x4000).contains(&first) => false,
        [0x2001, second, ..]
            if second == 0 || second == 0x0db8 || second == 2 || (0x20..0x30).contains(&second) =>
        {
            false
        }
        [0x3fff, second, ..] if second < 0x1000 => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.215.14",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "127.9.9.9",
            "0.0.0.0",
            "0.1.2.3",
            "10.1.1.1",
            "172.16.0.1",
            "172.31.9.9",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.1.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::",
            "fc00::1",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "100::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn names_and_literals_that_reach_inside_are_refused() {
        for uri in [
            "http://localhost/",
            "http://localhost:8080/x",
            "http://127.0.0.1/",
            "http://[::1]:80/",
            "https://localhost/",
        ] {
            let result = check(&uri.parse().unwrap()).await;
            assert!(
                matches!(result, Err(Error::DestinationIpProhibited)),
                "{uri}: {result:?}"
            );
        }
    }

    #[tokio::test]
    async fn plain_http_is_sent_to_the_checked_address() {
        let pinned = check(&"http://8.8.8.8:8080/a?b=1".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(pinned.to_string(), "http://8.8.8.8:8080/a?b=1");
        let https = check(&"https://[2606:4700:4700::1111]/".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(https.to_string(), "https://[2606:4700:4700::1111]/");
    }
}
