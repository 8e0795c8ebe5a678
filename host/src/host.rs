//! [`Host`]: one compiled component, ready to answer requests.

use crate::keyvalue::KvStores;
use crate::outbound::Outbound;
use crate::request::{Setup, State};
use crate::visitor::Visitor;
use crate::{Failure, FailureKind, Limits, Stats, StreamingExchange};
use anyhow::Context;
use bytes::{Bytes, BytesMut};
use http_body::Body;
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::Linker;
use wasmtime_wasi_config::WasiConfigVariables;

/// A `wasi:http` component compiled and linked once; every request gets a
/// fresh instance with its own limits, stdio and outgoing-request policy.
///
/// Cloning is cheap and clones share the compiled component.
///
/// ```no_run
/// # async fn f() -> anyhow::Result<()> {
/// use std::time::Duration;
///
/// let host = edgekit_host::Host::builder("target/wasm32-wasip2/release/hello.wasm")
///     .env("GREETING", "Hello")
///     .deadline(Duration::from_millis(50))
///     .build()
///     .await?;
/// let ex = host.send(http::Request::get("/?name=Ada").body(String::new())?).await?;
/// assert_eq!(ex.response.status(), 200);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Host {
    setup: Arc<Setup>,
}

/// A finished request: the whole response and what the host observed.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// let ex = host.send(http::Request::get("/").body(String::new())?).await?;
/// println!("{} {:?} ({:?})", ex.response.status(), ex.response.body(), ex.stats.handler);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Exchange {
    /// The response, body read to its end.
    pub response: http::Response<Bytes>,
    /// Timings, memory, outgoing requests, logs and failure of the request.
    pub stats: Stats,
}

impl Host {
    /// Starts configuring a host for the component at `path`.
    ///
    /// ```no_run
    /// # async fn f() -> anyhow::Result<()> {
    /// let host = edgekit_host::Host::builder("hello.wasm").build().await?;
    /// # Ok(()) }
    /// ```
    pub fn builder(path: impl Into<PathBuf>) -> HostBuilder {
        HostBuilder {
            path: path.into(),
            env: Vec::new(),
            limits: Limits::default(),
            outbound: Outbound::default(),
            inherit_stdio: false,
            kv: KvStores::default(),
            config: WasiConfigVariables::new(),
            visitor: Visitor::default(),
        }
    }

    /// The key-value stores the component's `wasi:keyvalue` calls reach;
    /// they live as long as the host, across requests.
    ///
    /// ```no_run
    /// # async fn f(host: edgekit_host::Host) {
    /// let keys = host.kv_stores().keys("default");
    /// # }
    /// ```
    pub fn kv_stores(&self) -> &KvStores {
        &self.setup.kv
    }

    /// The limits requests run under.
    ///
    /// ```no_run
    /// # fn f(host: edgekit_host::Host) {
    /// assert_eq!(host.limits().max_outgoing_requests, 32);
    /// # }
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.setup.limits
    }

    /// Runs `request` on a fresh instance and reads the whole response.
    ///
    /// A guest that traps or breaks a limit still yields an [`Exchange`]:
    /// a 5xx response (unless it had already sent its response head) and
    /// [`Stats::failure`] saying why. An error is only returned when the
    /// request cannot be handed to the guest at all.
    ///
    /// ```no_run
    /// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
    /// let request = http::Request::post("http://localhost/echo").body(String::from("hi"))?;
    /// let ex = host.send(request).await?;
    /// assert_eq!(ex.response.body().as_ref(), b"hi");
    /// # Ok(()) }
    /// ```
    pub async fn send<B>(&self, request: http::Request<B>) -> anyhow::Result<Exchange>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let StreamingExchange { response, stats } = self.send_streaming(request).await?;
        let (parts, mut body) = response.into_parts();
        let mut bytes = BytesMut::new();
        let mut body_error = None;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        bytes.extend_from_slice(&data);
                    }
                }
                Err(error) => {
                    body_error = Some(error);
                    break;
                }
            }
        }
        drop(body);
        let mut stats = stats.await;
        if let (None, Some(error)) = (&stats.failure, body_error) {
            stats.failure = Some(Failure {
                kind: FailureKind::ResponseBody,
                message: format!("{error:#}"),
            });
        }
        Ok(Exchange {
            response: http::Response::from_parts(parts, bytes.freeze()),
            stats,
        })
    }

    /// Runs `request` and returns as soon as the guest has sent the response
    /// head; the body streams from the guest as it is read, so neither side
    /// is buffered whole.
    ///
    /// ```no_run
    /// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
    /// use http_body_util::BodyExt;
    ///
    /// let ex = host.send_streaming(http::Request::get("/big").body(String::new())?).await?;
    /// let mut body = ex.response.into_body();
    /// while let Some(frame) = body.frame().await {
    ///     frame?;
    /// }
    /// println!("{:?}", ex.stats.await.handler);
    /// # Ok(()) }
    /// ```
    pub async fn send_streaming<B>(
        &self,
        request: http::Request<B>,
    ) -> anyhow::Result<StreamingExchange>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.setup.start(request).await
    }
}

