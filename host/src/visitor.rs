//! Playing the edge platform for a visitor: the geo and client-IP headers a
//! platform sets on every request, in the SDK's preset format.

use std::net::IpAddr;

use edgekit::geo::{Geo, Platform};
use http::{HeaderMap, HeaderName, HeaderValue};

/// The visitor every request appears to come from: which platform preset,
/// where, and from which address. Like the real platform, the host removes
/// whatever the client sent in the preset's headers before setting its own.
///
/// ```
/// use edgekit_host::{Geo, Platform, Visitor};
/// let visitor = Visitor::new(Platform::Cloudflare)
///     .geo(Geo { country: Some("DE".into()), ..Geo::default() })
///     .client_ip([203, 0, 113, 7].into());
/// let mut headers = http::HeaderMap::new();
/// headers.insert("cf-ipcountry", "US".parse().unwrap()); // sent by the client
/// visitor.apply(&mut headers);
/// assert_eq!(headers["cf-ipcountry"], "DE");
/// assert_eq!(headers["cf-connecting-ip"], "203.0.113.7");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    platform: Option<Platform>,
    geo: Geo,
    client_ip: Option<IpAddr>,
}

impl Visitor {
    /// A visitor seen through `platform`'s headers, with no location yet.
    ///
    /// ```
    /// let visitor = edgekit_host::Visitor::new(edgekit_host::Platform::Generic);
    /// assert_eq!(visitor.platform(), Some(edgekit_host::Platform::Generic));
    /// ```
    pub fn new(platform: Platform) -> Visitor {
        Visitor {
            platform: Some(platform),
            ..Visitor::default()
        }
    }

    /// Sets where the visitor is.
    ///
    /// ```
    /// use edgekit_host::{Geo, Platform, Visitor};
    /// let v = Visitor::new(Platform::Generic).geo(Geo { city: Some("Berlin".into()), ..Geo::default() });
    /// ```
    pub fn geo(mut self, geo: Geo) -> Visitor {
        self.geo = geo;
        self
    }

    /// Sets the visitor's address.
    ///
    /// ```
    /// let v = edgekit_host::Visitor::new(edgekit_host::Platform::Fastly).client_ip([192, 0, 2, 1].into());
    /// ```
    pub fn client_ip(mut self, ip: IpAddr) -> Visitor {
        self.client_ip = Some(ip);
        self
    }

    /// The preset, if one is played.
    ///
    /// ```
    /// assert_eq!(edgekit_host::Visitor::default().platform(), None);
    /// ```
    pub fn platform(&self) -> Option<Platform> {
        self.platform
    }

    /// Replaces the preset's headers in `headers` with this visitor's.
    /// Without a preset, nothing changes.
    ///
    /// ```
    /// let mut headers = http::HeaderMap::new();
    /// edgekit_host::Visitor::default().apply(&mut headers);
    /// assert!(headers.is_empty());
    /// ```
    pub fn apply(&self, headers: &mut HeaderMap) {
        let Some(platform) = self.platform else {
            return;
        };
        for name in platform.header_names() {
            headers.remove(name);
        }
        for (name, value) in platform.headers_for(&self.geo, self.client_ip) {
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }

    /// Parses `--geo`'s `key=value,...` list: `country`, `continent`,
    /// `region`, `city`, `latitude`/`lat`, `longitude`/`lon`, `asn`.
    ///
    /// ```
    /// let geo = edgekit_host::Visitor::parse_geo("country=DE,city=Berlin").unwrap();
    /// assert_eq!(geo.country.as_deref(), Some("DE"));
    /// assert_eq!(geo.continent, Some(edgekit_host::Continent::Europe));
    /// assert!(edgekit_host::Visitor::parse_geo("country=Germany").is_err());
    /// ```
    pub fn parse_geo(text: &str) -> anyhow::Result<Geo> {
        let mut geo = Geo::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--geo: expected key=value, got {pair:?}"))?;
            let value = value.trim();
            let number = |what: &str| {
                value
                    .parse::<f64>()
                    .map_err(|_| anyhow::anyhow!("--geo: {what} must be a number, got {value:?}"))
            };
            match key.trim() {
                "country" => {
                    if edgekit::geo::Continent::of(value).is_none() {
                        anyhow::bail!("--geo: {value:?} is not an ISO 3166-1 alpha-2 country code");
                    }
                    geo.country = Some(value.to_ascii_uppercase());
                }
                "continent" => {
                    geo.continent = Some(value.parse().map_err(|()| {
                        anyhow::anyhow!("--geo: continent must be AF, AN, AS, EU, NA, OC or SA")
                    })?)
                }
                "region" => geo.region = Some(value.to_string()),
                "city" => geo.city = Some(value.to_string()),
                "latitude" | "lat" => geo.latitude = Some(number("latitude")?),
                "longitude" | "lon" => geo.longitude = Some(number("longitude")?),
                "asn" => {
                    geo.asn = Some(value.trim_start_matches("AS").parse().map_err(|_| {
                        anyhow::anyhow!("--geo: asn must be a number, got {value:?}")
                    })?)
                }
                other => anyhow::bail!(
                    "--geo: unknown key {other:?} (country, continent, region, city, latitude, longitude, asn)"
                ),
            }
        }
        if geo.continent.is_none() {
            geo.continent = geo.country.as_deref().and_then(edgekit::geo::Continent::of);
        }
        Ok(geo)
    }
}
