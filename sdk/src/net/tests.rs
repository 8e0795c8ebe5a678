//! The ranges and their edges, the embedded IPv4 forms, and every
//! numeric spelling of a host.

use std::net::{IpAddr, Ipv4Addr};

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
        ("169.254.169.254", Some(CloudMetadata)),
        ("169.254.169.253", Some(LinkLocal)),
        ("169.254.170.2", Some(CloudMetadata)),
        ("100.100.100.200", Some(CloudMetadata)),
        ("168.63.129.16", Some(CloudMetadata)),
        ("168.63.129.17", None),
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
        ("::ffff:169.254.169.254", Some(CloudMetadata)),
        ("fd00:ec2::254", Some(CloudMetadata)),
        ("fd00:ec2::253", Some(Private)),
        ("::ffff:0.0.0.0", Some(Unspecified)),
        ("::ffff:8.8.8.8", None),
        ("::ffff:0:127.0.0.1", Some(Loopback)),
        ("::127.0.0.1", Some(Loopback)),
        ("::192.168.1.1", Some(Private)),
        ("::8.8.8.8", None),
        ("64:ff9b::127.0.0.1", Some(Loopback)),
        ("64:ff9b::a9fe:a9fe", Some(CloudMetadata)),
        ("64:ff9b::8.8.8.8", None),
        ("2002:7f00:1::", Some(Loopback)),
        ("2002:a9fe:a9fe::1", Some(CloudMetadata)),
        ("2002:c0a8:101::", Some(Private)),
        ("2002:808:808::", None),
    ];
    for (ip, expected) in cases {
        assert_eq!(v6(ip), expected, "{ip}");
    }
}

#[test]
fn every_whatwg_spelling_of_ipv4_is_read() {
    let loopback = Some(Ipv4Addr::new(127, 0, 0, 1));
    for spelling in [
        "127.0.0.1",
        "127.1",
        "127.0.1",
        "2130706433",
        "0x7f000001",
        "0X7F000001",
        "0x7f.1",
        "0x7f.0.0.0x1",
        "0177.0.0.1",
        "0177.1",
        "017700000001",
        "127.0.0.1.",
        "0x7f.0x0.0x0.0x1",
    ] {
        assert_eq!(parse_ipv4(spelling), loopback, "{spelling}");
    }
    assert_eq!(parse_ipv4("0x"), Some(Ipv4Addr::new(0, 0, 0, 0)));
    assert_eq!(parse_ipv4("0"), Some(Ipv4Addr::new(0, 0, 0, 0)));
    assert_eq!(parse_ipv4("4294967295"), Some(Ipv4Addr::BROADCAST));
    for not_an_address in [
        "4294967296",
        "256.0.0.1",
        "1.2.3.4.5",
        "1..2",
        "",
        ".",
        "example.com",
        "1.2.3.x",
        "08.0.0.1",
        "0x1g",
        "1.2.65536",
        "99999999999999999999999",
    ] {
        assert_eq!(parse_ipv4(not_an_address), None, "{not_an_address:?}");
    }
}

#[test]
fn hosts_are_classified_in_every_spelling() {
    use Special::*;
    let cases = [
        ("127.1", Some(Loopback)),
        ("0x7f.1", Some(Loopback)),
        ("2852039166", Some(CloudMetadata)),
        ("0xa9.0xfe.0xa9.0xfe", Some(CloudMetadata)),
        ("0251.0376.0251.0376", Some(CloudMetadata)),
        ("10.1", Some(Private)),
        ("[::1]", Some(Loopback)),
        ("::1", Some(Loopback)),
        ("[::ffff:a9fe:a9fe]", Some(CloudMetadata)),
        ("[fe80::1]", Some(LinkLocal)),
        ("8.8.8.8", None),
        ("134744072", None),
        ("example.com", None),
        ("localhost", None),
        ("[not-v6]", None),
    ];
    for (host, expected) in cases {
        assert_eq!(classify_host(host), expected, "{host}");
    }
    assert_eq!(
        parse_host_address("[2001:db8::1]"),
        Some(IpAddr::V6("2001:db8::1".parse().unwrap()))
    );
    assert!(is_public("93.184.215.14".parse().unwrap()));
}
