//! [`Visitor`]: the country and address a request is routed by, from the
//! platform's headers only (or `?geo_country=` when the operator allows it).

use std::net::IpAddr;

use edgekit::geo::Platform;
use edgekit::{Error, Request, RequestExt, StatusCode};

use crate::country::Country;
use crate::presets;
use crate::settings::Settings;

/// The query parameter that overrides the country with `ALLOW_OVERRIDE`.
pub const OVERRIDE_PARAM: &str = "geo_country";

/// What routing knows of the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visitor {
    /// The country, when trusted and well-formed.
    pub country: Option<Country>,
    /// The client's address, when `IP_RULES` may use it.
    pub ip: Option<IpAddr>,
}

impl Visitor {
    /// Reads the visitor; a malformed `?geo_country=` (when allowed) is a `400`.
    pub fn of(req: &Request, settings: &Settings) -> Result<Visitor, Error> {
        if settings.allow_override
            && let Some(value) = override_value(req.uri().query())
        {
            let country = Country::parse(value).ok_or_else(|| {
                Error::new(
                    StatusCode::BAD_REQUEST,
                    "geo_country must be an upper-case ISO 3166-1 country code such as DE",
                )
            })?;
            // The tester chose the country: addresses do not get a say.
            return Ok(Visitor {
                country: Some(country),
                ip: None,
            });
        }
        let Some(platform) = settings.platform else {
            return Ok(Visitor {
                country: None,
                ip: None,
            });
        };
        let ip = settings
            .router
            .uses_ip_rules()
            .then(|| req.client_ip_with(platform))
            .flatten();
        Ok(Visitor {
            country: platform_country(req, platform),
            ip,
        })
    }
}

/// The country the platform set, if its header holds exactly one upper-case
/// code the table knows. A second value means something besides the
/// platform wrote one (a client's copy the platform appended to instead of
/// replacing), so neither is trusted.
fn platform_country(req: &Request, platform: Platform) -> Option<Country> {
    let from_sdk = req.geo_with(platform)?.country?;
    let mut values = req
        .headers()
        .get_all(presets::country_header(platform))
        .iter();
    let raw = values.next()?.to_str().ok()?;
    if values.next().is_some() || raw != from_sdk {
        return None;
    }
    Country::parse(raw)
}

/// The value of the first `geo_country` parameter in `query`.
fn override_value(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == OVERRIDE_PARAM)
        .map(|(_, value)| value)
}

/// The path and query to send on: `geo_country` is taken out when it was
/// honoured, so origins never see it.
pub fn forwarded_path(req: &Request, settings: &Settings) -> String {
    let uri = req.uri();
    let path = match uri.path() {
        "" => "/",
        path => path,
    };
    let Some(query) = uri.query() else {
        return path.to_string();
    };
    if !settings.allow_override {
        let mut forwarded = String::with_capacity(path.len() + 1 + query.len());
        forwarded.push_str(path);
        forwarded.push('?');
        forwarded.push_str(query);
        return forwarded;
    }
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split('=').next() != Some(OVERRIDE_PARAM))
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests;
