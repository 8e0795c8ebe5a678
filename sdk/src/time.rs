//! Waiting in an `async` handler: [`sleep`], and [`timeout`] for a deadline
//! on anything, a whole fetch and the reading of its body included.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::wasi::clock;

/// Waits for `duration` without blocking the component's other tasks.
///
/// ```no_run
/// # async fn f() {
/// edgekit::sleep(std::time::Duration::from_millis(50)).await;
/// # }
/// ```
pub async fn sleep(duration: Duration) {
    clock::sleep(duration).await;
}

/// Runs `future`, giving up after `duration`: then the future is dropped
/// where it stood (a pending fetch, a half-read body), which is always safe,
/// and the answer is [`TimedOut`]. Returned with `?`, that is a `504 Gateway
/// Timeout`.
///
/// [`FetchOptions`](crate::FetchOptions) bound each wait of a fetch (to
/// connect, for the first byte, between bytes); `timeout` bounds the whole,
/// however slowly the bytes drip:
///
/// ```no_run
/// # async fn f() -> Result<(), edgekit::Error> {
/// use std::time::Duration;
/// use edgekit::{fetch, http::Request, timeout};
/// let page = timeout(Duration::from_secs(10), async {
///     let response = fetch(Request::get("https://origin.example/").body(())?).await?;
///     response.into_body().limit(1 << 20).bytes().await.map_err(edgekit::Error::from)
/// })
/// .await??;
/// # Ok(()) }
/// ```
///
/// It needs an `async` handler (or [`block_on`](crate::block_on)): the
/// clock is watched by the same reactor that runs the future.
pub async fn timeout<F: Future>(duration: Duration, future: F) -> Result<F::Output, TimedOut> {
    futures_lite::future::or(async { Ok(future.await) }, async {
        sleep(duration).await;
        Err(TimedOut { after: duration })
    })
    .await
}

/// What [`timeout`] answers when time ran out first.
///
/// ```
/// # fn f(e: edgekit::TimedOut) {
/// let error = edgekit::Error::from(e);
/// assert_eq!(error.status(), 504);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    after: Duration,
}

impl TimedOut {
    /// How long was allowed.
    ///
    /// ```
    /// # fn f(e: edgekit::TimedOut) {
    /// println!("gave up after {:?}", e.after());
    /// # }
    /// ```
    pub fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {} ms", self.after.as_millis())
    }
}

impl std::error::Error for TimedOut {}
