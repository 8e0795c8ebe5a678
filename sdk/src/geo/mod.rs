//! Where a request comes from: [`Geo`] and the client's IP address, read
//! from the headers an edge platform sets, chosen by a [`Platform`] preset.
//!
//! A client can send any header, so nothing is trusted until a preset says
//! which headers the platform in front of the component sets (and
//! overwrites). Choose it in code ([`RequestExt::geo_with`](crate::RequestExt::geo_with))
//! or with the environment variable `EDGEKIT_PLATFORM`
//! (`fastedge`, `cloudflare`, `fastly`, `generic`); without one,
//! [`RequestExt::geo`](crate::RequestExt::geo) and
//! [`RequestExt::client_ip`](crate::RequestExt::client_ip) answer `None`.
//!
//! ```no_run
//! use edgekit::{Json, Request, RequestExt};
//!
//! #[edgekit::edge_handler]
//! fn handle(req: Request) -> String {
//!     match req.geo().and_then(|geo| geo.country) {
//!         Some(country) => format!("Hello, visitor from {country}!"),
//!         None => "Hello!".to_string(),
//!     }
//! }
//! ```

mod client_ip;
mod countries;
mod platform;

use std::fmt;

use http::HeaderMap;
use serde::Serialize;

pub use platform::{Platform, UnknownPlatform};

pub(crate) use client_ip::client_ip;

/// What the platform knows of a visitor's location.
///
/// `country` is an upper-case ISO 3166-1 alpha-2 code the table knows
/// (platform placeholders such as Cloudflare's `XX` and `T1` are `None`);
/// `continent` comes from the platform or, when it only gives a country,
/// from the country.
///
/// ```
/// use edgekit::geo::{Continent, Geo, Platform};
/// let mut headers = edgekit::HeaderMap::new();
/// headers.insert("cf-ipcountry", "de".parse().unwrap());
/// headers.insert("cf-ipcity", "Berlin".parse().unwrap());
/// let geo = Geo::from_headers(Platform::Cloudflare, &headers).unwrap();
/// assert_eq!(geo.country.as_deref(), Some("DE"));
/// assert_eq!(geo.continent, Some(Continent::Europe));
/// assert_eq!(geo.city.as_deref(), Some("Berlin"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Geo {
    /// ISO 3166-1 alpha-2 code, upper case (`DE`).
    pub country: Option<String>,
    /// The continent.
    pub continent: Option<Continent>,
    /// Region or state, as the platform names it (code or name).
    pub region: Option<String>,
    /// City name.
    pub city: Option<String>,
    /// Latitude in degrees (−90 to 90).
    pub latitude: Option<f64>,
    /// Longitude in degrees (−180 to 180).
    pub longitude: Option<f64>,
    /// Autonomous system number of the visitor's network.
    pub asn: Option<u32>,
}

impl Geo {
    /// Reads the headers `platform` sets. `None` when it set none of them
    /// (or only values that do not parse).
    ///
    /// ```
    /// use edgekit::geo::{Geo, Platform};
    /// let mut headers = edgekit::HeaderMap::new();
    /// headers.insert("x-geo-country", "ZZ".parse().unwrap()); // not a country
    /// assert_eq!(Geo::from_headers(Platform::Generic, &headers), None);
    /// ```
    pub fn from_headers(platform: Platform, headers: &HeaderMap) -> Option<Geo> {
        let names = platform.geo_headers();
        let text = |name: Option<&str>| {
            let value = headers.get(name?)?.to_str().ok()?.trim();
            (!value.is_empty()).then(|| value.to_string())
        };
        let country = text(names.country).and_then(|c| country_code(&c));
        let continent = text(names.continent)
            .and_then(|c| c.parse().ok())
            .or_else(|| country.as_deref().and_then(Continent::of));
        let latitude = text(names.latitude)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| (-90.0..=90.0).contains(v));
        let longitude = text(names.longitude)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| (-180.0..=180.0).contains(v));
        let asn = text(names.asn).and_then(|v| v.trim_start_matches("AS").parse().ok());
        let geo = Geo {
            country,
            continent,
            region: text(names.region),
            city: text(names.city),
            latitude,
            longitude,
            asn,
        };
        (geo != Geo::default()).then_some(geo)
    }
}

/// The upper-case code if `text` is a country the table knows.
fn country_code(text: &str) -> Option<String> {
    let code = text.to_ascii_uppercase();
    Continent::of(&code).map(|_| code)
}

/// The seven continents, by their two-letter codes.
///
/// ```
/// use edgekit::geo::Continent;
/// assert_eq!(Continent::of("BR"), Some(Continent::SouthAmerica));
/// assert_eq!(Continent::Europe.code(), "EU");
/// assert_eq!("oc".parse::<Continent>(), Ok(Continent::Oceania));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Continent {
    /// `AF`
    Africa,
    /// `AN`
    Antarctica,
    /// `AS`
    Asia,
    /// `EU`
    Europe,
    /// `NA`
    NorthAmerica,
    /// `OC`
    Oceania,
    /// `SA`
    SouthAmerica,
}

impl Continent {
    /// All seven, in code order.
    ///
    /// ```
    /// assert_eq!(edgekit::geo::Continent::ALL.len(), 7);
    /// ```
    pub const ALL: [Continent; 7] = [
        Continent::Africa,
        Continent::Antarctica,
        Continent::Asia,
        Continent::Europe,
        Continent::NorthAmerica,
        Continent::Oceania,
        Continent::SouthAmerica,
    ];

    /// The continent of an ISO 3166-1 alpha-2 country code (any case);
    /// `None` for a code that is not a country.
    ///
    /// ```
    /// use edgekit::geo::Continent;
    /// assert_eq!(Continent::of("de"), Some(Continent::Europe));
    /// assert_eq!(Continent::of("XX"), None);
    /// ```
    pub fn of(country: &str) -> Option<Continent> {
        let code: [u8; 2] = country.as_bytes().try_into().ok()?;
        let code = code.map(|b| b.to_ascii_uppercase());
        countries::COUNTRIES
            .binary_search_by_key(&code, |(c, _)| *c)
            .ok()
            .map(|i| countries::COUNTRIES[i].1)
    }

    /// The two-letter code (`EU`).
    ///
    /// ```
    /// assert_eq!(edgekit::geo::Continent::NorthAmerica.code(), "NA");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Continent::Africa => "AF",
            Continent::Antarctica => "AN",
            Continent::Asia => "AS",
            Continent::Europe => "EU",
            Continent::NorthAmerica => "NA",
            Continent::Oceania => "OC",
            Continent::SouthAmerica => "SA",
        }
    }
}

impl std::str::FromStr for Continent {
    type Err = ();

    /// Parses a two-letter code, in any case.
    fn from_str(text: &str) -> Result<Continent, ()> {
        Continent::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(text.trim()))
            .ok_or(())
    }
}

impl fmt::Display for Continent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Continent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests;
