//! The answers the router makes itself (redirects, the `451` page) and the
//! headers it adds to every answer.

use edgekit::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION, VARY};
use edgekit::{Body, Error, Response, StatusCode};

use crate::country::Country;
use crate::settings::Settings;

/// The `x-geo-route` header `DEBUG_HEADER=true` adds.
pub const DEBUG_HEADER: &str = "x-geo-route";

/// What the debug header reports.
pub struct Decision<'a> {
    /// The route served (or `blocked`).
    pub route: &'a str,
    /// The visitor's country, if known.
    pub country: Option<Country>,
    /// The rule that chose the route.
    pub via: &'static str,
}

/// Adds `Vary` (appended to any the origin sent), `Cache-Control: private`
/// when asked, and the debug header when enabled.
pub fn decorate(
    mut response: Response,
    settings: &Settings,
    decision: &Decision<'_>,
    private: bool,
) -> Response {
    let vary = settings.vary();
    let headers = response.headers_mut();
    if let Some(value) = vary.and_then(|v| HeaderValue::try_from(v).ok()) {
        headers.append(VARY, value);
        if private {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("private"));
        }
    }
    if settings.debug_header {
        let country = decision.country.as_ref().map_or("unknown", Country::code);
        // `route; country=CC; via=rule`, built without `format!`.
        let mut text = String::with_capacity(decision.route.len() + 40);
        for part in [
            decision.route,
            "; country=",
            country,
            "; via=",
            decision.via,
        ] {
            text.push_str(part);
        }
        if let Ok(value) = HeaderValue::try_from(text) {
            headers.insert(DEBUG_HEADER, value);
        }
    }
    response
}

/// A redirect to `location` with the configured status.
pub fn redirect(settings: &Settings, location: String) -> Result<Response, Error> {
    let location = HeaderValue::try_from(location).map_err(Error::internal)?;
    let mut response = Response::new(Body::empty());
    *response.status_mut() = settings.redirect_status;
    response.headers_mut().insert(LOCATION, location);
    Ok(response)
}

/// `451 Unavailable For Legal Reasons` with the operator's message.
pub fn blocked(settings: &Settings) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Unavailable for legal reasons</title></head><body>\
         <h1>Unavailable for legal reasons</h1><p>{}</p></body></html>\n",
        escape(&settings.block_message)
    );
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// `text` safe inside HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_are_escaped() {
        assert_eq!(
            super::escape("<b>Tom & \"Jerry's\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&#39;s&quot;&lt;/b&gt;"
        );
    }
}
