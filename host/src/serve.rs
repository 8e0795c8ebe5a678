//! Serving a [`Host`] over HTTP/1, as `edgekit serve` does.

use crate::{Host, ResponseBody, StreamingExchange};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

impl Host {
    /// Answers HTTP/1 requests on `listener` until the process ends, writing
    /// one line per request (method, path, status, time, and the failure if
    /// any) to stderr.
    ///
    /// ```no_run
    /// # async fn f() -> anyhow::Result<()> {
    /// let host = edgekit_host::Host::builder("hello.wasm").inherit_stdio().build().await?;
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    /// host.serve(listener).await?;
    /// # Ok(()) }
    /// ```
    pub async fn serve(self, listener: TcpListener) -> anyhow::Result<()> {
        serve_http1(listener, move |request| {
            let host = self.clone();
            async move { host.answer(request).await }
        })
        .await
    }

    async fn answer(&self, request: http::Request<Incoming>) -> http::Response<ResponseBody> {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.to_string());
        match self.send_streaming(request).await {
            Ok(StreamingExchange { response, stats }) => {
                let status = response.status();
                tokio::spawn(async move {
                    let stats = stats.await;
                    let time = started.elapsed().as_secs_f64() * 1000.0;
                    match stats.failure {
                        None => eprintln!("{method} {path} {} {time:.1}ms", status.as_u16()),
                        Some(failure) => {
                            let details: String = failure
                                .message
                                .lines()
                                .map(|line| format!("\n  {line}"))
                                .collect();
                            eprintln!(
                                "{method} {path} {} {time:.1}ms: {}{details}",
                                status.as_u16(),
                                failure.kind
                            );
                        }
                    }
                });
                response
            }
            Err(error) => {
                eprintln!("{method} {path} 400: {error:#}");
                let mut response = http::Response::new(ResponseBody::text("bad request\n"));
                *response.status_mut() = http::StatusCode::BAD_REQUEST;
                response
            }
        }
    }
}

/// Accepts connections on `listener` until the process ends and answers
/// each HTTP/1 request with `answer`: the loop under `Host::serve` and the
/// template gallery.
pub(crate) async fn serve_http1<F, Fut>(listener: TcpListener, answer: F) -> anyhow::Result<()>
where
    F: Fn(http::Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = http::Response<ResponseBody>> + Send + 'static,
{
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Usually out of file descriptors: wait for some to close.
                eprintln!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let answer = answer.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let response = answer(request);
                async move { Ok::<_, Infallible>(response.await) }
            });
            // A client that goes away mid-request is not the server's problem.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
