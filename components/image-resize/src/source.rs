//! Getting the source: from the origin (`GET`) or the request body
//! (`POST`), read in chunks and refused with `413` the moment it passes
//! `MAX_INPUT_BYTES`, without reading the rest.

use std::time::Duration;

use edgekit::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};
use edgekit::http::{HeaderValue, Request as HttpRequest};
use edgekit::{Body, Error, FetchOptions, Response, StatusCode, fetch_with};

/// A `413` for a source over the byte limit.
fn too_large(limit: u64) -> Error {
    Error::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the image is larger than the limit of {limit} bytes"),
    )
}

/// Reads `body` whole, up to `limit` bytes. A declared length over the
/// limit is refused before reading; otherwise reading stops at the first
/// chunk past it. A body that breaks off answers `broken`.
pub async fn read_capped(mut body: Body, limit: u64, broken: StatusCode) -> Result<Vec<u8>, Error> {
    let declared = body.exact_len();
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large(limit));
    }
    // With a known length, one allocation of the right size: no doubling,
    // which for a 25 MB source would briefly need twice that.
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
    loop {
        let chunk = match body.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                return Err(
                    Error::new(broken, "the image data broke off").with_cause(e.to_string())
                );
            }
        };
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The origin's answer, body not yet read.
pub struct Fetched {
    /// The origin's `ETag`, if any.
    pub etag: Option<HeaderValue>,
    /// The origin's `Cache-Control`, if any.
    pub cache_control: Option<HeaderValue>,
    /// The body, to read with [`read_capped`].
    pub body: Body,
}

/// Checks a request path and joins it to the origin. Paths that climb out
/// of the origin's base path (`..`, also percent-encoded) or carry
/// backslashes are refused.
pub fn origin_url(origin: &str, path: &str) -> Result<String, Error> {
    let refused = || Error::new(StatusCode::BAD_REQUEST, "path: not a valid image path");
    if !path.starts_with('/') || path.contains('\\') {
        return Err(refused());
    }
    for segment in path.split('/') {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == ".." || decoded == "." || segment.to_ascii_lowercase().contains("%2f") {
            return Err(refused());
        }
    }
    Ok(format!("{origin}{path}"))
}

/// Fetches `url`: `404` stays `404`; an unreachable origin, another error
/// status or a body that is not an image is a `502`.
pub async fn fetch_origin(url: &str) -> Result<Fetched, Error> {
    let bad_gateway = |why: &str| Error::new(StatusCode::BAD_GATEWAY, format!("origin: {why}"));
    let request = HttpRequest::get(url)
        .body(())
        .map_err(|_| Error::new(StatusCode::BAD_REQUEST, "path: not a valid image path"))?;
    let options = FetchOptions::new()
        .connect_timeout(Duration::from_secs(5))
        .first_byte_timeout(Duration::from_secs(20));
    let response: Response = fetch_with(request, &options)
        .await
        .map_err(|e| bad_gateway("unreachable").with_cause(e.to_string()))?;
    match response.status() {
        StatusCode::NOT_FOUND | StatusCode::GONE => {
            return Err(Error::new(StatusCode::NOT_FOUND, "no image at this path"));
        }
        s if !s.is_success() => {
            return Err(bad_gateway(&format!("answered {}", s.as_u16())));
        }
        _ => {}
    }
    let headers = response.headers();
    if let Some(kind) = headers.get(CONTENT_TYPE) {
        let kind = kind.to_str().unwrap_or("").trim().to_ascii_lowercase();
        if !(kind.starts_with("image/")
            || kind.starts_with("application/octet-stream")
            || kind.is_empty())
        {
            return Err(bad_gateway("the content type is not an image"));
        }
    }
    Ok(Fetched {
        etag: headers.get(ETAG).cloned(),
        cache_control: headers.get(CACHE_CONTROL).cloned(),
        body: response.into_body(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_the_origin_and_cannot_climb_out() {
        assert_eq!(
            origin_url("https://o.test/base", "/a/b.jpg").unwrap(),
            "https://o.test/base/a/b.jpg"
        );
        for bad in [
            "/../secret.jpg",
            "/a/%2E%2E/b.jpg",
            "/a/%2e./b",
            "/a%2fb",
            "/a\\b",
            "a.jpg",
            "/./a",
        ] {
            assert_eq!(
                origin_url("https://o.test", bad).unwrap_err().status(),
                400,
                "{bad}"
            );
        }
    }

    #[test]
    fn bodies_are_capped_while_read() {
        use futures_lite::future::block_on;
        let chunks =
            futures_lite::stream::iter((0..10).map(|_| Ok::<_, std::io::Error>(vec![0u8; 100])));
        let error = block_on(read_capped(
            Body::from_stream(chunks),
            999,
            StatusCode::BAD_REQUEST,
        ))
        .unwrap_err();
        assert_eq!(error.status(), 413);
        let error = block_on(read_capped(
            Body::from(vec![0u8; 1000]),
            999,
            StatusCode::BAD_REQUEST,
        ))
        .unwrap_err();
        assert_eq!(error.status(), 413);
        assert_eq!(
            block_on(read_capped(
                Body::from(vec![7u8; 999]),
                999,
                StatusCode::BAD_REQUEST
            ))
            .unwrap()
            .len(),
            999
        );
    }
}
