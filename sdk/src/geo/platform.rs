//! The platform presets: which headers carry geo data and the client IP.

use std::fmt;
use std::str::FromStr;

/// An edge platform whose geo and client-IP headers are trusted.
///
/// | preset | geo headers | client IP |
/// |---|---|---|
/// | `fastedge` (Gcore FastEdge) | `geoip-country-code`, `geoip-continent`, `geoip-region`, `geoip-city`, `geoip-lat`, `geoip-long`, `geoip-asn` | `x-real-ip` |
/// | `cloudflare` | `cf-ipcountry`, `cf-ipcontinent`, `cf-region-code`, `cf-ipcity`, `cf-iplatitude`, `cf-iplongitude` (the last four with "Add visitor location headers" on) | `cf-connecting-ip` |
/// | `fastly` | `x-fastly-country-code`, `x-fastly-region`, `x-fastly-city`, `x-fastly-latitude`, `x-fastly-longitude` (the usual names a Fastly service sets from `client.geo`) | `fastly-client-ip` |
/// | `generic` | `x-geo-country`, `x-geo-continent`, `x-geo-region`, `x-geo-city`, `x-geo-latitude`, `x-geo-longitude`, `x-geo-asn` | `x-forwarded-for`, counting `EDGEKIT_TRUSTED_PROXIES` hops from the right (default 1) |
///
/// ```
/// use edgekit::geo::Platform;
/// assert_eq!("cloudflare".parse::<Platform>(), Ok(Platform::Cloudflare));
/// assert_eq!(Platform::FastEdge.to_string(), "fastedge");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// Gcore FastEdge.
    FastEdge,
    /// Cloudflare.
    Cloudflare,
    /// Fastly.
    Fastly,
    /// Any proxy that sets `x-geo-*` and `x-forwarded-for`.
    Generic,
}

/// The header names of one preset's geo fields.
pub(crate) struct GeoHeaders {
    pub country: Option<&'static str>,
    pub continent: Option<&'static str>,
    pub region: Option<&'static str>,
    pub city: Option<&'static str>,
    pub latitude: Option<&'static str>,
    pub longitude: Option<&'static str>,
    pub asn: Option<&'static str>,
}

impl Platform {
    /// All presets.
    ///
    /// ```
    /// assert_eq!(edgekit::geo::Platform::ALL.len(), 4);
    /// ```
    pub const ALL: [Platform; 4] = [
        Platform::FastEdge,
        Platform::Cloudflare,
        Platform::Fastly,
        Platform::Generic,
    ];

    /// The preset named by `EDGEKIT_PLATFORM`, if it is set to one.
    ///
    /// ```no_run
    /// let platform = edgekit::geo::Platform::from_env();
    /// ```
    pub fn from_env() -> Option<Platform> {
        std::env::var("EDGEKIT_PLATFORM").ok()?.parse().ok()
    }

