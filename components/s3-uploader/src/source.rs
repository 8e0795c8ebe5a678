//! Where upload bytes come from: the request body, or the file field of a
//! form, read one chunk at a time.

use bytes::Bytes;
use edgekit::{Body, StatusCode};

/// A failure while reading the client's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What to answer (`400` malformed form, `413` too large, ...).
    pub status: StatusCode,
    /// What to tell the client.
    pub message: String,
}

impl ReadError {
    /// A `400 Bad Request` with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

/// A stream of chunks, ending with `Ok(None)`.
pub trait Source {
    /// The next chunk.
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, ReadError>>;
}

impl Source for Body {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, ReadError> {
        // A client that went away or broke the framing. The host's words
        // for it are its own business: the client gets a fixed message.
        self.chunk().await.map_err(|error| ReadError {
            status: error.status(),
            message: match error.status() {
                StatusCode::PAYLOAD_TOO_LARGE => "the upload is larger than the limit",
                _ => "the upload could not be read to its end",
            }
            .to_owned(),
        })
    }
}

#[cfg(test)]
pub mod test_support {
    use super::*;

    /// Chunks from memory, for tests.
    pub struct Chunks(pub std::collections::VecDeque<Bytes>);

    impl Chunks {
        /// `data` cut into `size`-byte chunks.
        pub fn of(data: &[u8], size: usize) -> Self {
            Self(
                data.chunks(size.max(1))
                    .map(Bytes::copy_from_slice)
                    .collect(),
            )
        }
    }

    impl Source for Chunks {
        async fn next_chunk(&mut self) -> Result<Option<Bytes>, ReadError> {
            Ok(self.0.pop_front())
        }
    }
}