/// Configures a [`Host`]; see [`Host::builder`].
///
/// ```no_run
/// # async fn f() -> anyhow::Result<()> {
/// use bytes::Bytes;
///
/// let host = edgekit_host::Host::builder("proxy.wasm")
///     .route("api.test", "127.0.0.1:4000".parse()?)
///     .mock("cdn.test", |_req: &http::request::Parts| http::Response::new(Bytes::from("canned")))
///     .deny("evil.test")
///     .deny_unlisted_hosts()
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct HostBuilder {
    path: PathBuf,
    env: Vec<(String, String)>,
    limits: Limits,
    outbound: Outbound,
    inherit_stdio: bool,
    kv: KvStores,
    config: WasiConfigVariables,
    visitor: Visitor,
}

impl HostBuilder {
    /// Sets an environment variable for the guest (`wasi:cli/environment`).
    /// Nothing is inherited from the host process.
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").env("API_KEY", "test-key");
    /// ```
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Replaces all limits at once.
    ///
    /// ```no_run
    /// use edgekit_host::Limits;
    ///
    /// let builder = edgekit_host::Host::builder("x.wasm")
    ///     .limits(Limits { max_concurrency: 16, ..Limits::default() });
    /// ```
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Linear memory one request's instance may use, in bytes (default 128 MiB).
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").max_memory(64 << 20);
    /// ```
    pub fn max_memory(mut self, bytes: usize) -> Self {
        self.limits.max_memory = bytes;
        self
    }

