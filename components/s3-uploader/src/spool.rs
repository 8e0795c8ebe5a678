//! [`Spool`]: the bytes between the client and S3. The handler pushes the
//! client's chunks in; a part's request body takes them out as it is
//! written, so reading the next bytes overlaps with sending the previous
//! ones, and every chunk is freed once it is written.
//!
//! Memory is counted in bytes, not chunks: small chunks are copied
//! together into blocks of [`BLOCK`] bytes, so a client sending 1-byte
//! chunks costs what one sending large ones does (each queued entry has a
//! fixed cost, and a small chunk may keep a much larger buffer alive).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use edgekit::Body;

/// Chunks smaller than this are copied into a block of this size.
const BLOCK: usize = 16 * 1024;

/// A queue of chunks shared by the reading side (the handler) and the
/// writing side (a request body, written by the SDK's body task).
#[derive(Clone, Default)]
pub struct Spool {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    chunks: VecDeque<Bytes>,
    /// Small chunks being gathered into a block; behind `chunks`.
    block: Vec<u8>,
    /// Bytes in `chunks` and `block`.
    len: usize,
    /// Reading failed: a body still waiting for bytes fails too, so S3
    /// never takes a short body for a whole one.
    failed: bool,
    /// The reader, waiting for room.
    reader: Option<Waker>,
    /// The body, waiting for bytes.
    writer: Option<Waker>,
}

/// Why a part's body stopped before its length.
#[derive(Debug)]
pub struct Cut;

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the upload stopped before the part was complete")
    }
}

impl std::error::Error for Cut {}

impl Spool {
    /// Bytes queued.
    pub fn len(&self) -> usize {
        self.inner.borrow().len
    }

    /// Queues a chunk and wakes a body waiting for it.
    pub fn push(&self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        let writer = {
            let mut inner = self.inner.borrow_mut();
            inner.len += chunk.len();
            if chunk.len() < BLOCK {
                inner.gather(&chunk);
            } else {
                inner.seal_block();
                inner.chunks.push_back(chunk);
            }
            inner.writer.take()
        };
        if let Some(writer) = writer {
            writer.wake();
        }
    }

    /// Reading failed: a body waiting for bytes ends with an error.
    pub fn fail(&self) {
        let writer = {
            let mut inner = self.inner.borrow_mut();
            inner.failed = true;
            inner.writer.take()
        };
        if let Some(writer) = writer {
            writer.wake();
        }
    }

