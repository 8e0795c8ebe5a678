//! [`Body`]: the body of a request or response, buffered or streaming.

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::{Body as _, Frame, SizeHint};
use serde::de::DeserializeOwned;
use wasip2::io::streams::OutputStream;

use crate::body_error::BodyError;
use crate::wasi::IncomingStream;
use crate::wasi::stream::{self, CopyError};
use crate::wasi::wait::{Wait, Yield};

/// The cap that [`Body::bytes`], [`Body::text`] and [`Body::json`] apply
/// unless [`Body::limit`] sets another: 1 MiB.
pub const DEFAULT_LIMIT: usize = 1024 * 1024;

/// A boxed error, as streaming bodies report them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of a [`Request`](crate::Request) or [`Response`](crate::Response).
///
/// A body is either buffered (built from a string or bytes) or streaming
/// (the incoming request, a fetched response, or a [`Stream`] you provide).
/// Reading it whole always goes through a cap, so a client cannot make the
/// component allocate without bound:
///
/// ```no_run
/// # async fn f(req: edgekit::Request) -> Result<(), edgekit::Error> {
/// let small = req.into_body().limit(64 * 1024).text().await?; // 413 above 64 KiB
/// # Ok(()) }
/// ```
///
/// It implements [`http_body::Body`], so it works with the wider `http`
/// ecosystem.
pub struct Body {
    kind: Kind,
    limit: usize,
}

enum Kind {
    Empty,
    Full(Bytes),
    Incoming(Incoming),
    Stream(Pin<Box<dyn StreamBody>>),
}

/// A body arriving over WASI, with how much of its `Content-Length` is
/// left to read when it had one.
struct Incoming {
    stream: IncomingStream,
    len: Option<u64>,
}

impl Body {
    /// An empty body.
    ///
    /// ```
    /// let body = edgekit::Body::empty();
    /// assert_eq!(body.exact_len(), Some(0));
    /// ```
    pub fn empty() -> Self {
        Self::with_kind(Kind::Empty)
    }

