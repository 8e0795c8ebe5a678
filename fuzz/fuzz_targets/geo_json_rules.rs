//! geo-router: its JSON reader (`ROUTES`, `GROUPS`, `IP_RULES`) and its
//! address rules (networks, most specific first). The first byte picks the
//! parser. The reader agrees with serde_json on every document both accept
//! and on every document within its depth limit.
#![no_main]

use std::net::IpAddr;

use geo_router_config::country::Country;
use geo_router_config::ip_rules::{Cidr, IpRules};
use geo_router_config::origin::Origin;
use libfuzzer_sys::fuzz_target;

// The reader is private to the component (a `cdylib` only): its one
// self-contained file is compiled here as it is there.
#[path = "../../components/geo-router/src/json.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod json;

use json::Json;

/// The reader's documented nesting limit.
const MAX_DEPTH: usize = 32;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match pick % 3 {
        0 => reader(text),
        1 => rules(text),
        _ => values(text),
    }
});

fn reader(text: &str) {
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            if !has_duplicates(a) {
                assert!(same(a, b), "{a:?} != {b:?}");
            }
        }
        (Ok(a), Err(e)) => {
            // serde_json refuses numbers out of f64's range; nothing else.
            assert!(
                e.to_string().contains("number out of range"),
                "{e} for {a:?}"
            );
        }
        (Err(e), Ok(b)) => assert!(depth(b) > MAX_DEPTH, "{e} for {b}"),
        (Err(_), Err(_)) => {}
    }
}

fn same(a: &Json, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (Json::Null, V::Null) | (Json::Number, V::Number(_)) => true,
        (Json::Bool(x), V::Bool(y)) => x == y,
        (Json::String(x), V::String(y)) => x == y,
        (Json::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), V::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k.as_ref()).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

fn has_duplicates(value: &Json) -> bool {
    match value {
        Json::Array(items) => items.iter().any(has_duplicates),
        Json::Object(members) => {
            let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_ref()).collect();
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1]) || members.iter().any(|(_, v)| has_duplicates(v))
        }
        _ => false,
    }
}

fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Lines of networks, the last line an address: the rule found is the most
/// specific network containing it, by an independent count.
fn rules(text: &str) {
    let mut lines: Vec<&str> = text.lines().collect();
    let Some(address) = lines.pop() else {
        return;
    };
    let Ok(ip) = address.trim().parse::<IpAddr>() else {
        return;
    };
    let nets: Vec<(Cidr, usize)> = lines
        .iter()
        .filter_map(|line| Cidr::parse(line))
        .enumerate()
        .map(|(i, c)| (c, i))
        .collect();
    let parsed: Vec<ipnet::IpNet> = lines
        .iter()
        .filter_map(|line| Cidr::parse(line).map(|_| line))
        .map(|line| {
            let line = line.trim();
            line.parse::<ipnet::IpNet>()
                .unwrap_or_else(|_| ipnet::IpNet::from(line.parse::<IpAddr>().unwrap()))
                .trunc()
        })
        .collect();
    let table = IpRules::new(nets);
    let canonical = ip.to_canonical();
    let best = parsed
        .iter()
        .filter(|net| net.contains(&canonical))
        .map(ipnet::IpNet::prefix_len)
        .max();
    let found = table.route_for(ip).map(|i| parsed[i].prefix_len());
    assert_eq!(found, best, "{ip} in {parsed:?}");
}

/// Countries and origins, as `ROUTES` and `GROUPS` hold them.
fn values(text: &str) {
    if let Some(country) = Country::parse(text) {
        assert_eq!(country.code(), text);
    }
    if let Ok(origin) = Origin::parse(text) {
        let url = origin.url_for("/a?b=c");
        assert!(
            url.starts_with("http://") || url.starts_with("https://"),
            "{url}"
        );
    }
}