    /// The preset's name (`fastedge`, `cloudflare`, `fastly`, `generic`).
    ///
    /// ```
    /// assert_eq!(edgekit::geo::Platform::Generic.name(), "generic");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Platform::FastEdge => "fastedge",
            Platform::Cloudflare => "cloudflare",
            Platform::Fastly => "fastly",
            Platform::Generic => "generic",
        }
    }

    pub(crate) fn geo_headers(self) -> GeoHeaders {
        match self {
            Platform::FastEdge => GeoHeaders {
                country: Some("geoip-country-code"),
                continent: Some("geoip-continent"),
                region: Some("geoip-region"),
                city: Some("geoip-city"),
                latitude: Some("geoip-lat"),
                longitude: Some("geoip-long"),
                asn: Some("geoip-asn"),
            },
            Platform::Cloudflare => GeoHeaders {
                country: Some("cf-ipcountry"),
                continent: Some("cf-ipcontinent"),
                region: Some("cf-region-code"),
                city: Some("cf-ipcity"),
                latitude: Some("cf-iplatitude"),
                longitude: Some("cf-iplongitude"),
                asn: None,
            },
            Platform::Fastly => GeoHeaders {
                country: Some("x-fastly-country-code"),
                continent: None,
                region: Some("x-fastly-region"),
                city: Some("x-fastly-city"),
                latitude: Some("x-fastly-latitude"),
                longitude: Some("x-fastly-longitude"),
                asn: None,
            },
            Platform::Generic => GeoHeaders {
                country: Some("x-geo-country"),
                continent: Some("x-geo-continent"),
                region: Some("x-geo-region"),
                city: Some("x-geo-city"),
                latitude: Some("x-geo-latitude"),
                longitude: Some("x-geo-longitude"),
                asn: Some("x-geo-asn"),
            },
        }
    }

    /// The headers this platform would set for a visitor at `geo` from
    /// `client_ip`: what a test harness or dev server injects to play the
    /// platform (`edgekit serve --geo ... --client-ip ...` does).
    ///
    /// ```
    /// use edgekit::geo::{Geo, Platform};
    /// let geo = Geo { country: Some("DE".into()), ..Geo::default() };
    /// let headers = Platform::Cloudflare.headers_for(&geo, Some([203, 0, 113, 7].into()));
    /// assert!(headers.contains(&("cf-ipcountry", "DE".to_string())));
    /// assert!(headers.contains(&("cf-connecting-ip", "203.0.113.7".to_string())));
    /// ```
    pub fn headers_for(
        self,
        geo: &super::Geo,
        client_ip: Option<std::net::IpAddr>,
    ) -> Vec<(&'static str, String)> {
        let names = self.geo_headers();
        let fields = [
            (names.country, geo.country.clone()),
            (names.continent, geo.continent.map(|c| c.code().to_string())),
            (names.region, geo.region.clone()),
            (names.city, geo.city.clone()),
            (names.latitude, geo.latitude.map(|v| v.to_string())),
            (names.longitude, geo.longitude.map(|v| v.to_string())),
            (names.asn, geo.asn.map(|v| v.to_string())),
        ];
        let mut headers: Vec<(&'static str, String)> = fields
            .into_iter()
            .filter_map(|(name, value)| Some((name?, value?)))
            .collect();
        if let Some(ip) = client_ip {
            headers.push((
                self.client_ip_header().unwrap_or("x-forwarded-for"),
                ip.to_string(),
            ));
        }
        headers
    }

    /// Every header name the preset reads: a harness playing the platform
    /// removes client-sent copies of these first.
    ///
    /// ```
    /// let names = edgekit::geo::Platform::Generic.header_names();
    /// assert!(names.contains(&"x-geo-country"));
    /// assert!(names.contains(&"x-forwarded-for"));
    /// ```
    pub fn header_names(self) -> Vec<&'static str> {
        let names = self.geo_headers();
        [
            names.country,
            names.continent,
            names.region,
            names.city,
            names.latitude,
            names.longitude,
            names.asn,
            Some(self.client_ip_header().unwrap_or("x-forwarded-for")),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The single header holding the client's address, or `None` for
    /// `x-forwarded-for` counted by hops.
    pub(crate) fn client_ip_header(self) -> Option<&'static str> {
        match self {
            Platform::FastEdge => Some("x-real-ip"),
            Platform::Cloudflare => Some("cf-connecting-ip"),
            Platform::Fastly => Some("fastly-client-ip"),
            Platform::Generic => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A platform name that is not one of the presets.
///
/// ```
/// assert!("akamai".parse::<edgekit::geo::Platform>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlatform(pub String);

impl fmt::Display for UnknownPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown platform {:?}: expected fastedge, cloudflare, fastly or generic",
            self.0
        )
    }
}

impl std::error::Error for UnknownPlatform {}

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(text: &str) -> Result<Platform, UnknownPlatform> {
        Platform::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownPlatform(text.to_string()))
    }
}

impl<'de> serde::Deserialize<'de> for Platform {
    /// From its name, in any case, so a component's config can hold a
    /// `Platform`. Read as an enum, so `edgekit::config` reports it with
    /// the other keys and lists its options in `keys()`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Platform, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Platform;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("fastedge, cloudflare, fastly or generic")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Platform, E> {
                text.parse().map_err(E::custom)
            }
            fn visit_enum<A: serde::de::EnumAccess<'de>>(
                self,
                data: A,
            ) -> Result<Platform, A::Error> {
                use serde::de::VariantAccess;
                let (name, variant) = data.variant::<std::borrow::Cow<'de, str>>()?;
                variant.unit_variant()?;
                self.visit_str(&name)
            }
        }
        const NAMES: &[&str] = &["fastedge", "cloudflare", "fastly", "generic"];
        deserializer.deserialize_enum("Platform", NAMES, Visit)
    }
}
