//! Getting the source: from the origin (`GET`) or the request body
//! (`POST`), read in chunks and refused with `413` the moment it passes
//! `MAX_INPUT_BYTES`, without reading the rest.

use std::time::Instant;

use edgekit::http::header::{CACHE_CONTROL, ETAG};
use edgekit::http::{HeaderValue, Request as HttpRequest};
use edgekit::{Body, Error, FetchErrorKind, Response, StatusCode, fetch_with};

use crate::paths;
use crate::sniff::InputFormat;
use crate::timeouts::{Deadline, Timeouts, timed_out};

/// A `413` for a source over the byte limit.
fn too_large(limit: u64) -> Error {
    Error::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the image is larger than the limit of {limit} bytes"),
    )
}

/// Where a source comes from, for the answers its faults get.
#[derive(Debug, Clone, Copy)]
pub enum Supplier {
    /// The request body: a fault is the client's (`400`, `415`).
    Upload,
    /// The origin: a fault is the origin's (`502`), slowness `504`.
    Origin(Deadline),
}

/// Bytes read before the format is told from them: the longest signature.
const SNIFF_BYTES: usize = 12;

/// Reads `body` whole, up to `limit` bytes. A declared length over the
/// limit is refused before reading; otherwise reading stops at the first
/// chunk past it. Once the first bytes are in, they must start an image
/// in a format the component reads (whatever the `Content-Type` said), or
/// reading stops there. A body that breaks off, or from the origin one
/// still arriving at its deadline, stops reading too.
pub async fn read_capped(mut body: Body, limit: u64, from: Supplier) -> Result<Vec<u8>, Error> {
    let declared = body.exact_len();
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large(limit));
    }
    // With a known length, one allocation of the right size: no doubling,
    // which for a 25 MB source would briefly need twice that.
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
    let mut sniffed = false;
    let mut last = Instant::now();
    loop {
        let chunk = match body.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                let status = match from {
                    Supplier::Upload => StatusCode::BAD_REQUEST,
                    Supplier::Origin(deadline) if deadline.timed_out_since(last) => {
                        return Err(timed_out().with_cause(e.to_string()));
                    }
                    Supplier::Origin(_) => StatusCode::BAD_GATEWAY,
                };
                return Err(
                    Error::new(status, "the image data broke off").with_cause(e.to_string())
                );
            }
        };
        last = Instant::now();
        if let Supplier::Origin(deadline) = from {
            deadline.check()?;
        }
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
        if !sniffed && bytes.len() >= SNIFF_BYTES {
            check_format(&bytes, from)?;
            sniffed = true;
        }
    }
    check_format(&bytes, from)?;
    Ok(bytes)
}

/// The answer for bytes that are no image: `415` for an upload, `502` for
/// the origin (which sent something other than an image).
fn check_format(bytes: &[u8], from: Supplier) -> Result<(), Error> {
    match (InputFormat::sniff(bytes), from) {
        (Some(_), _) => Ok(()),
        (None, Supplier::Upload) => Err(crate::render::not_an_image()),
        (None, Supplier::Origin(_)) => Err(Error::new(
            StatusCode::BAD_GATEWAY,
            "origin: what it sent is not an image in a supported format",
        )),
    }
}

/// The origin's answer, body not yet read.
pub struct Fetched {
    /// The origin's `ETag`, if any.
    pub etag: Option<HeaderValue>,
    /// The origin's `Cache-Control`, if any.
    pub cache_control: Option<HeaderValue>,
    /// The body, to read with [`read_capped`].
    pub body: Body,
    /// When reading it must have finished.
    pub deadline: Deadline,
}

/// Checks a request path (see [`paths::is_unsafe`]) and joins it to the
/// origin.
pub fn origin_url(origin: &str, path: &str) -> Result<String, Error> {
    if paths::is_unsafe(path) {
        return Err(Error::new(
            StatusCode::BAD_REQUEST,
            "path: not a valid image path",
        ));
    }
    Ok(format!("{origin}{path}"))
}

/// Fetches `url` within `timeouts`: `404` stays `404`; an unreachable
/// origin or another status is a `502` (redirects are not followed: the
/// image must be at the path asked for), a slow one `504`. The body is
/// told apart by its bytes, not its `Content-Type`.
pub async fn fetch_origin(url: &str, timeouts: &Timeouts) -> Result<Fetched, Error> {
    let bad_gateway = |why: &str| Error::new(StatusCode::BAD_GATEWAY, format!("origin: {why}"));
    let request = HttpRequest::get(url)
        .body(())
        .map_err(|_| Error::new(StatusCode::BAD_REQUEST, "path: not a valid image path"))?;
    let deadline = timeouts.start();
    let response: Response = fetch_with(request, &timeouts.fetch_options())
        .await
        .map_err(|e| match e.kind() {
            FetchErrorKind::Timeout => timed_out().with_cause(e.to_string()),
            _ => bad_gateway("unreachable").with_cause(e.to_string()),
        })?;
    deadline.check()?;
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
    Ok(Fetched {
        etag: headers.get(ETAG).cloned(),
        cache_control: headers.get(CACHE_CONTROL).cloned(),
        body: response.into_body(),
        deadline,
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
        for bad in ["/../secret.jpg", "/..%5csecret.jpg", "a.jpg"] {
            assert_eq!(
                origin_url("https://o.test", bad).unwrap_err().status(),
                400,
                "{bad}"
            );
        }
    }

    /// `len` bytes that start like a PNG.
    fn png_start(len: usize) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(len, 7);
        bytes
    }

    #[test]
    fn bodies_that_are_no_image_stop_at_their_first_bytes() {
        use futures_lite::future::block_on;
        let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = pulled.clone();
        let chunks = futures_lite::stream::iter((0..10).map(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(b"<html> page ".to_vec())
        }));
        let error = block_on(read_capped(
            Body::from_stream(chunks),
            1000,
            Supplier::Upload,
        ))
        .unwrap_err();
        assert_eq!(error.status(), 415);
        assert_eq!(pulled.load(std::sync::atomic::Ordering::SeqCst), 1);
        let tiny = block_on(read_capped(
            Body::from(b"GIF".to_vec()),
            1000,
            Supplier::Upload,
        ));
        assert_eq!(tiny.unwrap_err().status(), 415);
    }

    #[test]
    fn bodies_are_capped_while_read() {
        use futures_lite::future::block_on;
        let chunks =
            futures_lite::stream::iter((0..10).map(|_| Ok::<_, std::io::Error>(png_start(100))));
        let error = block_on(read_capped(
            Body::from_stream(chunks),
            999,
            Supplier::Upload,
        ))
        .unwrap_err();
        assert_eq!(error.status(), 413);
        let error = block_on(read_capped(
            Body::from(vec![0u8; 1000]),
            999,
            Supplier::Upload,
        ))
        .unwrap_err();
        assert_eq!(error.status(), 413);
        assert_eq!(
            block_on(read_capped(
                Body::from(png_start(999)),
                999,
                Supplier::Upload
            ))
            .unwrap()
            .len(),
            999
        );
    }
}
