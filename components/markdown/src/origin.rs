//! Fetching from the origin, following its redirects only to its own host.

use edgekit::http::{HeaderMap, Request, StatusCode, header};
use edgekit::{FetchError, Response, fetch_with};
use url::Url;

use crate::timeouts::{Deadline, Timeouts};

/// Why the origin gave no usable response.
#[derive(Debug)]
pub enum OriginError {
    /// It could not be reached (or timed out).
    Unreachable(FetchError),
    /// A redirect pointed to another host, or to something not HTTP(S).
    OffOrigin(String),
    /// A redirect led back to a URL already visited.
    Loop(String),
    /// More redirects than `MAX_REDIRECTS`.
    TooManyRedirects(u32),
    /// A redirect without a usable `Location`.
    BadRedirect,
    /// The fetch took longer than `TOTAL_TIMEOUT`.
    TooSlow,
}

impl OriginError {
    /// The status the client gets: `504` for a timeout, `502` otherwise.
    pub fn status(&self) -> StatusCode {
        match self {
            OriginError::Unreachable(e) => e.status(),
            OriginError::TooSlow => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        }
    }
}

impl std::fmt::Display for OriginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginError::Unreachable(e) => write!(f, "origin unreachable: {e}"),
            OriginError::OffOrigin(to) => write!(f, "redirect off the origin host to {to}"),
            OriginError::Loop(to) => write!(f, "redirect loop at {to}"),
            OriginError::TooManyRedirects(n) => write!(f, "more than {n} redirects"),
            OriginError::BadRedirect => write!(f, "redirect without a valid Location"),
            OriginError::TooSlow => write!(f, "over the total timeout"),
        }
    }
}

/// A response from the origin and the URL it finally came from.
pub struct Fetched {
    /// The origin's response (its body still streaming).
    pub response: Response,
    /// The URL after redirects.
    pub url: Url,
    /// When reading the body must have finished.
    pub deadline: Deadline,
}

/// `GET url` with `headers`, following up to `max_redirects` redirects as
/// long as each stays on `origin`'s host and port, all within `timeouts`.
pub async fn get(
    origin: &Url,
    url: Url,
    headers: &HeaderMap,
    max_redirects: u32,
    timeouts: &Timeouts,
) -> Result<Fetched, OriginError> {
    let deadline = timeouts.start();
    let mut visited = vec![url.clone()];
    let mut url = url;
    loop {
        let mut request = Request::get(url.as_str());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request
            .body(())
            .map_err(|_| OriginError::OffOrigin(url.to_string()))?;
        let response = fetch_with(request, &timeouts.fetch_options())
            .await
            .map_err(OriginError::Unreachable)?;
        if deadline.check().is_err() {
            return Err(OriginError::TooSlow);
        }
        if !response.status().is_redirection() || response.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched {
                response,
                url,
                deadline,
            });
        }
        let next = next_url(&url, response.headers().get(header::LOCATION))?;
        if !same_origin(origin, &next) {
            return Err(OriginError::OffOrigin(next.to_string()));
        }
        if visited.contains(&next) {
            return Err(OriginError::Loop(next.to_string()));
        }
        if visited.len() > max_redirects as usize {
            return Err(OriginError::TooManyRedirects(max_redirects));
        }
        visited.push(next.clone());
        url = next;
    }
}

/// Where a redirect points, resolved against the URL that answered it.
fn next_url(
    current: &Url,
    location: Option<&edgekit::http::HeaderValue>,
) -> Result<Url, OriginError> {
    let location = location
        .and_then(|l| l.to_str().ok())
        .ok_or(OriginError::BadRedirect)?;
    current.join(location).map_err(|_| OriginError::BadRedirect)
}

/// Same scheme family (HTTP or HTTPS), host and port as the origin.
///
/// ```
/// use markdown::origin::same_origin;
/// let origin = url::Url::parse("https://docs.example/site/").unwrap();
/// assert!(same_origin(&origin, &url::Url::parse("https://docs.example/other").unwrap()));
/// assert!(!same_origin(&origin, &url::Url::parse("https://evil.example/").unwrap()));
/// ```
pub fn same_origin(origin: &Url, url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
        && url.host_str() == origin.host_str()
        && url.port_or_known_default() == origin.port_or_known_default()
}

/// The origin URL for a request path: the origin's own path prefix, then
/// `path` (already checked by [`crate::paths::is_unsafe`]).
///
/// ```
/// use markdown::origin::url_for;
/// let origin = url::Url::parse("https://raw.example/user/repo/main/").unwrap();
/// assert_eq!(url_for(&origin, "/docs/a.md").unwrap().as_str(), "https://raw.example/user/repo/main/docs/a.md");
/// ```
pub fn url_for(origin: &Url, path: &str) -> Option<Url> {
    let base = origin.as_str().split(['?', '#']).next().unwrap_or("");
    Url::parse(&format!("{}{}", base.trim_end_matches('/'), path)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn redirects_resolve_relative_to_the_current_url() {
        let value = edgekit::http::HeaderValue::from_static("../b.md");
        let next = next_url(&url("http://o.test/x/y/a.md"), Some(&value)).unwrap();
        assert_eq!(next.as_str(), "http://o.test/x/b.md");
        assert!(next_url(&url("http://o.test/"), None).is_err());
    }

    #[test]
    fn only_the_origin_host_and_port_count() {
        let origin = url("http://o.test:8080/base");
        assert!(same_origin(&origin, &url("http://o.test:8080/elsewhere")));
        assert!(!same_origin(&origin, &url("http://o.test/")));
        assert!(!same_origin(&origin, &url("http://x.o.test:8080/")));
        assert!(!same_origin(&origin, &url("ftp://o.test:8080/")));
    }

    #[test]
    fn origin_paths_keep_the_prefix_and_drop_the_query() {
        let origin = url("http://o.test/site?token=1");
        assert_eq!(
            url_for(&origin, "/README.md").unwrap().as_str(),
            "http://o.test/site/README.md"
        );
        let root = url("http://o.test");
        assert_eq!(
            url_for(&root, "/a%20b.md").unwrap().as_str(),
            "http://o.test/a%20b.md"
        );
    }
}
