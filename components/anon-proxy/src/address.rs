//! Which IP addresses are not on the public internet.
//!
//! The ranges are those of the IANA special-purpose address registries
//! (RFC 6890 and successors) that a public-internet proxy must never reach:
//! a request to any of them could touch the operator's own network, the
//! cloud's metadata service or the machine itself.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Why an address is refused; the text goes into the `403` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// `0.0.0.0/8`, `::`: "this host", which many stacks treat as loopback.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `10/8`, `172.16/12`, `192.168/16`, `fc00::/7`, `fec0::/10`.
    Private,
    /// `169.254/16` (cloud metadata lives here), `fe80::/10`.
    LinkLocal,
    /// `100.64/10`, carrier-grade NAT.
    SharedCgnat,
    /// `224/4`, `ff00::/8`.
    Multicast,
    /// Documentation, benchmarking, protocol-assignment, reserved and
    /// broadcast ranges: never a legitimate destination.
    Reserved,
}

impl Special {
    /// A short phrase for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Special::Unspecified => "an unspecified address",
            Special::Loopback => "a loopback address",
            Special::Private => "a private address",
            Special::LinkLocal => "a link-local address",
            Special::SharedCgnat => "a carrier-grade NAT address",
            Special::Multicast => "a multicast address",
            Special::Reserved => "a reserved address",
        }
    }
}

/// The special range `ip` belongs to, or `None` for a public address.
pub fn classify_v4(ip: Ipv4Addr) -> Option<Special> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => Special::Unspecified,
        (127, _, _) => Special::Loopback,
        (10, _, _) => Special::Private,
        (172, 16..=31, _) => Special::Private,
        (192, 168, _) => Special::Private,
        (169, 254, _) => Special::LinkLocal,
        (100, 64..=127, _) => Special::SharedCgnat,
        (224..=239, _, _) => Special::Multicast,
        // 240/4 is reserved, and holds 255.255.255.255 (broadcast).
        (240..=255, _, _) => Special::Reserved,
        // IETF protocol assignments, TEST-NET-1/2/3, benchmarking, the
        // retired 6to4 relay anycast.
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (192, 88, 99) => {
            Special::Reserved
        }
        (198, 18..=19, _) => Special::Reserved,
        _ => return None,
    })
}

/// The special range `ip` belongs to, or `None` for a public address.
///
/// Addresses that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
/// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4
/// `2002:aabb:ccdd::`) are judged by the IPv4 address they carry, since that
/// is where a dual-stack or translating network delivers them.
pub fn classify_v6(ip: Ipv6Addr) -> Option<Special> {
    if ip.is_unspecified() {
        return Some(Special::Unspecified);
    }
    if ip.is_loopback() {
        return Some(Special::Loopback);
    }
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let s = ip.segments();
    Some(match s[0] {
        0xfc00..=0xfdff => Special::Private,
        // Site-local, deprecated but still routed inside some networks.
        0xfec0..=0xfeff => Special::Private,
        0xfe80..=0xfebf => Special::LinkLocal,
        0xff00..=0xffff => Special::Multicast,
        // Local-use NAT64 (64:ff9b:1::/48) translates to private space.
        0x0064 if s[1] == 0xff9b && s[2] == 1 => Special::Private,
        // The rest of ::/8 (reserved by IETF), 100::/64 (discard-only).
        0x0000..=0x00ff => Special::Reserved,
        0x0100 if s[1..4] == [0, 0, 0] => Special::Reserved,
        // Teredo (2001::/32) hides an obfuscated IPv4 address; documentation
        // (2001:db8::/32); ORCHIDv2 and benchmarking (2001:2::/48,
        // 2001:20::/28).
        0x2001 if s[1] == 0 || s[1] == 0x0db8 || s[1] == 2 || (0x20..=0x2f).contains(&s[1]) => {
            Special::Reserved
        }
        // Documentation (3fff::/20).
        0x3fff if s[1] < 0x1000 => Special::Reserved,
        _ => return None,
    })
}

