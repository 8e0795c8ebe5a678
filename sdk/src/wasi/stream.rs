//! Reading `input-stream`s and writing `output-stream`s by the wasi:http rules:
//! never write more than `check-write` allows, wait on backpressure, and
//! drop every stream before the body that owns it.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use wasip2::http::types::{IncomingBody, IncomingRequest, IncomingResponse, OutgoingBody};
use wasip2::io::streams::{InputStream, OutputStream, StreamError};

use super::log::log_error;
use super::wait::{Registered, Wait};
use crate::Body;

/// How much one read asks for: large enough to amortise the call, small
/// enough to keep a streaming body's memory flat.
pub(crate) const READ_CHUNK: u64 = 256 * 1024;

/// The owner of an incoming body: kept alive until the body is dropped.
pub(crate) enum Parent {
    Request(IncomingRequest),
    Response(IncomingResponse),
}

/// An incoming body (of the request, or of a fetched response), opened the
/// first time it is read: a handler that never reads it costs no WASI calls.
pub(crate) struct IncomingStream {
    state: State,
}

enum State {
    Unopened(Parent),
    Open(Open),
    Unavailable,
}

/// An opened body. Fields drop in declaration order, which is the order
/// WASI requires of child resources: a pending read's pollable before the
/// stream, the stream before the body, the body before its parent. So a
/// body dropped in the middle of a read (a timeout, a `select`, an early
/// answer) never traps the component.
struct Open {
    waiting: Option<Registered>,
    stream: InputStream,
    _body: IncomingBody,
    _parent: Parent,
}

impl IncomingStream {
    pub(crate) fn new(parent: Parent) -> Self {
        Self {
            state: State::Unopened(parent),
        }
    }

    /// The opened body, on first use; `None` when WASI refuses it.
    fn open(&mut self) -> Option<&mut Open> {
        if matches!(self.state, State::Unopened(_))
            && let State::Unopened(parent) = std::mem::replace(&mut self.state, State::Unavailable)
        {
            let body = match &parent {
                Parent::Request(request) => request.consume(),
                Parent::Response(response) => response.consume(),
            };
            if let Ok((body, stream)) =
                body.and_then(|body| body.stream().map(|stream| (body, stream)))
            {
                self.state = State::Open(Open {
                    waiting: None,
                    stream,
                    _body: body,
                    _parent: parent,
                });
            }
        }
        match &mut self.state {
            State::Open(open) => Some(open),
            _ => None,
        }
    }

    /// The stream, opened on first use; `None` when WASI refuses it.
    pub(crate) fn stream(&mut self) -> Option<&InputStream> {
        self.open().map(|open| &open.stream)
    }

    /// The next chunk, `None` at the end of the stream; while nothing has
    /// arrived, the reactor wakes the task when something does.
    pub(crate) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Bytes>, String>> {
        let Some(open) = self.open() else {
            return Poll::Ready(Err("the body is unavailable".into()));
        };
        loop {
            if let Some(waiting) = &mut open.waiting {
                ready!(Pin::new(waiting).poll(cx));
                open.waiting = None;
            }
            match try_read(&open.stream) {
                Ok(Some(chunk)) if chunk.is_empty() => {
                    open.waiting = Some(Registered::new(open.stream.subscribe()));
                }
                read => return Poll::Ready(read),
            }
        }
    }
}

/// Writes `body` into `outgoing` and finishes it, or leaves it unfinished
/// when it could not be written whole: that tells the host the message is
/// broken, so nobody takes a truncated body for a whole one. `what` names
/// the body in the log ("request", "response").
pub(crate) async fn send_body<W: Wait>(outgoing: OutgoingBody, body: Body, what: &str) {
    let Ok(stream) = outgoing.write() else {
        return;
    };
    let written = body.write_to::<W>(&stream).await;
    // Rule: the stream is a child of the body and must be dropped first.
    drop(stream);
    match written {
        // The error code's `Debug` is left out: it would add kilobytes to
        // every component for a message that only says "body size".
        Ok(()) => {
            if OutgoingBody::finish(outgoing, None).is_err() {
                log_error!("finishing the {what} body failed (was its Content-Length wrong?)");
            }
        }
        Err(e) => log_error!("the {what} body was cut short: {e}"),
    }
}

/// Why copying a body into an output stream stopped.
#[derive(Debug)]
pub(crate) enum CopyError {
    /// The source failed (a client that went away, a broken origin).
    Source(String),
    /// The destination refused more data.
    Destination(StreamError),
}

