//! [`Part`]: a request body held as the chunks it arrived in, handed to the
//! request as a stream so each chunk is freed once written.

use std::convert::Infallible;

use bytes::Bytes;
use edgekit::Body;
use sha2::{Digest, Sha256};

use crate::hex::hex;

/// Bytes to send, in chunks.
#[derive(Debug, Default)]
pub struct Part {
    chunks: Vec<Bytes>,
    len: usize,
}

impl Part {
    /// Appends a chunk.
    pub fn push(&mut self, chunk: Bytes) {
        if !chunk.is_empty() {
            self.len += chunk.len();
            self.chunks.push(chunk);
        }
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Its first `n` bytes (fewer if it is shorter).
    pub fn head(&self, n: usize) -> Vec<u8> {
        let mut head = Vec::with_capacity(n.min(self.len));
        for chunk in &self.chunks {
            let take = (n - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() == n {
                break;
            }
        }
        head
    }

    /// Hex SHA-256 of the bytes.
    pub fn sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for chunk in &self.chunks {
            hasher.update(chunk);
        }
        hex(&hasher.finalize())
    }

    /// The body of a request: the chunks streamed out one by one, each
    /// dropped once written, so nothing outlives the upload of the part.
    pub fn into_body(self) -> Body {
        match self.chunks.len() {
            0 => Body::empty(),
            1 => Body::from(self.chunks.into_iter().next().unwrap_or_default()),
            _ => Body::from_stream(futures_lite::stream::iter(
                self.chunks.into_iter().map(Ok::<_, Infallible>),
            )),
        }
    }
}

impl From<Bytes> for Part {
    fn from(bytes: Bytes) -> Self {
        let mut part = Part::default();
        part.push(bytes);
        part
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_and_hashes_span_chunks() {
        let mut part = Part::default();
        for chunk in ["ab", "", "cde", "f"] {
            part.push(Bytes::from(chunk));
        }
        assert_eq!(part.len(), 6);
        assert_eq!(part.head(4), b"abcd");
        assert_eq!(part.head(100), b"abcdef");
        assert_eq!(part.sha256(), hex(&Sha256::digest(b"abcdef")));
        assert_eq!(Part::default().len(), 0);
    }
}
