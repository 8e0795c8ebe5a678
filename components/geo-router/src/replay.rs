//! Keeping a small request body so a failed attempt can be retried on the
//! next origin; a larger one streams once, without failover.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use edgekit::{Body, BodyError, BoxError};
use http_body::{Frame, SizeHint};

/// Request bodies up to this size are kept for failover: enough for forms
/// and API calls, small beside the memory limit.
pub const REPLAY_LIMIT: usize = 64 * 1024;

/// A request body ready to send.
pub enum Replay {
    /// Read whole: can be sent to as many origins as needed.
    Kept(Bytes),
    /// Too large to keep: can be sent once.
    Once(Body),
}

impl Replay {
    /// Reads up to `limit` bytes of `body`; past that, the part read and
    /// the rest stream on as one body.
    pub async fn read(mut body: Body, limit: usize) -> Result<Replay, BodyError> {
        if body.exact_len().is_some_and(|len| len > limit as u64) {
            return Ok(Replay::Once(body));
        }
        let mut kept = BytesMut::new();
        while let Some(chunk) = body.chunk().await? {
            if kept.len() + chunk.len() > limit {
                kept.extend_from_slice(&chunk);
                let rest = Prefixed {
                    prefix: Some(kept.freeze()),
                    rest: body,
                };
                return Ok(Replay::Once(Body::from_http_body(rest)));
            }
            kept.extend_from_slice(&chunk);
        }
        Ok(Replay::Kept(kept.freeze()))
    }
}

/// Bytes already read, then the rest of the body.
struct Prefixed {
    prefix: Option<Bytes>,
    rest: Body,
}

impl http_body::Body for Prefixed {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(prefix) = self.prefix.take() {
            return Poll::Ready(Some(Ok(Frame::data(prefix))));
        }
        Pin::new(&mut self.rest).poll_frame(cx)
    }

    fn size_hint(&self) -> SizeHint {
        let mut hint = self.rest.size_hint();
        let prefix = self.prefix.as_ref().map_or(0, |p| p.len() as u64);
        hint.set_lower(hint.lower() + prefix);
        if let Some(upper) = hint.upper() {
            hint.set_upper(upper + prefix);
        }
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::future::block_on;

    fn chunks(parts: &[&'static str]) -> Body {
        let items: Vec<Result<Bytes, std::io::Error>> = parts
            .iter()
            .map(|p| Ok(Bytes::from_static(p.as_bytes())))
            .collect();
        Body::from_stream(futures_lite::stream::iter(items))
    }

    #[test]
    fn small_bodies_are_kept() {
        match block_on(Replay::read(chunks(&["ab", "cd"]), 4)).unwrap() {
            Replay::Kept(bytes) => assert_eq!(bytes, "abcd"),
            Replay::Once(_) => panic!("a body within the limit is kept"),
        }
    }

    #[test]
    fn large_bodies_stream_once_and_whole() {
        match block_on(Replay::read(chunks(&["ab", "cd", "ef"]), 3)).unwrap() {
            Replay::Once(body) => {
                assert_eq!(block_on(body.text()).unwrap(), "abcdef");
            }
            Replay::Kept(_) => panic!("a body over the limit is not kept"),
        }
        match block_on(Replay::read(Body::from("abcdef"), 3)).unwrap() {
            Replay::Once(body) => assert_eq!(body.exact_len(), Some(6)),
            Replay::Kept(_) => panic!("a known length over the limit is not read"),
        }
    }
}