    /// The first `n` queued bytes (fewer if fewer are queued).
    pub fn head(&self, n: usize) -> Vec<u8> {
        let inner = self.inner.borrow();
        let mut head = Vec::with_capacity(n.min(inner.len));
        let block = [&inner.block[..]];
        for chunk in inner.chunks.iter().map(|c| &c[..]).chain(block) {
            let take = (n - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() == n {
                break;
            }
        }
        head
    }

    /// Resolves once fewer than `limit` bytes are queued.
    pub async fn room(&self, limit: usize) {
        poll_fn(|cx| {
            let mut inner = self.inner.borrow_mut();
            if inner.len < limit {
                Poll::Ready(())
            } else {
                inner.reader = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }

    /// A request body of the next `len` bytes, taken from the front of the
    /// queue as it is written (waiting for bytes not read yet).
    pub fn body(&self, len: u64) -> Body {
        Body::from_stream(Take {
            spool: self.clone(),
            left: len,
        })
    }

    fn take(&self, left: u64, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Cut>>> {
        let (chunk, reader) = {
            let mut inner = self.inner.borrow_mut();
            let Some(mut chunk) = inner.chunks.pop_front().or_else(|| inner.take_block()) else {
                if inner.failed {
                    return Poll::Ready(Some(Err(Cut)));
                }
                inner.writer = Some(cx.waker().clone());
                return Poll::Pending;
            };
            if chunk.len() as u64 > left {
                // `left` is smaller than a chunk, so it fits in a usize.
                let rest = chunk.split_off(left as usize);
                inner.chunks.push_front(rest);
            }
            inner.len -= chunk.len();
            (chunk, inner.reader.take())
        };
        if let Some(reader) = reader {
            reader.wake();
        }
        Poll::Ready(Some(Ok(chunk)))
    }
}

impl Inner {
    /// Copies a small chunk into the block, sealing each full block.
    fn gather(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            if self.block.capacity() == 0 {
                self.block = Vec::with_capacity(BLOCK);
            }
            let take = (BLOCK - self.block.len()).min(chunk.len());
            self.block.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.block.len() == BLOCK {
                self.seal_block();
            }
        }
    }

    /// Queues the block gathered so far behind the chunks.
    fn seal_block(&mut self) {
        if let Some(block) = self.take_block() {
            self.chunks.push_back(block);
        }
    }

    /// The block gathered so far, if any: it is all there is to write when
    /// the chunks before it are gone.
    fn take_block(&mut self) -> Option<Bytes> {
        (!self.block.is_empty()).then(|| Bytes::from(std::mem::take(&mut self.block)))
    }
}

/// The next `left` bytes of a spool, as a stream.
struct Take {
    spool: Spool,
    left: u64,
}

impl futures_lite::Stream for Take {
    type Item = Result<Bytes, Cut>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let polled = this.spool.take(this.left, cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            this.left -= chunk.len() as u64;
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::StreamExt;
    use futures_lite::future::block_on;

    fn spool_of(chunks: &[&'static str]) -> Spool {
        let spool = Spool::default();
        for chunk in chunks {
            spool.push(Bytes::from_static(chunk.as_bytes()));
        }
        spool
    }

    fn take(spool: &Spool, len: u64) -> Take {
        Take {
            spool: spool.clone(),
            left: len,
        }
    }

    #[test]
    fn a_body_takes_exactly_its_length_splitting_a_chunk() {
        let spool = spool_of(&["abc", "", "defg", "h"]);
        assert_eq!(spool.len(), 8);
        assert_eq!(spool.head(5), b"abcde");
        assert_eq!(spool.head(100), b"abcdefgh");
        let first: Vec<Bytes> = block_on(take(&spool, 5).map(Result::unwrap).collect());
        assert_eq!(first.concat(), b"abcde");
        assert_eq!(spool.len(), 3);
        let rest: Vec<Bytes> = block_on(take(&spool, 3).map(Result::unwrap).collect());
        assert_eq!(rest.concat(), b"fgh");
        assert_eq!(spool.len(), 0);
    }

    #[test]
    fn a_body_waits_for_bytes_and_fails_when_reading_failed() {
        let spool = spool_of(&["ab"]);
        let mut body = take(&spool, 4);
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(matches!(body.poll_next(&mut cx), Poll::Ready(Some(Ok(_)))));
        assert!(body.poll_next(&mut cx).is_pending());
        spool.push(Bytes::from("c"));
        assert!(matches!(body.poll_next(&mut cx), Poll::Ready(Some(Ok(c))) if c == "c"));
        spool.fail();
        assert!(matches!(
            body.poll_next(&mut cx),
            Poll::Ready(Some(Err(Cut)))
        ));
    }

    #[test]
    fn tiny_chunks_are_gathered_into_blocks() {
        let spool = Spool::default();
        let data: Vec<u8> = (0..3 * BLOCK + 5).map(|i| i as u8).collect();
        for byte in &data {
            spool.push(Bytes::copy_from_slice(std::slice::from_ref(byte)));
        }
        spool.push(Bytes::from(vec![7u8; BLOCK]));
        spool.push(Bytes::from_static(b"end"));
        {
            let inner = spool.inner.borrow();
            // Three full blocks, the partial one sealed by the large chunk,
            // the large chunk; "end" is still being gathered.
            assert_eq!(inner.chunks.len(), 5);
            assert_eq!(inner.block, b"end");
        }
        assert_eq!(spool.len(), data.len() + BLOCK + 3);
        assert_eq!(spool.head(4), &data[..4]);
        let total = spool.len() as u64;
        let out: Vec<u8> =
            block_on(take(&spool, total).map(Result::unwrap).collect::<Vec<_>>()).concat();
        assert_eq!(&out[..data.len()], &data[..]);
        assert_eq!(&out[data.len()..data.len() + BLOCK], &[7u8; BLOCK][..]);
        assert_eq!(&out[data.len() + BLOCK..], b"end");
        assert_eq!(spool.len(), 0);
    }

    #[test]
    fn room_is_made_as_a_body_takes_bytes() {
        let spool = spool_of(&["abcd", "ef"]);
        let mut room = Box::pin(spool.room(6));
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(room.as_mut().poll(&mut cx).is_pending());
        let mut body = take(&spool, 4);
        assert!(body.poll_next(&mut cx).is_ready());
        assert!(room.as_mut().poll(&mut cx).is_ready());
    }
}
