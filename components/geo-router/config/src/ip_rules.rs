//! `IP_RULES`: networks (CIDR) whose visitors go to a named route, whatever
//! their country. The most specific network that contains the address wins.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, de};

/// A network as written in `IP_RULES`: `203.0.113.0/24`, `2001:db8::/32`,
/// or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr(IpNet);

impl Cidr {
    /// Parses a network or a single address; host bits are cleared
    /// (`10.1.2.3/8` is `10.0.0.0/8`).
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let net = match text.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => IpNet::from(text.parse::<IpAddr>().ok()?),
        };
        Some(Cidr(net.trunc()))
    }

    /// Like [`parse`](Self::parse), with the reason when `text` is not a
    /// network (for configuration errors).
    pub fn read(text: &str) -> Result<Cidr, String> {
        Cidr::parse(text).ok_or_else(|| {
            format!("{text:?} is not a network such as 203.0.113.0/24 or 2001:db8::/32")
        })
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Cidr, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Cidr::read(&text).map_err(de::Error::custom)
    }
}

/// The rules, most specific first, each with the route it sends to.
#[derive(Debug, Clone, Default)]
pub struct IpRules<R> {
    rules: Vec<(IpNet, R)>,
}

impl<R: Copy> IpRules<R> {
    /// The table from `(network, route)` pairs.
    pub fn new(rules: impl IntoIterator<Item = (Cidr, R)>) -> IpRules<R> {
        let mut rules: Vec<(IpNet, R)> = rules.into_iter().map(|(c, r)| (c.0, r)).collect();
        rules.sort_by_key(|(net, _)| std::cmp::Reverse(net.prefix_len()));
        IpRules { rules }
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The route of the most specific network containing `ip`. An
    /// IPv4-mapped IPv6 address (`::ffff:203.0.113.7`) matches IPv4 rules.
    pub fn route_for(&self, ip: IpAddr) -> Option<R> {
        let ip = ip.to_canonical();
        self.rules
            .iter()
            .find(|(net, _)| net.contains(&ip))
            .map(|(_, route)| *route)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(pairs: &[(&str, &'static str)]) -> IpRules<&'static str> {
        IpRules::new(pairs.iter().map(|(c, r)| (Cidr::parse(c).unwrap(), *r)))
    }

    #[test]
    fn the_most_specific_network_wins() {
        let table = rules(&[
            ("10.0.0.0/8", "wide"),
            ("10.1.2.0/24", "narrow"),
            ("10.1.2.3", "one"),
            ("2001:db8::/32", "six"),
        ]);
        let route = |ip: &str| table.route_for(ip.parse().unwrap());
        assert_eq!(route("10.1.2.3"), Some("one"));
        assert_eq!(route("10.1.2.4"), Some("narrow"));
        assert_eq!(route("10.200.0.1"), Some("wide"));
        assert_eq!(route("::ffff:10.1.2.4"), Some("narrow"));
        assert_eq!(route("2001:db8:ffff::1"), Some("six"));
        assert_eq!(route("11.0.0.1"), None);
        assert_eq!(route("2001:db9::1"), None);
    }

    #[test]
    fn networks_parse_with_host_bits_cleared() {
        assert_eq!(Cidr::parse("10.1.2.3/8"), Cidr::parse("10.0.0.0/8"));
        assert_eq!(Cidr::parse(" 192.0.2.1 "), Cidr::parse("192.0.2.1/32"));
        for bad in [
            "10.0.0.0/33",
            "10.0.0",
            "example.com",
            "",
            "10.0.0.0/",
            "::/129",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad:?}");
        }
    }
}
