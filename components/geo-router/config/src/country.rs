//! [`Country`]: an upper-case ISO 3166-1 alpha-2 code that the SDK's
//! country→continent table knows.

use std::fmt;

use edgekit::geo::Continent;
use serde::{Deserialize, Deserializer, de};

/// A country, with its continent from the SDK's table.
///
/// Only exact upper-case codes are countries: platforms always send them
/// that way, so `de` or ` DE` is treated as malformed, not guessed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    code: [u8; 2],
    continent: Continent,
}

impl Country {
    /// `text` as a country, if it is exactly an upper-case code the table knows.
    pub fn parse(text: &str) -> Option<Country> {
        let code: [u8; 2] = text.as_bytes().try_into().ok()?;
        if !code.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        let continent = Continent::of(text)?;
        Some(Country { code, continent })
    }

    /// Like [`parse`](Self::parse), with the reason when `text` is not a
    /// country (for configuration errors).
    pub fn read(text: &str) -> Result<Country, String> {
        Country::parse(text).ok_or_else(|| {
            format!("{text:?} is not an upper-case ISO 3166-1 country code such as DE")
        })
    }

    /// The two-letter code.
    pub fn code(&self) -> &str {
        // Two ASCII upper-case letters, checked in `parse`.
        std::str::from_utf8(&self.code).unwrap_or_default()
    }

    /// The continent the SDK's table places it on.
    pub fn continent(self) -> Continent {
        self.continent
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Country, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Country::read(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_upper_case_known_codes_are_countries() {
        let de = Country::parse("DE").unwrap();
        assert_eq!(de.code(), "DE");
        assert_eq!(de.continent(), Continent::Europe);
        assert_eq!(Country::parse("NA").unwrap().continent(), Continent::Africa);
        for bad in [
            "de", "De", " DE", "DE ", "DEU", "D", "", "XX", "EU", "T1", "ÄÖ",
        ] {
            assert_eq!(Country::parse(bad), None, "{bad:?}");
        }
    }
}
