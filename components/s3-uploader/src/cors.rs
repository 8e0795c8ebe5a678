//! CORS for browser uploads (`CORS_ORIGINS`): preflights answered, and the
//! allowed origin echoed on answers.

use edgekit::http::{HeaderMap, HeaderValue, header};
use edgekit::{Body, Response, StatusCode};

/// The origins allowed (`*` for any).
#[derive(Debug, Clone, Default)]
pub struct Cors {
    origins: Vec<String>,
}

impl Cors {
    /// From `CORS_ORIGINS`; each must be `*` or `scheme://host[:port]`.
    pub fn new(origins: &[String]) -> Result<Self, String> {
        for origin in origins {
            let valid = origin == "*"
                || ((origin.starts_with("https://") || origin.starts_with("http://"))
                    && !origin.ends_with('/')
                    && origin
                        .split("://")
                        .nth(1)
                        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/')));
            if !valid {
                return Err(format!("CORS_ORIGINS has a bad origin: {origin:?}"));
            }
        }
        Ok(Self {
            origins: origins.to_vec(),
        })
    }

    /// The `Access-Control-Allow-Origin` value for a request's `Origin`.
    fn allowed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        if self.origins.iter().any(|o| o == "*") {
            return Some(HeaderValue::from_static("*"));
        }
        let text = origin.to_str().ok()?;
        self.origins
            .iter()
            .any(|o| o == text)
            .then(|| origin.clone())
    }

    /// The answer to a preflight (`OPTIONS` with an `Origin`): `204` with the
    /// CORS headers, or `403` for an origin not listed.
    pub fn preflight(&self, headers: &HeaderMap) -> Response {
        let Some(origin) = self.allowed_origin(headers) else {
            let mut response = Response::new(Body::from("origin not allowed"));
            *response.status_mut() = StatusCode::FORBIDDEN;
            return response;
        };
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let out = response.headers_mut();
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("PUT, POST, OPTIONS"),
        );
        out.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        out.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        out.insert(header::VARY, HeaderValue::from_static("Origin"));
        response
    }

    /// Adds the CORS headers to an answer for an allowed origin.
    pub fn decorate(&self, request: &HeaderMap, response: &mut Response) {
        if let Some(origin) = self.allowed_origin(request) {
            let out = response.headers_mut();
            out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            out.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, value.parse().unwrap());
        headers
    }

    #[test]
    fn listed_origins_get_a_preflight_answer() {
        let cors = Cors::new(&["https://app.example".into()]).unwrap();
        let response = cors.preflight(&origin("https://app.example"));
        assert_eq!(response.status(), 204);
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example"
        );
        assert_eq!(
            cors.preflight(&origin("https://evil.example")).status(),
            403
        );
        assert_eq!(cors.preflight(&HeaderMap::new()).status(), 403);
    }

    #[test]
    fn bad_origins_are_configuration_errors() {
        assert!(Cors::new(&["app.example".into()]).is_err());
        assert!(Cors::new(&["https://app.example/".into()]).is_err());
        assert!(Cors::new(&["*".into(), "http://localhost:3000".into()]).is_ok());
    }
}