    /// Time one request may spend executing wasm (default 1 s); waiting on
    /// the host does not count.
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// let builder = edgekit_host::Host::builder("x.wasm").deadline(Duration::from_millis(50));
    /// ```
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.limits.deadline = deadline;
        self
    }

    /// Outgoing requests one request may make (default 32); further ones
    /// get `HttpRequestDenied` and are recorded as
    /// [`Outcome::LimitExceeded`](crate::Outcome::LimitExceeded).
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").max_outgoing_requests(4);
    /// ```
    pub fn max_outgoing_requests(mut self, count: u32) -> Self {
        self.limits.max_outgoing_requests = count;
        self
    }

    /// Requests that may run at once (default 256).
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").max_concurrency(8);
    /// ```
    pub fn max_concurrency(mut self, count: u32) -> Self {
        self.limits.max_concurrency = count;
        self
    }

    /// Sends outgoing requests for `host` (any port, any scheme) over plain
    /// HTTP to `addr`, typically a loopback test server. The `host` header
    /// still names the original host.
    ///
    /// ```no_run
    /// # fn f() -> anyhow::Result<()> {
    /// let builder = edgekit_host::Host::builder("x.wasm").route("api.test", "127.0.0.1:4000".parse()?);
    /// # Ok(()) }
    /// ```
    pub fn route(mut self, host: &str, addr: SocketAddr) -> Self {
        self.outbound.route(host, addr);
        self
    }

    /// Answers outgoing requests for `host` with `respond`, without any I/O.
    ///
    /// ```no_run
    /// use bytes::Bytes;
    ///
    /// let builder = edgekit_host::Host::builder("x.wasm").mock("cdn.test", |req: &http::request::Parts| {
    ///     http::Response::new(Bytes::from(format!("you asked for {}", req.uri.path())))
    /// });
    /// ```
    pub fn mock<F>(mut self, host: &str, respond: F) -> Self
    where
        F: Fn(&http::request::Parts) -> http::Response<Bytes> + Send + Sync + 'static,
    {
        self.outbound.mock(host, Arc::new(respond));
        self
    }

    /// Refuses outgoing requests for `host`: the guest gets `HttpRequestDenied`.
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").deny("evil.test");
    /// ```
    pub fn deny(mut self, host: &str) -> Self {
        self.outbound.deny(host);
        self
    }

    /// Refuses outgoing requests for every host that is not routed or
    /// mocked. Without it they go to the network directly.
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").deny_unlisted_hosts();
    /// ```
    pub fn deny_unlisted_hosts(mut self) -> Self {
        self.outbound.deny_unlisted();
        self
    }

    /// Refuses outgoing requests whose host resolves to a loopback, private,
    /// link-local or otherwise non-public address, however the guest named
    /// it: the DNS check a guest cannot make. Plain-HTTP requests go to the
    /// address that was checked. Routed and mocked hosts are not affected.
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("proxy.wasm").deny_private_egress();
    /// ```
    pub fn deny_private_egress(mut self) -> Self {
        self.outbound.deny_private();
        self
    }

    /// Lets the guest write to this process's stdout and stderr instead of
    /// capturing them into [`Stats`] (what `edgekit serve` does).
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").inherit_stdio();
    /// ```
    pub fn inherit_stdio(mut self) -> Self {
        self.inherit_stdio = true;
        self
    }

    /// Seeds `key` in the key-value store `store` (`wasi:keyvalue`).
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").kv("default", "visits", "41");
    /// ```
    pub fn kv(self, store: &str, key: &str, value: impl Into<Vec<u8>>) -> Self {
        self.kv.set(store, key, value);
        self
    }

    /// Uses `stores` (shared, e.g. pre-seeded from a file or inspected by a
    /// test) as the component's key-value stores.
    ///
    /// ```no_run
    /// let stores = edgekit_host::KvStores::default();
    /// let builder = edgekit_host::Host::builder("x.wasm").kv_stores(stores.clone());
    /// ```
    pub fn kv_stores(mut self, stores: KvStores) -> Self {
        self.kv = stores;
        self
    }

    /// Sets a `wasi:config/store` value (the SDK's `wasi-config` feature
    /// reads these before environment variables).
    ///
    /// ```no_run
    /// let builder = edgekit_host::Host::builder("x.wasm").config_var("max_width", "1024");
    /// ```
    pub fn config_var(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.insert(key, value);
        self
    }

    /// Plays an edge platform: every request carries the geo and
    /// client-IP headers of `visitor`'s preset (client-sent copies are
    /// removed first), and `EDGEKIT_PLATFORM` names the preset unless it
    /// was set with [`env`](Self::env).
    ///
    /// ```no_run
    /// use edgekit_host::{Geo, Platform, Visitor};
    /// let builder = edgekit_host::Host::builder("x.wasm").visitor(
    ///     Visitor::new(Platform::Generic)
    ///         .geo(Geo { country: Some("DE".into()), ..Geo::default() })
    ///         .client_ip([203, 0, 113, 7].into()),
    /// );
    /// ```
    pub fn visitor(mut self, visitor: Visitor) -> Self {
        self.visitor = visitor;
        self
    }

    /// Compiles and links the component. Fails with a one-line message when
    /// the file is missing, is not a component, or is not a `wasi:http`
    /// proxy component.
    ///
    /// ```no_run
    /// # async fn f() -> anyhow::Result<()> {
    /// let host = edgekit_host::Host::builder("x.wasm").build().await?;
    /// # Ok(()) }
    /// ```
    pub async fn build(self) -> anyhow::Result<Host> {
        let HostBuilder {
            path,
            env,
            limits,
            outbound,
            inherit_stdio,
            kv,
            config,
            visitor,
        } = self;
        let mut env = env;
        if let Some(platform) = visitor.platform()
            && !env.iter().any(|(name, _)| name == "EDGEKIT_PLATFORM")
        {
            env.push(("EDGEKIT_PLATFORM".into(), platform.name().into()));
        }
        // Compiling takes a while and would stall the async runtime.
        tokio::task::spawn_blocking(move || {
            let engine = crate::engine::new_engine(&limits)?;
            let mut linker = Linker::<State>::new(&engine);
            wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
            wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
            crate::keyvalue::add_to_linker(&mut linker, State::kv)?;
            wasmtime_wasi_config::add_to_linker(&mut linker, State::config)?;
            let pre = crate::component::load(&engine, &linker, &path)?;
            Ok(Host {
                setup: Arc::new(Setup {
                    pre,
                    slots: Arc::new(tokio::sync::Semaphore::new(
                        limits.max_concurrency.max(1) as usize
                    )),
                    limits,
                    env,
                    outbound: Arc::new(outbound),
                    inherit_stdio,
                    kv,
                    config: Arc::new(config),
                    visitor,
                }),
            })
        })
        .await
        .context("compiling the component")?
    }
}
