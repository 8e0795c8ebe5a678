//! `--deny-private-egress`: outgoing requests may reach public addresses
//! only, whatever name they use.
//!
//! A guest sees host names, never the addresses they resolve to, so it
//! cannot tell `rebind.example` pointing at `127.0.0.1` from a public site.
//! The host can: it resolves the name itself and refuses the request if any
//! answer is loopback, private, link-local, shared (CGNAT), multicast,
//! unspecified, otherwise reserved or a cloud metadata service, also inside
//! IPv4-mapped, NAT64 and 6to4 IPv6 addresses: `edgekit::net`, the very
//! check a proxying component makes. Plain-HTTP requests are then sent to
//! the address that was checked, so a second DNS answer cannot differ from
//! the first. HTTPS requests are checked the same way, but the TLS connection
//! resolves the name again: a rebinding answer inside that short window is
//! not caught (pinning would need the host's own TLS client).

use std::net::SocketAddr;

use http::Uri;
use http::uri::{Authority, Scheme};
use wasmtime_wasi_http::Error;

/// Resolves `uri`'s host and checks every address. Returns the URI to send:
/// for plain HTTP, addressed to the checked IP (the `host` header keeps the
/// name); for HTTPS, unchanged.
pub(crate) async fn check(uri: &Uri) -> Result<Uri, Error> {
    let host = uri.host().ok_or(Error::HttpRequestUriInvalid)?;
    let https = uri.scheme() == Some(&Scheme::HTTPS);
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    // An address in any spelling (`127.1`, `0x7f000001`, `[::1]`) is judged
    // as written; only a name is resolved.
    let addresses: Vec<SocketAddr> = match edgekit::net::parse_host_address(host) {
        Some(ip) => vec![SocketAddr::new(ip, port)],
        None => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| Error::DnsError {
                rcode: Some(e.to_string()),
                info_code: None,
            })?
            .collect(),
    };
    let first = *addresses.first().ok_or(Error::DestinationNotFound)?;
    if !addresses.iter().all(|a| edgekit::net::is_public(a.ip())) {
        return Err(Error::DestinationIpProhibited);
    }
    if https {
        return Ok(uri.clone());
    }
    let mut parts = uri.clone().into_parts();
    parts.authority =
        Some(Authority::try_from(first.to_string()).map_err(|_| Error::HttpRequestUriInvalid)?);
    Uri::from_parts(parts).map_err(|_| Error::HttpRequestUriInvalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_and_literals_that_reach_inside_are_refused() {
        for uri in [
            "http://localhost/",
            "http://localhost:8080/x",
            "http://127.0.0.1/",
            "http://[::1]:80/",
            "https://localhost/",
            "http://2130706433/",
            "http://0x7f.1:8080/",
            "http://0251.0376.0251.0376/latest/meta-data/",
            "http://[::ffff:a9fe:a9fe]/",
        ] {
            let result = check(&uri.parse().unwrap()).await;
            assert!(
                matches!(result, Err(Error::DestinationIpProhibited)),
                "{uri}: {result:?}"
            );
        }
    }

    #[tokio::test]
    async fn plain_http_is_sent_to_the_checked_address() {
        let pinned = check(&"http://8.8.8.8:8080/a?b=1".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(pinned.to_string(), "http://8.8.8.8:8080/a?b=1");
        let https = check(&"https://[2606:4700:4700::1111]/".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(https.to_string(), "https://[2606:4700:4700::1111]/");
    }
}