/// The IPv4 address an IPv6 address carries, for the forms where the
/// network delivers to that IPv4 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d.
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => Some(low),
        // IPv4-compatible ::a.b.c.d (deprecated; `::` and `::1` are handled
        // before this is reached).
        [0, 0, 0, 0, 0, 0, _, _] => Some(low),
        // Well-known NAT64 prefix.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> Option<Special> {
        classify_v4(text.parse().unwrap())
    }

    fn v6(text: &str) -> Option<Special> {
        classify_v6(text.parse().unwrap())
    }

    #[test]
    fn ipv4_special_ranges_and_their_edges() {
        use Special::*;
        let cases = [
            ("0.0.0.0", Some(Unspecified)),
            ("0.255.255.255", Some(Unspecified)),
            ("1.0.0.0", None),
            ("126.255.255.255", None),
            ("127.0.0.1", Some(Loopback)),
            ("127.255.255.254", Some(Loopback)),
            ("128.0.0.0", None),
            ("9.255.255.255", None),
            ("10.0.0.0", Some(Private)),
            ("10.255.255.255", Some(Private)),
            ("11.0.0.0", None),
            ("172.15.255.255", None),
            ("172.16.0.0", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("172.32.0.0", None),
            ("192.167.255.255", None),
            ("192.168.0.1", Some(Private)),
            ("192.169.0.0", None),
            ("169.253.255.255", None),
            ("169.254.169.254", Some(LinkLocal)),
            ("169.255.0.0", None),
            ("100.63.255.255", None),
            ("100.64.0.0", Some(SharedCgnat)),
            ("100.127.255.255", Some(SharedCgnat)),
            ("100.128.0.0", None),
            ("223.255.255.255", None),
            ("224.0.0.1", Some(Multicast)),
            ("239.255.255.255", Some(Multicast)),
            ("240.0.0.1", Some(Reserved)),
            ("255.255.255.255", Some(Reserved)),
            ("192.0.0.8", Some(Reserved)),
            ("192.0.2.1", Some(Reserved)),
            ("198.51.100.7", Some(Reserved)),
            ("203.0.113.9", Some(Reserved)),
            ("198.18.0.1", Some(Reserved)),
            ("198.19.255.255", Some(Reserved)),
            ("198.20.0.0", None),
            ("192.88.99.1", Some(Reserved)),
            ("8.8.8.8", None),
            ("93.184.215.14", None),
        ];
        for (ip, expected) in cases {
            assert_eq!(v4(ip), expected, "{ip}");
        }
    }

    #[test]
    fn ipv6_special_ranges() {
        use Special::*;
        let cases = [
            ("::", Some(Unspecified)),
            ("::1", Some(Loopback)),
            ("fc00::1", Some(Private)),
            ("fdff:ffff::1", Some(Private)),
            ("fec0::1", Some(Private)),
            ("fe80::1", Some(LinkLocal)),
            ("febf::1", Some(LinkLocal)),
            ("ff02::1", Some(Multicast)),
            ("ff0e::1", Some(Multicast)),
            ("100::1", Some(Reserved)),
            ("2001:db8::1", Some(Reserved)),
            ("2001::1", Some(Reserved)),
            ("2001:2::1", Some(Reserved)),
            ("2001:20::1", Some(Reserved)),
            ("3fff::1", Some(Reserved)),
            ("64:ff9b:1::a00:1", Some(Private)),
            ("2606:4700:4700::1111", None),
            ("2a00:1450:4001:80b::200e", None),
            ("2001:4860:4860::8888", None),
            ("fbff::1", None),
            ("ff::1", Some(Reserved)),
        ];
        for (ip, expected) in cases {
            assert_eq!(v6(ip), expected, "{ip}");
        }
    }

    #[test]
    fn ipv6_forms_carrying_ipv4_are_judged_by_the_ipv4_address() {
        use Special::*;
        let cases = [
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:7f00:1", Some(Loopback)),
            ("::ffff:10.1.2.3", Some(Private)),
            ("::ffff:169.254.169.254", Some(LinkLocal)),
            ("::ffff:0.0.0.0", Some(Unspecified)),
            ("::ffff:8.8.8.8", None),
            ("::ffff:0:127.0.0.1", Some(Loopback)),
            ("::127.0.0.1", Some(Loopback)),
            ("::192.168.1.1", Some(Private)),
            ("::8.8.8.8", None),
            ("64:ff9b::127.0.0.1", Some(Loopback)),
            ("64:ff9b::a9fe:a9fe", Some(LinkLocal)),
            ("64:ff9b::8.8.8.8", None),
            ("2002:7f00:1::", Some(Loopback)),
            ("2002:a9fe:a9fe::1", Some(LinkLocal)),
            ("2002:c0a8:101::", Some(Private)),
            ("2002:808:808::", None),
        ];
        for (ip, expected) in cases {
            assert_eq!(v6(ip), expected, "{ip}");
        }
    }
}
