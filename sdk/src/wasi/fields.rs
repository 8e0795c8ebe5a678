//! Converting between `http::HeaderMap` and wasi:http `fields`.

use http::header::{HeaderMap, HeaderName, HeaderValue};
use wasip2::http::types::Fields;

/// Headers that WASI hosts refuse (`Host` is set through the authority) or
/// that only mean something for one connection (RFC 9110, 7.6.1).
const NOT_FORWARDED: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "http2-settings",
];

/// Builds wasi `fields` from `headers`, leaving out what a host would refuse.
pub(crate) fn to_fields(headers: &HeaderMap) -> Fields {
    let entries: Vec<(String, Vec<u8>)> = headers
        .iter()
        .filter(|(name, _)| !NOT_FORWARDED.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    Fields::from_list(&entries).unwrap_or_else(|_| {
        // A host may forbid more than the list above: keep every header it
        // accepts rather than failing the whole message.
        let fields = Fields::new();
        for (name, value) in &entries {
            let _ = fields.append(name, value);
        }
        fields
    })
}

/// Copies wasi `fields` into a `HeaderMap`, skipping anything malformed.
pub(crate) fn from_fields(fields: &Fields) -> HeaderMap {
    let entries = fields.entries();
    let mut headers = HeaderMap::with_capacity(entries.len());
    for (name, value) in entries {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value),
        ) {
            headers.append(name, value);
        }
    }
    headers
}
