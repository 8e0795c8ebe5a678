//! Waiting on a WASI pollable, either by blocking the instance or by
//! yielding to the async reactor.
//!
//! The I/O loops are written once, generic over [`Wait`]. Sync handlers
//! instantiate them with [`Block`] and never link the async runtime, which
//! keeps a plain `fn` handler as small as hand-written bindings.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use wasip2::io::poll::Pollable;
use wasip2::io::streams::{InputStream, OutputStream};

use crate::body::{StreamBody, write_stream};
use crate::wasi::stream::{self, CopyError};

/// A strategy for waiting until a pollable is ready.
pub(crate) trait Wait {
    /// Resolves once `pollable` is ready.
    fn wait(pollable: Pollable) -> impl Future<Output = ()>;

    /// Resolves once a `blocking-splice` from `input` into `out` would not
    /// block: at once for [`Block`], which may block anyway.
    fn ready_to_splice(out: &OutputStream, input: &InputStream) -> impl Future<Output = ()>;

    /// Writes all of `data`, then flushes.
    fn write_and_flush(
        out: &OutputStream,
        data: &[u8],
    ) -> impl Future<Output = Result<(), CopyError>>
    where
        Self: Sized,
    {
        stream::write_all_and_flush::<Self>(out, data)
    }

    /// Writes a streaming body, whose chunks may need the reactor to arrive.
    fn write_stream(
        body: Pin<Box<dyn StreamBody>>,
        out: &OutputStream,
    ) -> impl Future<Output = Result<(), CopyError>>;
}

/// Blocks the whole instance until the pollable is ready.
pub(crate) struct Block;

impl Wait for Block {
    fn wait(pollable: Pollable) -> impl Future<Output = ()> {
        pollable.block();
        std::future::ready(())
    }

    fn ready_to_splice(_: &OutputStream, _: &InputStream) -> impl Future<Output = ()> {
        std::future::ready(())
    }

    fn write_and_flush(
        out: &OutputStream,
        data: &[u8],
    ) -> impl Future<Output = Result<(), CopyError>> {
        // The common small response in one call instead of six; WASI allows
        // up to 4096 bytes in a `blocking-write-and-flush`.
        std::future::ready(if data.len() <= 4096 {
            out.blocking_write_and_flush(data)
                .map_err(CopyError::Destination)
        } else {
            run_blocking(stream::write_all_and_flush::<Block>(out, data))
        })
    }

    fn write_stream(
        body: Pin<Box<dyn StreamBody>>,
        out: &OutputStream,
    ) -> impl Future<Output = Result<(), CopyError>> {
        std::future::ready(body.write_blocking(out))
    }
}

/// Suspends the current task and lets the reactor run others meanwhile.
pub(crate) struct Yield;

impl Wait for Yield {
    async fn wait(pollable: Pollable) {
        wstd::runtime::Reactor::current()
            .schedule(pollable)
            .wait_for()
            .await;
    }

    async fn ready_to_splice(out: &OutputStream, input: &InputStream) {
        // While a body streams, both sides are usually ready already: asking
        // is one call, a trip through the reactor several.
        for pollable in [input.subscribe(), out.subscribe()] {
            if !pollable.ready() {
                Self::wait(pollable).await;
            }
        }
    }

    async fn write_stream(
        body: Pin<Box<dyn StreamBody>>,
        out: &OutputStream,
    ) -> Result<(), CopyError> {
        write_stream::<Yield>(body, out).await
    }
}

/// Drives a future whose only waiting goes through [`Block`]: such a future
/// is ready on its first poll.
pub(crate) fn run_blocking<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
