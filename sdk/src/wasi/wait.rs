//! Waiting on a WASI pollable, either by blocking the instance or by
//! yielding to the async reactor.
//!
//! The I/O loops are written once, generic over [`Wait`]. Sync handlers
//! instantiate them with [`Block`] and never link the async runtime, which
//! keeps a plain `fn` handler as small as hand-written bindings.

use std::cell::Cell;
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
        Registered::new(pollable).await;
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

thread_local! {
    /// Counts the reactor's runs: a wait belongs to the run it was
    /// registered in, and only that run's reactor may take it back.
    static RUN: Cell<u64> = const { Cell::new(0) };
}

/// Runs `future` to completion on a reactor of its own. Every `async` path
/// of the SDK starts here, so [`Registered`] knows when its reactor is gone.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    RUN.set(RUN.get() + 1);
    let output = wstd::runtime::block_on(future);
    // The reactor, and every pollable it still held, are dropped by now.
    RUN.set(RUN.get() + 1);
    output
}

/// A pollable handed to the reactor, for a wait that may span several polls
/// (and be dropped before it is over: a timeout, a `select`, a body dropped
/// mid-read).
///
/// The reactor owns the pollable, and a WASI pollable is a child of the
/// stream or body it watches: it must be gone before them, or the host traps
/// the component. Dropping a `Registered` drops its pollable at once, so the
/// owner of a stream keeps its `Registered` in a field declared before the
/// stream. Dropped after its reactor's run ended (a body kept past
/// [`block_on`]), it is forgotten instead: that reactor dropped the pollable
/// when it ended, and the next run's reactor must not be asked for it.
pub(crate) struct Registered {
    wait: Option<wstd::runtime::WaitFor>,
    run: u64,
}

impl Registered {
    pub(crate) fn new(pollable: Pollable) -> Self {
        let wait = wstd::runtime::Reactor::current()
            .schedule(pollable)
            .wait_for();
        Self {
            wait: Some(wait),
            run: RUN.get(),
        }
    }
}

impl Future for Registered {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.wait {
            Some(wait) => Pin::new(wait).poll(cx),
            None => Poll::Ready(()),
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if RUN.get() != self.run {
            std::mem::forget(self.wait.take());
        }
    }
}
