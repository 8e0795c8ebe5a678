use super::*;

fn country(code: &str) -> Option<Country> {
    Some(Country::parse(code).unwrap())
}

fn tables(routes: &[&str], groups: &[(&str, &[&str])]) -> Tables {
    Tables {
        routes: routes
            .iter()
            .map(|name| {
                let url = format!("https://{}.example", name.to_ascii_lowercase());
                (name.to_string(), Origin::parse(&url).unwrap())
            })
            .collect(),
        groups: groups
            .iter()
            .map(|(name, members)| {
                let members = members.iter().map(|c| Country::parse(c).unwrap()).collect();
                (name.to_string(), members)
            })
            .collect(),
        ip_rules: Vec::new(),
        fallback: Vec::new(),
    }
}

fn router(routes: &[&str], groups: &[(&str, &[&str])]) -> Router {
    Router::new(tables(routes, groups)).unwrap()
}

fn chosen(router: &Router, code: Option<&str>) -> (String, Via) {
    let (id, via) = router.choose(code.and_then(country), None);
    (router.route(id).name.clone(), via)
}

fn problem(result: Result<Router, ConfigError>) -> (String, String) {
    let error = result.unwrap_err();
    let key = error.problems()[0].key().to_string();
    (key, error.to_string())
}

#[test]
fn country_then_group_then_continent_then_default() {
    let r = router(
        &["DE", "DACH", "EU", "default"],
        &[("DACH", &["DE", "AT", "CH"])],
    );
    assert_eq!(chosen(&r, Some("DE")), ("DE".into(), Via::Country));
    assert_eq!(chosen(&r, Some("AT")), ("DACH".into(), Via::Group));
    assert_eq!(chosen(&r, Some("FR")), ("EU".into(), Via::Continent));
    assert_eq!(chosen(&r, Some("JP")), ("default".into(), Via::Default));
    assert_eq!(chosen(&r, None), ("default".into(), Via::Default));
    assert!(r.uses_geography());
    assert!(!r.uses_ip_rules());
}

#[test]
fn ambiguous_codes_mean_continents_and_a_group_routes_the_country() {
    let r = router(&["NA", "SA", "NAMIBIA", "default"], &[("NAMIBIA", &["NA"])]);
    assert_eq!(chosen(&r, Some("US")), ("NA".into(), Via::Continent));
    assert_eq!(chosen(&r, Some("BR")), ("SA".into(), Via::Continent));
    // Namibia (NA) and Saudi Arabia (SA) are not sent to the Americas.
    assert_eq!(chosen(&r, Some("NA")), ("NAMIBIA".into(), Via::Group));
    assert_eq!(chosen(&r, Some("SA")), ("default".into(), Via::Default));
}

#[test]
fn ip_rules_come_first() {
    let mut t = tables(&["DE", "office", "default"], &[("office", &["DE"])]);
    t.ip_rules
        .push((Cidr::parse("192.0.2.0/24").unwrap(), "office".into()));
    let r = Router::new(t).unwrap();
    let (id, via) = r.choose(country("DE"), Some("192.0.2.9".parse().unwrap()));
    assert_eq!((r.route(id).name.as_str(), via), ("office", Via::Ip));
    let (id, via) = r.choose(country("DE"), Some("198.51.100.1".parse().unwrap()));
    assert_eq!((r.route(id).name.as_str(), via), ("DE", Via::Country));
    assert!(r.uses_ip_rules());
}

#[test]
fn failover_follows_fallback_once_each() {
    let mut t = tables(&["DE", "EU", "default"], &[]);
    t.fallback = vec!["EU".into(), "default".into(), "EU".into()];
    let r = Router::new(t).unwrap();
    let names = |first: &str| {
        let id = (0..3).find(|&i| r.route(i).name == first).unwrap();
        r.failover_order(id)
            .into_iter()
            .map(|i| r.route(i).name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("DE"), ["DE", "EU", "default"]);
    assert_eq!(names("EU"), ["EU", "default"]);
}

#[test]
fn only_default_does_not_depend_on_the_visitor() {
    let r = router(&["default"], &[]);
    assert!(!r.uses_geography());
    assert_eq!(chosen(&r, Some("DE")), ("default".into(), Via::Default));
}

#[test]
fn names_that_do_not_resolve_are_configuration_errors() {
    let (key, text) = problem(Router::new(tables(&["DE", "EU"], &[])));
    assert_eq!(key, "ROUTES");
    assert!(text.contains("\"default\" route is required"), "{text}");

    for bad in ["de", "DACH", "XX", "Europe", ""] {
        let (key, text) = problem(Router::new(tables(&[bad, "default"], &[])));
        assert_eq!(key, "ROUTES", "{bad:?}");
        assert!(text.contains("is not a country code"), "{text}");
    }

    let mut t = tables(&["DE", "default"], &[]);
    t.fallback = vec!["EU".into()];
    let (key, text) = problem(Router::new(t));
    assert_eq!(key, "FALLBACK");
    assert!(text.contains("no route named \"EU\""), "{text}");

    let mut t = tables(&["DE", "default"], &[]);
    t.ip_rules
        .push((Cidr::parse("10.0.0.0/8").unwrap(), "office".into()));
    assert_eq!(problem(Router::new(t)).0, "IP_RULES");
}

#[test]
fn groups_must_be_unambiguous() {
    let (key, text) = problem(Router::new(tables(
        &["DACH", "EU27", "default"],
        &[("DACH", &["DE", "AT"]), ("EU27", &["DE", "FR"])],
    )));
    assert_eq!(key, "GROUPS");
    assert!(text.contains("DE is in both DACH and EU27"), "{text}");
    // Overlap among groups that are not both routed is harmless.
    router(
        &["DACH", "default"],
        &[("DACH", &["DE", "AT"]), ("EU27", &["DE", "FR"])],
    );
    for name in ["DE", "EU", "de", "default", "", " X"] {
        let (key, _) = problem(Router::new(tables(&["default"], &[(name, &["FR"])])));
        assert_eq!(key, "GROUPS", "{name:?}");
    }
    let (key, text) = problem(Router::new(tables(&["default"], &[("EMPTY", &[])])));
    assert_eq!(key, "GROUPS");
    assert!(text.contains("no countries"), "{text}");
}

#[test]
fn other_names_are_routes_that_address_rules_or_failover_lead_to() {
    let mut t = tables(&["DE", "backup", "office", "default"], &[]);
    t.fallback = vec!["backup".into()];
    t.ip_rules
        .push((Cidr::parse("192.0.2.0/24").unwrap(), "office".into()));
    let r = Router::new(t).unwrap();
    assert_eq!(chosen(&r, Some("DE")), ("DE".into(), Via::Country));
    assert_eq!(chosen(&r, Some("FR")), ("default".into(), Via::Default));
    let (id, _) = r.choose(None, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(r.route(id).name, "office");
}
