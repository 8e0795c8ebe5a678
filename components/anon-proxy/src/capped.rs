//! `MAX_RESPONSE_BYTES`, enforced while the response streams.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use edgekit::{Body, BoxError};
use http_body::{Frame, SizeHint};

/// A body that fails once more than `limit` bytes came through. The SDK then
/// stops the response short of its end (the client sees a broken transfer,
/// never a silently truncated "complete" file) and logs the error.
pub struct Capped {
    inner: Body,
    left: u64,
    limit: u64,
}

impl Capped {
    /// Caps `inner` at `limit` bytes.
    pub fn new(inner: Body, limit: u64) -> Capped {
        Capped {
            inner,
            left: limit,
            limit,
        }
    }
}

impl http_body::Body for Capped {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let frame = match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            other => return other,
        };
        if let Some(data) = frame.data_ref() {
            let len = data.len() as u64;
            if len > this.left {
                let limit = this.limit;
                return Poll::Ready(Some(Err(format!(
                    "the target's response passed MAX_RESPONSE_BYTES ({limit} bytes) and was cut"
                )
                .into())));
            }
            this.left -= len;
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        futures_lite::future::block_on(future)
    }

    fn chunks(sizes: &[usize]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = sizes
            .iter()
            .map(|&n| Ok(Bytes::from(vec![7u8; n])))
            .collect();
        Body::from_stream(futures_lite::stream::iter(chunks))
    }

    #[test]
    fn a_body_within_the_limit_passes_whole() {
        let collected = block_on(Capped::new(chunks(&[3, 4, 3]), 10).collect()).unwrap();
        assert_eq!(collected.to_bytes().len(), 10);
    }

    #[test]
    fn a_body_past_the_limit_fails_at_the_chunk_that_crosses_it() {
        let mut body = Capped::new(chunks(&[6, 4, 1, 9]), 10);
        let mut passed = 0;
        let error = block_on(async {
            loop {
                match body.frame().await {
                    Some(Ok(frame)) => passed += frame.into_data().unwrap().len(),
                    Some(Err(e)) => return e.to_string(),
                    None => panic!("the body should have been cut"),
                }
            }
        });
        assert_eq!(passed, 10);
        assert!(error.contains("MAX_RESPONSE_BYTES (10 bytes)"), "{error}");
    }
}