    /// A streaming body from a [`Stream`] of chunks, written out as they come.
    ///
    /// ```no_run
    /// let chunks = futures_lite::stream::iter(["a", "b"].map(Ok::<_, std::io::Error>));
    /// let body = edgekit::Body::from_stream(chunks);
    /// ```
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        Self::with_kind(Kind::Stream(Box::pin(FromStream(Box::pin(stream)))))
    }

    /// A streaming body from any [`http_body::Body`].
    ///
    /// ```no_run
    /// let body = edgekit::Body::from_http_body(String::from("hi"));
    /// ```
    pub fn from_http_body<B>(body: B) -> Self
    where
        B: http_body::Body + 'static,
        B::Data: Into<Bytes>,
        B::Error: Into<BoxError>,
    {
        Self::with_kind(Kind::Stream(Box::pin(FromHttpBody(Box::pin(body)))))
    }

    pub(crate) fn incoming(stream: IncomingStream, len: Option<u64>) -> Self {
        Self::with_kind(Kind::Incoming(Incoming { stream, len }))
    }

    fn with_kind(kind: Kind) -> Self {
        Self {
            kind,
            limit: DEFAULT_LIMIT,
        }
    }

    /// Sets the cap (in bytes) for reading this body whole with
    /// [`bytes`](Self::bytes), [`text`](Self::text) or [`json`](Self::json).
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) -> Result<(), edgekit::Error> {
    /// let upload = req.into_body().limit(10 << 20).bytes().await?;
    /// # Ok(()) }
    /// ```
    pub fn limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// The body's exact length when it is known up front: buffered bodies,
    /// and incoming ones that carried a `Content-Length`.
    ///
    /// ```
    /// assert_eq!(edgekit::Body::from("hello").exact_len(), Some(5));
    /// ```
    pub fn exact_len(&self) -> Option<u64> {
        http_body::Body::size_hint(self).exact()
    }

    /// Reads the whole body, failing with `413 Payload Too Large` past the
    /// cap (1 MiB unless [`limit`](Self::limit) says otherwise).
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) -> Result<(), edgekit::Error> {
    /// let bytes = req.into_body().bytes().await?;
    /// # Ok(()) }
    /// ```
    pub async fn bytes(mut self) -> Result<Bytes, BodyError> {
        let limit = self.limit;
        if let Kind::Full(bytes) = &mut self.kind {
            return match bytes.len() > limit {
                true => Err(BodyError::too_large(limit)),
                false => Ok(std::mem::take(bytes)),
            };
        }
        if self.exact_len().is_some_and(|len| len > limit as u64) {
            return Err(BodyError::too_large(limit));
        }
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if buf.len() + chunk.len() > limit {
                return Err(BodyError::too_large(limit));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }

    /// Reads the whole body as UTF-8 text (capped like [`bytes`](Self::bytes));
    /// invalid UTF-8 is a `400 Bad Request`.
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) -> Result<(), edgekit::Error> {
    /// let text = req.into_body().text().await?;
    /// # Ok(()) }
    /// ```
    pub async fn text(self) -> Result<String, BodyError> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into()).map_err(|_| BodyError::invalid_utf8())
    }

    /// Reads the whole body as JSON into `T` (capped like
    /// [`bytes`](Self::bytes)). Malformed JSON is a `400 Bad Request`; the
    /// errors of this method answer in JSON: `{"error": "..."}`.
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) -> Result<(), edgekit::Error> {
    /// let value: serde_json::Value = req.into_body().json().await?;
    /// # Ok(()) }
    /// ```
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, BodyError> {
        let bytes = self.bytes().await.map_err(BodyError::in_json)?;
        serde_json::from_slice(&bytes).map_err(|e| BodyError::invalid_json(&e))
    }

    /// The next chunk of the body, or `None` at its end. Use it to process a
    /// large body piece by piece without holding it whole.
    ///
    /// It is cancel-safe: a `chunk()` dropped while it waits (by
    /// [`timeout`](crate::timeout), say) has taken nothing from the body,
    /// and the body itself may be dropped at any point.
    ///
    /// ```no_run
    /// # async fn f(req: edgekit::Request) -> Result<(), edgekit::Error> {
    /// let mut body = req.into_body();
    /// let mut total = 0;
    /// while let Some(chunk) = body.chunk().await? {
    ///     total += chunk.len();
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, BodyError> {
        loop {
            match poll_fn(|cx| Pin::new(&mut *self).poll_frame(cx)).await {
                None => return Ok(None),
                Some(Err(e)) => return Err(BodyError::read(&*e)),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }

    /// Writes the body into a WASI output stream, then flushes it.
    pub(crate) async fn write_to<W: Wait>(self, out: &OutputStream) -> Result<(), CopyError> {
        match self.kind {
            Kind::Empty => return Ok(()),
            Kind::Full(bytes) => return W::write_and_flush(out, &bytes).await,
            Kind::Incoming(mut incoming) => {
                let input = incoming.stream.stream().ok_or_else(unavailable)?;
                match incoming.len {
                    Some(len) => stream::splice_exact::<W>(out, input, len).await?,
                    None => stream::copy_all::<W>(out, input).await?,
                }
            }
            Kind::Stream(body) => W::write_stream(body, out).await?,
        }
        stream::flush::<W>(out).await
    }
}

fn poll_incoming(
    incoming: &mut Incoming,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Bytes, BoxError>>> {
    // With a known length, the body ends after it: the peer may close the
    // connection without ever signalling the end of the stream.
    if incoming.len == Some(0) {
        return Poll::Ready(None);
    }
    match ready!(incoming.stream.poll_read(cx)) {
        Ok(Some(chunk)) => {
            if let Some(len) = &mut incoming.len {
                *len = len.saturating_sub(chunk.len() as u64);
            }
            Poll::Ready(Some(Ok(chunk)))
        }
        Ok(None) => Poll::Ready(None),
        Err(e) => Poll::Ready(Some(Err(e.into()))),
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match &mut this.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(bytes) => {
                let bytes = std::mem::take(bytes);
                this.kind = Kind::Empty;
                Poll::Ready((!bytes.is_empty()).then(|| Ok(Frame::data(bytes))))
            }
            Kind::Incoming(incoming) => {
                poll_incoming(incoming, cx).map(|c| c.map(|c| c.map(Frame::data)))
            }
            Kind::Stream(body) => body.as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(bytes) => bytes.is_empty(),
            Kind::Incoming(_) => false,
            Kind::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Kind::Incoming(Incoming { len: Some(len), .. }) => SizeHint::with_exact(*len),
            Kind::Incoming(_) => SizeHint::default(),
            Kind::Stream(body) => body.size_hint(),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::Empty => "empty",
            Kind::Full(_) => "buffered",
            Kind::Incoming(_) => "incoming",
            Kind::Stream(_) => "stream",
        };
        f.debug_struct("Body")
            .field("kind", &kind)
            .field("exact_len", &self.exact_len())
            .finish()
    }
}

macro_rules! body_from_buffer {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Body {
            fn from(value: $ty) -> Self {
                Self::with_kind(Kind::Full(Bytes::from(value)))
            }
        }
    )*};
}
body_from_buffer!(Bytes, String, Vec<u8>, &'static str, &'static [u8]);

