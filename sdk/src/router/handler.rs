//! [`Handler`]: the sync and async functions a [`Router`](super::Router)
//! can call.

use std::future::Future;
use std::pin::Pin;

use crate::{IntoResponse, Request, Response};

/// A boxed response future; handlers run on the single-threaded WASI
/// reactor, so it need not be `Send`.
pub(crate) type ResponseFuture = Pin<Box<dyn Future<Output = Response>>>;

/// Something that answers a request: any `fn(Request) -> impl IntoResponse`
/// or `async fn(Request) -> impl IntoResponse` (closures too). `M` only
/// tells the two kinds apart; you never name it.
///
/// ```
/// use edgekit::router::Router;
/// use edgekit::{Json, Request};
///
/// fn sync_handler(_req: Request) -> &'static str {
///     "sync"
/// }
///
/// async fn async_handler(_req: Request) -> Json<Vec<u32>> {
///     Json(vec![1, 2, 3])
/// }
///
/// let router = Router::new()
///     .get("/a", sync_handler)
///     .get("/b", async_handler)
///     .get("/c", |_req: Request| "closure");
/// ```
pub trait Handler<M>: 'static {
    /// Runs the handler.
    #[doc(hidden)]
    fn call(&self, req: Request) -> ResponseFuture;
}

#[doc(hidden)]
pub struct Sync<R>(std::marker::PhantomData<R>);

#[doc(hidden)]
pub struct Async<R>(std::marker::PhantomData<R>);

impl<F, R> Handler<Sync<R>> for F
where
    F: Fn(Request) -> R + 'static,
    R: IntoResponse,
{
    fn call(&self, req: Request) -> ResponseFuture {
        let response = self(req).into_response();
        Box::pin(std::future::ready(response))
    }
}

impl<F, Fut> Handler<Async<Fut>> for F
where
    F: Fn(Request) -> Fut + 'static,
    Fut: Future + 'static,
    Fut::Output: IntoResponse,
{
    fn call(&self, req: Request) -> ResponseFuture {
        let future = self(req);
        Box::pin(async move { future.await.into_response() })
    }
}

/// A handler with its kind erased, as the router stores it.
pub(crate) type BoxHandler = std::rc::Rc<dyn Fn(Request) -> ResponseFuture>;

pub(crate) fn boxed<H: Handler<M>, M>(handler: H) -> BoxHandler {
    std::rc::Rc::new(move |req| handler.call(req))
}
