//! The header each platform preset carries the country and the client's
//! address in: the SDK reads them; the router names them in `Vary` and
//! checks the country header's raw value. A test keeps the two in step.

use edgekit::geo::Platform;

/// The header `platform` sets to the visitor's country.
pub fn country_header(platform: Platform) -> &'static str {
    match platform {
        Platform::FastEdge => "geoip-country-code",
        Platform::Cloudflare => "cf-ipcountry",
        Platform::Fastly => "x-fastly-country-code",
        Platform::Generic => "x-geo-country",
    }
}

/// The header `platform` sets to the client's address.
pub fn client_ip_header(platform: Platform) -> &'static str {
    match platform {
        Platform::FastEdge => "x-real-ip",
        Platform::Cloudflare => "cf-connecting-ip",
        Platform::Fastly => "fastly-client-ip",
        Platform::Generic => "x-forwarded-for",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgekit::RequestExt;

    #[test]
    fn the_names_are_the_ones_the_sdk_reads() {
        for platform in Platform::ALL {
            let req = http::Request::get("/")
                .header(country_header(platform), "NO")
                .header(client_ip_header(platform), "192.0.2.9")
                .body(())
                .unwrap();
            let geo = req.geo_with(platform).unwrap();
            assert_eq!(geo.country.as_deref(), Some("NO"), "{platform}");
            assert_eq!(
                req.client_ip_with(platform),
                Some([192, 0, 2, 9].into()),
                "{platform}"
            );
            for other in Platform::ALL.into_iter().filter(|&p| p != platform) {
                assert_eq!(req.geo_with(other), None, "{platform} read as {other}");
            }
        }
    }
}