impl From<()> for Body {
    fn from(_: ()) -> Self {
        Self::empty()
    }
}

/// A streaming body behind a pointer, so the code that writes it is only
/// linked into components that build one.
pub(crate) trait StreamBody: http_body::Body<Data = Bytes, Error = BoxError> {
    /// Writes the whole body from a sync handler, running the async reactor.
    fn write_blocking(self: Pin<Box<Self>>, out: &OutputStream) -> Result<(), CopyError>;
}

impl<B: http_body::Body<Data = Bytes, Error = BoxError> + 'static> StreamBody for B {
    fn write_blocking(self: Pin<Box<Self>>, out: &OutputStream) -> Result<(), CopyError> {
        let body: Pin<Box<dyn StreamBody>> = self;
        crate::wasi::wait::block_on(write_stream::<Yield>(body, out))
    }
}

fn unavailable() -> CopyError {
    CopyError::Source("the body is unavailable".into())
}

/// Writes every data frame of a streaming body, as it arrives.
pub(crate) async fn write_stream<W: Wait>(
    mut body: Pin<Box<dyn StreamBody>>,
    out: &OutputStream,
) -> Result<(), CopyError> {
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| CopyError::Source(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            stream::write_all::<W>(out, &data).await?;
        }
    }
    Ok(())
}

struct FromStream<S>(Pin<Box<S>>);

impl<S, B, E> http_body::Body for FromStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(|b| Frame::data(b.into())).map_err(Into::into)))
    }
}

struct FromHttpBody<B>(Pin<Box<B>>);

impl<B> http_body::Body for FromHttpBody<B>
where
    B: http_body::Body,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.0
            .as_mut()
            .poll_frame(cx)
            .map(|frame| frame.map(|r| r.map(|f| f.map_data(Into::into)).map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use futures_lite::future::block_on;

    use super::*;

    #[test]
    fn whole_reads_respect_the_cap() {
        let body = Body::from(vec![b'a'; 10]);
        assert_eq!(block_on(body.limit(10).bytes()).unwrap().len(), 10);
        let error = block_on(Body::from(vec![b'a'; 11]).limit(10).bytes()).unwrap_err();
        assert!(error.is_too_large());
        assert_eq!(error.status(), 413);
        assert_eq!(DEFAULT_LIMIT, 1 << 20);
        assert!(block_on(Body::from(vec![0u8; DEFAULT_LIMIT + 1]).bytes()).is_err());
    }

    #[test]
    fn a_stream_is_capped_as_it_arrives() {
        let chunks =
            futures_lite::stream::iter((0..5).map(|_| Ok::<_, std::io::Error>(vec![1u8; 4])));
        let body = Body::from_stream(chunks);
        assert_eq!(body.exact_len(), None);
        assert!(block_on(body.limit(19).bytes()).unwrap_err().is_too_large());
        let chunks =
            futures_lite::stream::iter((0..5).map(|_| Ok::<_, std::io::Error>(vec![1u8; 4])));
        assert_eq!(
            block_on(Body::from_stream(chunks).limit(20).bytes())
                .unwrap()
                .len(),
            20
        );
    }

    #[test]
    fn text_and_json_reject_bad_input_with_400() {
        let error = block_on(Body::from(vec![0xff]).text()).unwrap_err();
        assert_eq!(error.status(), 400);
        let error = block_on(Body::from("{").json::<serde_json::Value>()).unwrap_err();
        assert_eq!(error.status(), 400);
        assert!(error.to_string().starts_with("invalid JSON"));
        let value: serde_json::Value = block_on(Body::from(r#"{"a":1}"#).json()).unwrap();
        assert_eq!(value["a"], 1);
    }

    #[test]
    fn chunks_come_in_order_and_end() {
        let chunks = futures_lite::stream::iter(["ab", "", "cd"].map(Ok::<_, std::io::Error>));
        let mut body = Body::from_stream(chunks);
        let mut seen = Vec::new();
        while let Some(chunk) = block_on(body.chunk()).unwrap() {
            seen.push(chunk);
        }
        assert_eq!(seen.concat(), b"abcd");
    }
}
