//! The policy against every address form a client could use to reach the
//! inside: each one is parsed by the WHATWG parser first, exactly as the
//! proxy does with the `url` parameter.

use super::*;

fn open() -> Policy {
    Policy::default()
}

fn check(policy: &Policy, target: &str) -> Result<(), Blocked> {
    let url = Url::parse(target).unwrap_or_else(|e| panic!("{target} should parse: {e}"));
    policy.check(&url)
}

fn blocked_reason(policy: &Policy, target: &str) -> String {
    match check(policy, target) {
        Err(blocked) => blocked.to_string(),
        Ok(()) => panic!("{target} should be blocked"),
    }
}

fn patterns(entries: &[&str]) -> Vec<HostPattern> {
    entries
        .iter()
        .map(|e| HostPattern::parse(e).unwrap())
        .collect()
}

/// Every spelling of loopback, private, link-local, CGNAT, multicast and
/// unspecified hosts that the WHATWG parser turns into an address.
#[test]
fn every_spelling_of_an_inside_address_is_blocked() {
    let cases = [
        // IPv4, dotted, and the forms the WHATWG host parser accepts.
        ("http://127.0.0.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://127.0.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f000001/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://0X7F.0.0.1/", "loopback"),
        ("http://0177.0.0.1/", "loopback"),
        ("http://0177.1/", "loopback"),
        ("http://017700000001/", "loopback"),
        ("http://0x7f.0x00.0x00.0x01/", "loopback"),
        ("http://127.000.000.001/", "loopback"),
        ("http://127.0.0.1./", "loopback"),
        ("http://127.255.255.254/", "loopback"),
        ("http://%31%32%37.0.0.1/", "loopback"),
        ("http://127%2E0%2E0%2E1/", "loopback"),
        ("http://\u{ff11}\u{ff12}\u{ff17}.0.0.1/", "loopback"),
        ("http://127\u{3002}0\u{3002}0\u{3002}1/", "loopback"),
        ("http:/\\127.0.0.1/", "loopback"),
        ("http:127.0.0.1/", "loopback"),
        ("HTTP://127.0.0.1/", "loopback"),
        ("http://0/", "unspecified"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://0x0/", "unspecified"),
        ("http://10.0.0.1/", "private"),
        ("http://012.1/", "private"),
        ("http://167772161/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://172.31.255.255/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://0xc0a80101/", "private"),
        ("http://3232235777/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://0xa9fea9fe/", "cloud metadata"),
        ("http://2852039166/", "cloud metadata"),
        ("http://0251.0376.0251.0376/", "cloud metadata"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://100.127.255.254/", "carrier-grade NAT"),
        ("http://224.0.0.1/", "multicast"),
        ("http://239.255.255.250/", "multicast"),
        ("http://255.255.255.255/", "reserved"),
        ("http://192.0.2.1/", "reserved"),
        // IPv6, including the forms that carry an IPv4 address.
        ("http://[::1]/", "loopback"),
        ("http://[0:0:0:0:0:0:0:1]/", "loopback"),
        ("http://[::]/", "unspecified"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::FFFF:7F00:1]/", "loopback"),
        ("http://[0:0:0:0:0:ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:169.254.169.254]/", "cloud metadata"),
        ("http://[::ffff:a9fe:a9fe]/", "cloud metadata"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://[::127.0.0.1]/", "loopback"),
        ("http://[::ffff:0:127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::a9fe:a9fe]/", "cloud metadata"),
        ("http://[2002:7f00:1::1]/", "loopback"),
        ("http://[2002:a9fe:a9fe::]/", "cloud metadata"),
        ("http://[fc00::1]/", "private"),
        ("http://[fd12:3456:789a::1]/", "private"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fe80::a:b:c:d]/", "link-local"),
        ("http://[ff02::1]/", "multicast"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("https://[::1]:443/", "loopback"),
    ];
    for (target, what) in cases {
        let reason = blocked_reason(&open(), target);
        assert!(reason.contains(what), "{target}: {reason}");
    }
}

#[test]
fn local_names_in_every_case_and_encoding_are_blocked() {
    let cases = [
        ("http://localhost/", "loopback name"),
        ("http://LOCALHOST/", "loopback name"),
        ("http://LocalHost:80/", "loopback name"),
        ("http://localhost./", "loopback name"),
        ("http://localhost../", "loopback name"),
        ("http://api.localhost/", "loopback name"),
        ("http://a.b.LOCALHOST./", "loopback name"),
        ("http://%6c%6f%63%61%6c%68%6f%73%74/", "loopback name"),
        ("http://\u{24db}ocalhost/", "loopback name"),
        (
            "http://\u{ff4c}\u{ff4f}\u{ff43}\u{ff41}\u{ff4c}\u{ff48}\u{ff4f}\u{ff53}\u{ff54}/",
            "loopback name",
        ),
        ("http://localhost\u{3002}/", "loopback name"),
        ("http://printer.local/", "(.local)"),
        ("http://PRINTER.LOCAL./", "(.local)"),
        ("http://metadata.google.internal/", "internal name"),
        (
            "http://metadata.google.internal./computeMetadata/v1/",
            "internal name",
        ),
        ("http://db.svc.Internal/", "internal name"),
        ("http://router.home.arpa/", "home-network name"),
        ("http://localhost.localdomain/", "local-domain name"),
        ("http://metadata/", "single-label"),
        ("http://intranet./", "single-label"),
    ];
    for (target, what) in cases {
        let Ok(url) = Url::parse(target) else {
            // An unparsable host never reaches the policy (400 instead).
            assert!(what.is_empty(), "{target} should parse");
            continue;
        };
        let reason = open().check(&url).expect_err(target).to_string();
        assert!(reason.contains(what), "{target}: {reason}");
    }
}

#[test]
fn names_that_only_look_local_are_allowed() {
    for target in [
        "http://localhost.example.com/",
        "http://notlocalhost.com/",
        "http://local.example/",
        "http://internal.example.org/",
        "http://example.com/",
        "https://example.com./",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
        "http://8.8.8.8/",
        "http://134744072/",
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",
    ] {
        assert_eq!(check(&open(), target), Ok(()), "{target}");
    }
}

#[test]
fn only_http_and_https() {
    for target in [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://example.com:70/",
        "ws://example.com/",
        "wss://example.com/",
        "data:text/plain,hi",
        "javascript:alert(1)",
        "dict://example.com:2628/",
        "jar:http://example.com/!/",
    ] {
        let reason = blocked_reason(&open(), target);
        assert!(reason.starts_with("scheme"), "{target}: {reason}");
    }
}

#[test]
fn userinfo_is_refused_in_every_position() {
    for target in [
        "http://user:pass@example.com/",
        "http://user@example.com/",
        "http://:pass@example.com/",
        "http://example.com@127.0.0.1/",
        "http://127.0.0.1:80@example.com/",
        "http://a%40b@example.com/",
    ] {
        assert_eq!(check(&open(), target), Err(Blocked::Userinfo), "{target}");
    }
}

#[test]
fn ports_default_to_80_and_443() {
    assert_eq!(check(&open(), "http://example.com:80/"), Ok(()));
    assert_eq!(check(&open(), "https://example.com/"), Ok(()));
    assert_eq!(check(&open(), "http://example.com:443/"), Ok(()));
    assert_eq!(
        check(&open(), "http://example.com:8080/"),
        Err(Blocked::Port(8080))
    );
    assert_eq!(
        check(&open(), "https://example.com:22/"),
        Err(Blocked::Port(22))
    );
    assert_eq!(
        check(&open(), "http://example.com:0/"),
        Err(Blocked::Port(0))
    );
    let policy = Policy {
        allowed_ports: vec![8080],
        ..open()
    };
    assert_eq!(check(&policy, "http://example.com:8080/"), Ok(()));
    assert_eq!(
        check(&policy, "http://example.com/"),
        Err(Blocked::Port(80))
    );
}

#[test]
fn allowed_hosts_is_an_allowlist() {
    let policy = Policy {
        allowed_hosts: patterns(&["example.com", "*.cdn.example"]),
        ..open()
    };
    assert_eq!(check(&policy, "https://example.com/"), Ok(()));
    assert_eq!(check(&policy, "https://EXAMPLE.com./x"), Ok(()));
    assert_eq!(check(&policy, "https://img.cdn.example/"), Ok(()));
    assert_eq!(check(&policy, "https://a.b.cdn.example/"), Ok(()));
    for target in [
        "https://cdn.example/",
        "https://www.example.com/",
        "https://example.org/",
        "https://example.com.evil.test/",
    ] {
        let reason = blocked_reason(&policy, target);
        assert!(
            reason.ends_with("is not in ALLOWED_HOSTS"),
            "{target}: {reason}"
        );
    }
}

#[test]
fn an_exact_allowed_host_unlocks_a_private_one_and_a_wildcard_does_not() {
    let policy = Policy {
        allowed_hosts: patterns(&["10.0.0.5", "intranet", "*.internal", "api.localhost"]),
        ..open()
    };
    assert_eq!(check(&policy, "http://10.0.0.5/"), Ok(()));
    // Another spelling of the same address is the same host.
    assert_eq!(check(&policy, "http://0xa000005/"), Ok(()));
    assert_eq!(check(&policy, "http://intranet/"), Ok(()));
    assert_eq!(check(&policy, "http://api.localhost./"), Ok(()));
    assert!(blocked_reason(&policy, "http://10.0.0.6/").contains("private"));
    assert!(blocked_reason(&policy, "http://db.internal/").contains("internal name"));
    assert!(blocked_reason(&policy, "http://localhost/").contains("loopback"));
}

#[test]
fn denied_hosts_win_over_everything() {
    let policy = Policy {
        allowed_hosts: patterns(&["example.com", "*.example.com"]),
        denied_hosts: patterns(&["admin.example.com", "*.corp.example.com"]),
        ..open()
    };
    assert_eq!(check(&policy, "https://www.example.com/"), Ok(()));
    assert_eq!(
        check(&policy, "https://ADMIN.example.com./"),
        Err(Blocked::Denied("admin.example.com".into()))
    );
    assert!(matches!(
        check(&policy, "https://x.corp.example.com/"),
        Err(Blocked::Denied(_))
    ));
    let denied_ip = Policy {
        denied_hosts: patterns(&["8.8.8.8"]),
        ..open()
    };
    assert!(matches!(
        check(&denied_ip, "http://134744072/"),
        Err(Blocked::Denied(_))
    ));
    assert!(matches!(
        check(&denied_ip, "http://[::ffff:8.8.8.8]/"),
        Ok(())
    ));
}

#[test]
fn hosts_that_are_not_valid_do_not_parse() {
    // These answer 400 before the policy is consulted.
    for target in [
        "http://[fe80::1%25eth0]/",
        "http://1.2.3.4.5/",
        "http://256.0.0.1/",
        "http://0x100000000/",
        "http://exa mple.com/",
        "http:///",
        "http://[::1/",
        "//example.com/",
        "example.com",
        "/relative",
    ] {
        assert!(Url::parse(target).is_err(), "{target} should not parse");
    }
}
