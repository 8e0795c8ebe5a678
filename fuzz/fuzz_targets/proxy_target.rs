//! anon-proxy: target URLs from the query, the address and name checks of
//! the default policy, and the URI that is sent. What the policy lets
//! through must be public by an independent check on the URI the `http`
//! crate sees, and survive the redirect rewriting unchanged.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anon_proxy::fuzzing::{HostPattern, Policy, target, through_proxy, to_uri, token};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(url) = target(query) else {
        return;
    };
    let policy = Policy::default();
    if policy.check(&url).is_err() {
        return;
    }
    // A host the URL parser takes and the http crate refuses (`a`b.com`)
    // is answered 400 by the component; what is sent must be the host
    // that was checked.
    let Ok(uri) = to_uri(&url) else {
        return;
    };
    let host = uri.host().expect("an allowed target has a host");
    assert_eq!(
        Some(host),
        url.host_str(),
        "the http crate sees another host"
    );
    assert!(!uri.authority().unwrap().as_str().contains('@'));
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => assert!(public(ip), "{ip} from {query:?} was allowed"),
        Err(_) => {
            let name = bare.trim_end_matches('.').to_ascii_lowercase();
            assert!(
                name != "localhost" && !name.ends_with(".localhost"),
                "{name}"
            );
        }
    }
    // A pattern of the host itself denies it.
    if let Some(pattern) = HostPattern::parse(host) {
        let deny = Policy {
            denied_hosts: vec![pattern],
            ..Policy::default()
        };
        assert!(
            deny.check(&url).is_err(),
            "DENIED_HOSTS={host} let {url} through"
        );
    }
    // Sent back through the proxy by a redirect, it names the same target,
    // from the proxy's root whatever the request's path was.
    let token_in = token(query);
    let location = through_proxy(&url, token_in.as_deref());
    assert!(location.starts_with("/?url="), "{location}");
    let (_, again) = location.split_once('?').unwrap();
    assert_eq!(target(again).as_ref(), Ok(&url));
    assert_eq!(token(again), token_in);
});

/// Public by the standard library's own predicates and the special ranges
/// it does not name (CGNAT, `0/8`, `240/4`, unique-local, and IPv4 inside
/// IPv6).
fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)))
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let s = ip.segments();
    // IPv4-compatible (`::a.b.c.d`) and NAT64 (`64:ff9b::/96`) carry an
    // IPv4 address that a gateway may reach.
    if s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return !ip.is_unspecified() && !ip.is_loopback() && public_v4(v4);
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80)
}
