//! [`Router`]: which route a visitor goes to, from `ROUTES`, `GROUPS`,
//! `IP_RULES` and `FALLBACK`, checked against each other when it is built.

use std::fmt;
use std::net::IpAddr;

use edgekit::config::ConfigError;
use edgekit::geo::Continent;

use crate::country::Country;
use crate::ip_rules::{Cidr, IpRules};
use crate::origin::Origin;

/// The name of the route every visitor without a better match takes.
pub const DEFAULT: &str = "default";

/// One entry of `ROUTES`: its key is its name.
#[derive(Debug, Clone)]
pub struct Route {
    /// The `ROUTES` key: a country, group or continent code, or `default`.
    pub name: String,
    /// Where it sends visitors.
    pub origin: Origin,
}

/// Which rule chose a route (the `via=` of the debug header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An `IP_RULES` network contains the client's address.
    Ip,
    /// The country has a route of its own.
    Country,
    /// The country is in a routed group.
    Group,
    /// The country's continent has a route.
    Continent,
    /// Nothing else matched (or the country is unknown).
    Default,
    /// The chosen origin failed; this one is from `FALLBACK`.
    Fallback,
}

impl Via {
    /// Its name in the debug header.
    pub fn name(self) -> &'static str {
        match self {
            Via::Ip => "ip",
            Via::Country => "country",
            Via::Group => "group",
            Via::Continent => "continent",
            Via::Default => "default",
            Via::Fallback => "fallback",
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A route, by its index in the router.
pub type RouteId = usize;

/// The routing table. Plain vectors searched in order rather than hash
/// maps: tables are small, built once per request (every request is a
/// fresh instance), and looked up once.
#[derive(Debug, Clone)]
pub struct Router {
    routes: Vec<Route>,
    by_country: Vec<(Country, RouteId)>,
    /// Each member of a routed group, with the group's route.
    by_group_member: Vec<(Country, RouteId)>,
    by_continent: Vec<(Continent, RouteId)>,
    default: RouteId,
    fallback: Vec<RouteId>,
    ip_rules: IpRules<RouteId>,
}

/// What `ROUTES`, `GROUPS`, `IP_RULES` and `FALLBACK` hold once each has
/// parsed on its own.
pub struct Tables {
    /// `ROUTES`, each name once.
    pub routes: Vec<(String, Origin)>,
    /// `GROUPS`, each name once.
    pub groups: Vec<(String, Vec<Country>)>,
    /// `IP_RULES`.
    pub ip_rules: Vec<(Cidr, String)>,
    /// `FALLBACK`.
    pub fallback: Vec<String>,
}

/// What a `ROUTES` key stands for.
enum Key {
    Default,
    Continent(Continent),
    Country(Country),
    Group,
    /// Reached only through `IP_RULES` or `FALLBACK`.
    Named,
}

/// `AF`, `AS`, `NA` and `SA` are both continents and countries; as `ROUTES`
/// keys they mean the continent (route one of those countries through a
/// group of its own). Any other name must be one `IP_RULES` or `FALLBACK`
/// leads to, or it could never be taken (a typo, most likely).
fn classify(key: &str, groups: &[(String, Vec<Country>)], referenced: &[&str]) -> Option<Key> {
    if key == DEFAULT {
        return Some(Key::Default);
    }
    let upper = key.len() == 2 && key.bytes().all(|b| b.is_ascii_uppercase());
    if let Some(continent) = upper.then(|| key.parse::<Continent>().ok()).flatten() {
        return Some(Key::Continent(continent));
    }
    if let Some(country) = Country::parse(key) {
        return Some(Key::Country(country));
    }
    if groups.iter().any(|(name, _)| name == key) {
        return Some(Key::Group);
    }
    referenced.contains(&key).then_some(Key::Named)
}

impl Router {
    /// Builds the table, refusing names that do not resolve and groups that
    /// would make the choice ambiguous.
    pub fn new(tables: Tables) -> Result<Router, ConfigError> {
        let Tables {
            routes: mut entries,
            groups,
            ip_rules,
            fallback,
        } = tables;
        check_groups(&groups)?;
        // Routes only an address rule or a failover leads to may have any name.
        let referenced: Vec<&str> = ip_rules
            .iter()
            .map(|(_, name)| name)
            .chain(&fallback)
            .map(String::as_str)
            .collect();
        // Sorted, so ids (and any error) do not depend on the order written.
        entries.sort_by(|a, b| a.0.cmp(&b.0));

        let mut routes = Vec::with_capacity(entries.len());
        let mut by_country = Vec::new();
        let mut by_group_member = Vec::new();
        let mut by_continent = Vec::new();
        let mut default = None;
        // Each member of a routed group, with its group.
        let mut member_of: Vec<(Country, &str)> = Vec::new();
        for (id, (name, origin)) in entries.into_iter().enumerate() {
            match classify(&name, &groups, &referenced) {
                Some(Key::Default) => default = Some(id),
                Some(Key::Continent(continent)) => by_continent.push((continent, id)),
                Some(Key::Country(country)) => by_country.push((country, id)),
                Some(Key::Group) => {
                    let members = groups.iter().find(|(group, _)| *group == name);
                    for (group, member) in members
                        .iter()
                        .flat_map(|(g, m)| m.iter().map(|c| (g.as_str(), c)))
                    {
                        let earlier = member_of.iter().find(|(c, _)| c == member);
                        if let Some(&(_, other)) = earlier
                            && other != group
                        {
                            let (a, b) = if other < group {
                                (other, group)
                            } else {
                                (group, other)
                            };
                            return Err(ConfigError::invalid(
                                "GROUPS",
                                format!("{member} is in both {a} and {b}, and both are routed"),
                            ));
                        }
                        if earlier.is_none() {
                            member_of.push((*member, group));
                            by_group_member.push((*member, id));
                        }
                    }
                }
                Some(Key::Named) => {}
                None => {
                    return Err(ConfigError::invalid(
                        "ROUTES",
                        format!(
                            "{name:?} is not a country code (DE), a continent code (EU), \
                             a group from GROUPS or \"default\", and neither IP_RULES nor \
                             FALLBACK names it"
                        ),
                    ));
                }
            }
            routes.push(Route { name, origin });
        }
        let Some(default) = default else {
            return Err(ConfigError::invalid(
                "ROUTES",
                "a \"default\" route is required",
            ));
        };
        let id_of = |key: &str, name: &str| {
            routes
                .iter()
                .position(|route| route.name == name)
                .ok_or_else(|| {
                    ConfigError::invalid(key, format!("there is no route named {name:?} in ROUTES"))
                })
        };
        let mut rules = Vec::with_capacity(ip_rules.len());
        for (cidr, name) in ip_rules {
            rules.push((cidr, id_of("IP_RULES", &name)?));
        }
        let mut fallback_ids = Vec::new();
        for name in &fallback {
            let id = id_of("FALLBACK", name)?;
            if !fallback_ids.contains(&id) {
                fallback_ids.push(id);
            }
        }
        Ok(Router {
            routes,
            by_country,
            by_group_member,
            by_continent,
            default,
            fallback: fallback_ids,
            ip_rules: IpRules::new(rules),
        })
    }

    /// The route for a visitor: an `IP_RULES` match first, then the
    /// country, its group, its continent, and `default`.
    pub fn choose(&self, country: Option<Country>, ip: Option<IpAddr>) -> (RouteId, Via) {
        if let Some(id) = ip.and_then(|ip| self.ip_rules.route_for(ip)) {
            return (id, Via::Ip);
        }
        let Some(country) = country else {
            return (self.default, Via::Default);
        };
        let find = |table: &[(Country, RouteId)]| {
            table.iter().find(|(c, _)| *c == country).map(|&(_, id)| id)
        };
        let continent = country.continent();
        if let Some(id) = find(&self.by_country) {
            (id, Via::Country)
        } else if let Some(id) = find(&self.by_group_member) {
            (id, Via::Group)
        } else if let Some(&(_, id)) = self.by_continent.iter().find(|(c, _)| *c == continent) {
            (id, Via::Continent)
        } else {
            (self.default, Via::Default)
        }
    }

    /// The route with this id.
    pub fn route(&self, id: RouteId) -> &Route {
        &self.routes[id]
    }

    /// `first`, then the `FALLBACK` routes in order, each once.
    pub fn failover_order(&self, first: RouteId) -> Vec<RouteId> {
        let mut order = vec![first];
        order.extend(self.fallback.iter().copied().filter(|&id| id != first));
        order
    }

    /// Whether any route depends on where the visitor is.
    pub fn uses_geography(&self) -> bool {
        !(self.by_country.is_empty()
            && self.by_group_member.is_empty()
            && self.by_continent.is_empty())
    }

    /// Whether routes depend on the client's address.
    pub fn uses_ip_rules(&self) -> bool {
        !self.ip_rules.is_empty()
    }
}

/// Group names must not shadow codes, and a group must have members.
fn check_groups(groups: &[(String, Vec<Country>)]) -> Result<(), ConfigError> {
    let mut sorted: Vec<&(String, Vec<Country>)> = groups.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, members) in sorted {
        let problem = if name.is_empty() || name.trim() != name {
            Some("group names must be non-empty without surrounding spaces".to_string())
        } else if name == DEFAULT
            || name.parse::<Continent>().is_ok()
            || Continent::of(name).is_some()
        {
            Some(format!(
                "{name:?} is a country or continent code or \"default\"; give the group another name"
            ))
        } else if members.is_empty() {
            Some(format!("group {name:?} has no countries"))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ConfigError::invalid("GROUPS", problem));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