impl std::fmt::Display for CopyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CopyError::Source(e) => write!(f, "reading the body failed: {e}"),
            CopyError::Destination(e) => write!(f, "writing the body failed: {e}"),
        }
    }
}

fn describe(error: StreamError) -> String {
    match error {
        StreamError::Closed => "stream closed".into(),
        StreamError::LastOperationFailed(e) => e.to_debug_string(),
    }
}

/// Writes all of `data`, at most `check-write` bytes per call.
pub(crate) async fn write_all<W: Wait>(
    out: &OutputStream,
    mut data: &[u8],
) -> Result<(), CopyError> {
    while !data.is_empty() {
        let permit = out.check_write().map_err(CopyError::Destination)?;
        if permit == 0 {
            W::wait(out.subscribe()).await;
            continue;
        }
        let n = usize::try_from(permit)
            .unwrap_or(usize::MAX)
            .min(data.len());
        out.write(&data[..n]).map_err(CopyError::Destination)?;
        data = &data[n..];
    }
    Ok(())
}

/// Flushes `out` and waits until the flush completed.
///
/// A stream closed by then counts as flushed: everything was written, and a
/// reader that knows the body's length (a `Content-Length` response under
/// `wasmtime serve`, an S3 server) stops reading once it has it.
///
/// Not `blocking-flush`: one call fewer, but jco's implementation of it
/// breaks the request's input stream.
pub(crate) async fn flush<W: Wait>(out: &OutputStream) -> Result<(), CopyError> {
    let flushed = match out.flush() {
        Ok(()) => {
            W::wait(out.subscribe()).await;
            out.check_write().map(drop)
        }
        Err(e) => Err(e),
    };
    match flushed {
        Ok(()) | Err(StreamError::Closed) => Ok(()),
        Err(e) => Err(CopyError::Destination(e)),
    }
}

/// Writes all of `data`, then flushes.
pub(crate) async fn write_all_and_flush<W: Wait>(
    out: &OutputStream,
    data: &[u8],
) -> Result<(), CopyError> {
    write_all::<W>(out, data).await?;
    flush::<W>(out).await
}

/// Copies everything from `input` to `out`, a chunk at a time through guest
/// memory, so a body of any size and unknown length passes through in
/// constant memory.
pub(crate) async fn copy_all<W: Wait>(
    out: &OutputStream,
    input: &InputStream,
) -> Result<(), CopyError> {
    loop {
        match input.read(READ_CHUNK) {
            Ok(chunk) if chunk.is_empty() => W::wait(input.subscribe()).await,
            Ok(chunk) => write_all::<W>(out, &chunk).await?,
            Err(StreamError::Closed) => return Ok(()),
            Err(e) => return Err(CopyError::Source(describe(e))),
        }
    }
}

/// Moves exactly `len` bytes from `input` to `out` inside the host
/// (`splice`): a body whose length is known never passes through guest
/// memory. It stops after `len` bytes instead of waiting for the end of the
/// stream, since the client may already have sent everything and closed.
///
/// It uses `blocking-splice`, not `splice`: jco's `splice` cannot be called,
/// and its `blocking-splice` neither waits for data nor reports the end of a
/// stream. So only a known length is spliced, and when nothing moved this
/// waits on the input itself. [`Wait::ready_to_splice`] keeps an async
/// handler's other tasks running meanwhile.
pub(crate) async fn splice_exact<W: Wait>(
    out: &OutputStream,
    input: &InputStream,
    len: u64,
) -> Result<(), CopyError> {
    let mut left = len;
    while left > 0 {
        W::ready_to_splice(out, input).await;
        match out.blocking_splice(input, left) {
            Ok(0) => W::wait(input.subscribe()).await,
            Ok(moved) => left = left.saturating_sub(moved),
            // Either side may have failed: the output says which.
            Err(e) => {
                return Err(match out.check_write() {
                    Err(destination) => CopyError::Destination(destination),
                    Ok(_) if matches!(e, StreamError::Closed) => CopyError::Source(format!(
                        "the body ended {left} bytes before its declared length"
                    )),
                    Ok(_) => CopyError::Source(describe(e)),
                });
            }
        }
    }
    Ok(())
}

/// Reads the next chunk, or `None` at the end of the stream.
pub(crate) fn try_read(input: &InputStream) -> Result<Option<Bytes>, String> {
    match input.read(READ_CHUNK) {
        Ok(chunk) => Ok(Some(Bytes::from(chunk))),
        Err(StreamError::Closed) => Ok(None),
        Err(e) => Err(describe(e)),
    }
}
