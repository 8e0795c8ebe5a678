//! Header parsing edge cases for geo and client IP.

use std::net::IpAddr;

use http::HeaderMap;

use super::{Continent, Geo, Platform, client_ip};

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    map
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

#[test]
fn the_table_is_complete_and_sorted() {
    let table = &super::countries::COUNTRIES;
    assert_eq!(table.len(), 250);
    assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
    for continent in Continent::ALL {
        assert!(table.iter().any(|(_, c)| *c == continent), "{continent}");
    }
    for (code, want) in [
        ("US", Continent::NorthAmerica),
        ("MX", Continent::NorthAmerica),
        ("BR", Continent::SouthAmerica),
        ("DE", Continent::Europe),
        ("RU", Continent::Europe),
        ("CN", Continent::Asia),
        ("TR", Continent::Asia),
        ("NG", Continent::Africa),
        ("EG", Continent::Africa),
        ("AU", Continent::Oceania),
        ("NZ", Continent::Oceania),
        ("AQ", Continent::Antarctica),
        ("XK", Continent::Europe),
    ] {
        assert_eq!(Continent::of(code), Some(want), "{code}");
    }
}

#[test]
fn unknown_and_malformed_countries_are_none() {
    for bad in ["XX", "T1", "ZZ", "D", "DEU", "", "1A", "Ü"] {
        assert_eq!(Continent::of(bad), None, "{bad}");
        let h = headers(&[("cf-ipcountry", bad)]);
        assert_eq!(Geo::from_headers(Platform::Cloudflare, &h), None, "{bad}");
    }
}

#[test]
fn every_preset_reads_its_own_headers_only() {
    let all = headers(&[
        ("geoip-country-code", "FR"),
        ("cf-ipcountry", "JP"),
        ("x-fastly-country-code", "BR"),
        ("x-geo-country", "AU"),
    ]);
    let country = |p| Geo::from_headers(p, &all).unwrap().country.unwrap();
    assert_eq!(country(Platform::FastEdge), "FR");
    assert_eq!(country(Platform::Cloudflare), "JP");
    assert_eq!(country(Platform::Fastly), "BR");
    assert_eq!(country(Platform::Generic), "AU");
}

#[test]
fn full_generic_geo_parses_and_bad_numbers_are_dropped() {
    let h = headers(&[
        ("x-geo-country", "de"),
        ("x-geo-region", "BE"),
        ("x-geo-city", "Berlin"),
        ("x-geo-latitude", "52.52"),
        ("x-geo-longitude", "13.405"),
        ("x-geo-asn", "AS3320"),
    ]);
    let geo = Geo::from_headers(Platform::Generic, &h).unwrap();
    assert_eq!(
        geo,
        Geo {
            country: Some("DE".into()),
            continent: Some(Continent::Europe),
            region: Some("BE".into()),
            city: Some("Berlin".into()),
            latitude: Some(52.52),
            longitude: Some(13.405),
            asn: Some(3320),
        }
    );
    let h = headers(&[
        ("x-geo-country", "DE"),
        ("x-geo-latitude", "north"),
        ("x-geo-longitude", "200"),
        ("x-geo-asn", "-1"),
        ("x-geo-continent", "Atlantis"),
    ]);
    let geo = Geo::from_headers(Platform::Generic, &h).unwrap();
    assert_eq!(geo.latitude, None);
    assert_eq!(geo.longitude, None);
    assert_eq!(geo.asn, None);
    assert_eq!(geo.continent, Some(Continent::Europe));
}

#[test]
fn a_given_continent_wins_over_the_table() {
    let h = headers(&[("x-geo-country", "RU"), ("x-geo-continent", "as")]);
    let geo = Geo::from_headers(Platform::Generic, &h).unwrap();
    assert_eq!(geo.continent, Some(Continent::Asia));
}

#[test]
fn client_ip_per_preset() {
    let h = headers(&[
        ("x-real-ip", "198.51.100.1"),
        ("cf-connecting-ip", "2001:db8::7"),
        ("fastly-client-ip", "203.0.113.9"),
        ("x-forwarded-for", "10.0.0.1, 192.0.2.5"),
    ]);
    assert_eq!(client_ip(Platform::FastEdge, &h, None), ip("198.51.100.1"));
    assert_eq!(client_ip(Platform::Cloudflare, &h, None), ip("2001:db8::7"));
    assert_eq!(client_ip(Platform::Fastly, &h, None), ip("203.0.113.9"));
    assert_eq!(client_ip(Platform::Generic, &h, Some(1)), ip("192.0.2.5"));
    assert_eq!(client_ip(Platform::Generic, &h, Some(2)), ip("10.0.0.1"));
    assert_eq!(client_ip(Platform::Generic, &h, Some(3)), None);
    assert_eq!(client_ip(Platform::Generic, &h, Some(0)), None);
}

#[test]
fn a_duplicated_address_header_is_distrusted() {
    for (platform, name) in [
        (Platform::FastEdge, "x-real-ip"),
        (Platform::Cloudflare, "cf-connecting-ip"),
        (Platform::Fastly, "fastly-client-ip"),
    ] {
        let h = headers(&[(name, "198.51.100.1"), (name, "203.0.113.9")]);
        assert_eq!(client_ip(platform, &h, None), None, "{name}");
        let h = headers(&[(name, "198.51.100.1")]);
        assert_eq!(client_ip(platform, &h, None), ip("198.51.100.1"), "{name}");
    }
}

#[test]
fn forwarded_for_spans_repeated_headers() {
    let h = headers(&[
        ("x-forwarded-for", "1.1.1.1"),
        ("x-forwarded-for", "2.2.2.2, 3.3.3.3"),
    ]);
    assert_eq!(client_ip(Platform::Generic, &h, Some(1)), ip("3.3.3.3"));
    assert_eq!(client_ip(Platform::Generic, &h, Some(3)), ip("1.1.1.1"));
}

#[test]
fn malformed_addresses_are_none() {
    for bad in [
        "",
        "unknown",
        "1.2.3",
        "256.1.1.1",
        "1.2.3.4:99999",
        "1.2.3.4:",
        "[::1",
        "[::1]x",
        "::1:80:",
        "1.2.3.4, 5.6.7.8",
        "01.2.3.4",
    ] {
        let h = headers(&[("cf-connecting-ip", bad)]);
        assert_eq!(client_ip(Platform::Cloudflare, &h, None), None, "{bad:?}");
    }
    let h = headers(&[("x-forwarded-for", "1.2.3.4, garbage")]);
    assert_eq!(client_ip(Platform::Generic, &h, Some(1)), None);
}

#[test]
fn addresses_with_ports_and_brackets() {
    for (text, want) in [
        ("203.0.113.7:4711", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        (" 192.0.2.1 ", "192.0.2.1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ] {
        let h = headers(&[("x-real-ip", text)]);
        assert_eq!(client_ip(Platform::FastEdge, &h, None), ip(want), "{text}");
    }
}

#[test]
fn platform_names_parse_in_any_case() {
    assert_eq!("FastEdge".parse(), Ok(Platform::FastEdge));
    assert_eq!(" generic ".parse(), Ok(Platform::Generic));
    assert!("akamai".parse::<Platform>().is_err());
}
