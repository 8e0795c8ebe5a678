//! Which IP addresses are not on the public internet, and every way a URL's
//! host can spell one: the one check that a proxy, an egress rule and a
//! redirect follower must all make the same way.
//!
//! The ranges are those of the IANA special-purpose address registries
//! (RFC 6890 and successors) that a public-internet client must never
//! reach: a request to any of them could touch the operator's own network,
//! the cloud's metadata service or the machine itself.
//!
//! ```
//! use edgekit::net::{Special, classify_host};
//! assert_eq!(classify_host("127.0.0.1"), Some(Special::Loopback));
//! assert_eq!(classify_host("0x7f.1"), Some(Special::Loopback));
//! assert_eq!(classify_host("[::ffff:169.254.169.254]"), Some(Special::CloudMetadata));
//! assert_eq!(classify_host("93.184.215.14"), None);
//! assert_eq!(classify_host("example.com"), None); // a name: ask where it resolves
//! ```
//!
//! A name is not an address: where `example.com` resolves is for whoever
//! resolves it (the host's egress rules) to check with [`classify`].

mod spelling;

pub use spelling::{parse_host_address, parse_ipv4};

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The kind of non-public address, for the reason a refusal gives.
///
/// ```
/// assert_eq!(edgekit::net::Special::Loopback.describe(), "a loopback address");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Special {
    /// `0.0.0.0/8`, `::`: "this host", which many stacks treat as loopback.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `10/8`, `172.16/12`, `192.168/16`, `fc00::/7`, `fec0::/10`.
    Private,
    /// `169.254/16`, `fe80::/10`.
    LinkLocal,
    /// A cloud's instance metadata or platform service: `169.254.169.254`,
    /// `169.254.170.2`, `fd00:ec2::254`, `100.100.100.200`, and Azure's
    /// `168.63.129.16`, which is otherwise a public address.
    CloudMetadata,
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
    ///
    /// ```
    /// assert_eq!(edgekit::net::Special::Private.describe(), "a private address");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Special::Unspecified => "an unspecified address",
            Special::Loopback => "a loopback address",
            Special::Private => "a private address",
            Special::LinkLocal => "a link-local address",
            Special::CloudMetadata => "a cloud metadata address",
            Special::SharedCgnat => "a carrier-grade NAT address",
            Special::Multicast => "a multicast address",
            Special::Reserved => "a reserved address",
        }
    }
}

/// The special range `ip` belongs to, or `None` for a public address.
///
/// ```
/// use edgekit::net::{Special, classify};
/// assert_eq!(classify("10.1.2.3".parse().unwrap()), Some(Special::Private));
/// assert_eq!(classify("::1".parse().unwrap()), Some(Special::Loopback));
/// assert_eq!(classify("2606:4700:4700::1111".parse().unwrap()), None);
/// ```
pub fn classify(ip: IpAddr) -> Option<Special> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Whether `ip` is on the public internet: [`classify`] finds nothing.
///
/// ```
/// assert!(edgekit::net::is_public("8.8.8.8".parse().unwrap()));
/// assert!(!edgekit::net::is_public("169.254.169.254".parse().unwrap()));
/// ```
pub fn is_public(ip: IpAddr) -> bool {
    classify(ip).is_none()
}

/// The special kind of the address a URL host spells (`127.1`,
/// `[::1]`, `0x7f000001`, ...), or `None` for a public address or a name.
///
/// ```
/// use edgekit::net::{Special, classify_host};
/// assert_eq!(classify_host("2130706433"), Some(Special::Loopback));
/// assert_eq!(classify_host("0300.0250.0.1"), Some(Special::Private));
/// ```
pub fn classify_host(host: &str) -> Option<Special> {
    parse_host_address(host).and_then(classify)
}

/// The special range an IPv4 address belongs to, or `None` for a public one.
///
/// ```
/// use edgekit::net::{Special, classify_v4};
/// assert_eq!(classify_v4(std::net::Ipv4Addr::new(100, 64, 0, 1)), Some(Special::SharedCgnat));
/// ```
pub fn classify_v4(ip: Ipv4Addr) -> Option<Special> {
    let [a, b, c, d] = ip.octets();
    Some(match (a, b, c) {
        _ if is_cloud_metadata_v4([a, b, c, d]) => Special::CloudMetadata,
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

/// The special range an IPv6 address belongs to, or `None` for a public
/// one.
///
/// ```
/// use edgekit::net::{Special, classify_v6};
/// assert_eq!(classify_v6("::ffff:7f00:1".parse().unwrap()), Some(Special::Loopback));
/// ```
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
    // AWS's instance metadata service over IPv6.
    if s == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] {
        return Some(Special::CloudMetadata);
    }
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

/// The metadata and platform services clouds answer on fixed IPv4
/// addresses, reachable from any instance.
fn is_cloud_metadata_v4(octets: [u8; 4]) -> bool {
    matches!(
        octets,
        // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle.
        [169, 254, 169, 254]
        // AWS ECS task metadata.
        | [169, 254, 170, 2]
        // Alibaba Cloud.
        | [100, 100, 100, 200]
        // Azure's WireServer: a public address, but the platform's own.
        | [168, 63, 129, 16]
    )
}

#[cfg(test)]
mod tests;
