//! One request's run: a fresh store, the guest called on a task of its own,
//! the response handed back as soon as the guest sets it.

use crate::capture::Capture;
use crate::deadline::WasmClock;
use crate::keyvalue::{KvStores, KvView};
use crate::limits::MemoryTracker;
use crate::outbound::{Outbound, OutboundHooks};
use crate::visitor::Visitor;
use crate::{Failure, FailureKind, Limits, Stats};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wasmtime::Store;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_config::{WasiConfig, WasiConfigVariables};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Everything a request's store holds.
pub(crate) struct State {
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundHooks,
    memory: MemoryTracker,
    clock: WasmClock,
    kv: KvStores,
    config: Arc<WasiConfigVariables>,
}

impl State {
    /// The `wasi:keyvalue` view of this request's state.
    pub(crate) fn kv(&mut self) -> KvView<'_> {
        KvView {
            stores: &self.kv,
            table: &mut self.table,
        }
    }

    /// The `wasi:config` view of this request's state.
    pub(crate) fn config(&mut self) -> WasiConfig<'_> {
        WasiConfig::new(&self.config)
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            hooks: &mut self.hooks,
            table: &mut self.table,
            ctx: &mut self.http,
        }
    }
}

/// What a request runs with, shared by all requests of a host.
pub(crate) struct Setup {
    pub(crate) pre: ProxyPre<State>,
    pub(crate) limits: Limits,
    /// One permit per instance slot of the pool ([`Limits::max_concurrency`]),
    /// held until the request's store is dropped.
    pub(crate) slots: Arc<tokio::sync::Semaphore>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) outbound: Arc<Outbound>,
    pub(crate) inherit_stdio: bool,
    pub(crate) kv: KvStores,
    pub(crate) config: Arc<WasiConfigVariables>,
    pub(crate) visitor: Visitor,
}

/// A response whose body may still be streaming from the guest.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// use http_body_util::BodyExt;
///
/// let ex = host.send_streaming(http::Request::get("/").body(String::new())?).await?;
/// let mut body = ex.response.into_body();
/// let mut total = 0;
/// while let Some(frame) = body.frame().await {
///     total += frame?.into_data().map_or(0, |data| data.len());
/// }
/// let stats = ex.stats.await;
/// println!("{total} bytes in {:?}", stats.handler);
/// # Ok(()) }
/// ```
pub struct StreamingExchange {
    /// The response; its body is read from the guest as it is consumed.
    pub response: http::Response<ResponseBody>,
    /// The stats, available once the guest has finished (`.await` it after
    /// consuming or dropping the body).
    pub stats: PendingStats,
}

/// The body of a [`StreamingExchange`] response.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// use http_body_util::BodyExt;
///
/// let ex = host.send_streaming(http::Request::get("/").body(String::new())?).await?;
/// let body: edgekit_host::ResponseBody = ex.response.into_body();
/// let bytes = body.collect().await?.to_bytes();
/// # Ok(()) }
/// ```
pub struct ResponseBody {
    inner: UnsyncBoxBody<Bytes, anyhow::Error>,
    ended: Option<Arc<OnceLock<Instant>>>,
}

impl ResponseBody {
    /// A body produced by the host itself (error pages).
    pub(crate) fn text(text: impl Into<Bytes>) -> Self {
        ResponseBody {
            inner: Full::new(text.into())
                .map_err(|never| match never {})
                .boxed_unsync(),
            ended: None,
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = anyhow::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, anyhow::Error>>> {
        let this = self.get_mut();
        let frame = ready!(Pin::new(&mut this.inner).poll_frame(cx));
        if let (None | Some(Err(_)), Some(ended)) = (&frame, &this.ended) {
            let _ = ended.set(Instant::now());
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The [`Stats`] of a streaming request, ready once the guest has finished.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// let ex = host.send_streaming(http::Request::get("/").body(String::new())?).await?;
/// drop(ex.response);
/// let stats = ex.stats.await;
/// assert!(stats.failure.is_none());
/// # Ok(()) }
/// ```
pub struct PendingStats {
    finished: Finishing,
    /// A failure seen on the response side, for when the guest itself ended
    /// without one (e.g. it answered with an error code).
    failure: Option<Failure>,
    body_ended: Option<Arc<OnceLock<Instant>>>,
}

enum Finishing {
    Running(JoinHandle<Finished>),
    Done(Finished),
}

impl IntoFuture for PendingStats {
    type Output = Stats;
    type IntoFuture = Pin<Box<dyn Future<Output = Stats> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let finished = match self.finished {
                Finishing::Running(task) => join(task).await,
                Finishing::Done(finished) => finished,
            };
            let end = self
                .body_ended
                .and_then(|ended| ended.get().copied())
                .unwrap_or(finished.at);
            Stats {
                instantiate: finished.instantiate,
                handler: finished
                    .call_started
                    .map_or(Duration::ZERO, |start| end.saturating_duration_since(start)),
                wasm_time: finished.wasm_time,
                peak_memory: finished.peak_memory,
                outgoing: finished.outgoing,
                stdout: finished.stdout,
                stderr: finished.stderr,
                failure: finished.failure.or(self.failure),
            }
        })
    }
}

/// What the guest task reports once the store is gone.
struct Finished {
    instantiate: Duration,
    call_started: Option<Instant>,
    at: Instant,
    wasm_time: Duration,
    peak_memory: usize,
    outgoing: Vec<crate::OutgoingRecord>,
    stdout: String,
    stderr: String,
    failure: Option<Failure>,
}

async fn join(task: JoinHandle<Finished>) -> Finished {
    match task.await {
        Ok(finished) => finished,
        // The task only ends this way if the runtime shuts down under it or
        // the host itself panicked; report it rather than propagate.
        Err(error) => Finished {
            instantiate: Duration::ZERO,
            call_started: None,
            at: Instant::now(),
            wasm_time: Duration::ZERO,
            peak_memory: 0,
            outgoing: Vec::new(),
            stdout: String::new(),
            stderr: String::new(),
            failure: Some(Failure {
                kind: FailureKind::Trap,
                message: format!("request task failed: {error}"),
            }),
        },
    }
}

impl Setup {
    /// Starts `request` on a fresh instance and waits for the response head.
    pub(crate) async fn start<B>(
        &self,
        request: http::Request<B>,
    ) -> anyhow::Result<StreamingExchange>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let request = request.map(|body| {
            body.map_err(|error| {
                wasmtime_wasi_http::Error::InternalError(Some(error.into().to_string()))
            })
            .boxed_unsync()
        });
        self.start_boxed(request).await
    }

    /// [`Setup::start`] past the body's type. Not generic, so Wasmtime's
    /// instantiation and call code is compiled once, here, with this crate's
    /// optimisations, instead of again in every crate that sends requests
    /// (at `opt-level = 0` in tests).
    async fn start_boxed(
        &self,
        mut request: http::Request<UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>>,
    ) -> anyhow::Result<StreamingExchange> {
        self.visitor.apply(request.headers_mut());
        if request.uri().authority().is_none()
            && !request.headers().contains_key(http::header::HOST)
        {
            // Tests write `Request::get("/path")`; the guest still needs an authority.
            request.headers_mut().insert(
                http::header::HOST,
                http::HeaderValue::from_static("localhost"),
            );
        }
        let scheme = match request.uri().scheme_str() {
            Some("https") => Scheme::Https,
            _ => Scheme::Http,
        };

        // A request waits briefly for a free slot: the pool frees an
        // instance only when its store is dropped, just after the answer's
        // last byte went out. Past the wait, instantiation reports the pool
        // full and the answer is a 503.
        let slot = tokio::time::timeout(SLOT_WAIT, self.slots.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok);
        let stdout = Capture::default();
        let stderr = Capture::default();
        let mut store = self.new_store(&stdout, &stderr);
        let (sender, receiver) = oneshot::channel();
        let incoming = store
            .data_mut()
            .http()
            .new_incoming_request(scheme, request)?;
        let outparam = store.data_mut().http().new_response_outparam(sender)?;

        let pre = self.pre.clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut instantiate = Duration::ZERO;
            let mut call_started = None;
            let failure = match pre.instantiate_async(&mut store).await {
                Err(error) => Some(instantiate_failure(error)),
                Ok(proxy) => {
                    instantiate = started.elapsed();
                    call_started = Some(Instant::now());
                    let handler = proxy.wasi_http_incoming_handler();
                    match handler.call_handle(&mut store, incoming, outparam).await {
                        Ok(()) => None,
                        Err(error) => Some(call_failure(error, store.data())),
                    }
                }
            };
            let at = Instant::now();
            let state = store.into_data();
            // The instance went with the store: its slot is free.
            drop(slot);
            Finished {
                instantiate,
                call_started,
                at,
                wasm_time: state.clock.spent(),
                peak_memory: state.memory.peak(),
                outgoing: state.hooks.into_records(),
                stdout: stdout.text(),
                stderr: stderr.text(),
                failure,
            }
        });

        Ok(match receiver.await {
            Ok(Ok(response)) => {
                let ended = Arc::new(OnceLock::new());
                let response = response.map(|body| ResponseBody {
                    inner: body.map_err(anyhow::Error::new).boxed_unsync(),
                    ended: Some(ended.clone()),
                });
                StreamingExchange {
                    response,
                    stats: PendingStats {
                        finished: Finishing::Running(task),
                        failure: None,
                        body_ended: Some(ended),
                    },
                }
            }
            Ok(Err(code)) => {
                let failure = Failure {
                    kind: FailureKind::ErrorCode,
                    message: describe(&code),
                };
                StreamingExchange {
                    response: error_response(failure.kind),
                    stats: PendingStats {
                        finished: Finishing::Running(task),
                        failure: Some(failure),
                        body_ended: None,
                    },
                }
            }
            // The outparam was dropped unset: the guest is done, one way or another.
            Err(_) => {
                let mut finished = join(task).await;
                let failure = finished.failure.get_or_insert_with(|| Failure {
                    kind: FailureKind::NoResponse,
                    message: "the handler returned without setting the response-outparam".into(),
                });
                StreamingExchange {
                    response: error_response(failure.kind),
                    stats: PendingStats {
                        finished: Finishing::Done(finished),
                        failure: None,
                        body_ended: None,
                    },
                }
            }
        })
    }

    fn new_store(&self, stdout: &Capture, stderr: &Capture) -> Store<State> {
        let mut wasi = WasiCtx::builder();
        wasi.envs(&self.env);
        if self.inherit_stdio {
            wasi.inherit_stdout().inherit_stderr();
        } else {
            wasi.stdout(stdout.clone()).stderr(stderr.clone());
        }
        let state = State {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks::new(self.outbound.clone(), self.limits.max_outgoing_requests),
            memory: MemoryTracker::new(self.limits.max_memory),
            clock: WasmClock::new(self.limits.deadline),
            kv: self.kv.clone(),
            config: self.config.clone(),
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|state| &mut state.memory);
        store.call_hook(|mut cx, hook| {
            cx.data_mut().clock.on_call_hook(hook);
            Ok(())
        });
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|mut cx| cx.data_mut().clock.on_epoch());
        store
    }
}

/// How long a request waits for an instance slot before it is refused.
const SLOT_WAIT: Duration = Duration::from_millis(100);

/// The page a client gets when the guest could not send a response.
fn error_response(kind: FailureKind) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(ResponseBody::text(format!("{kind}\n")));
    *response.status_mut() = kind.status();
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn instantiate_failure(error: wasmtime::Error) -> Failure {
    let overloaded = error
        .chain()
        .any(|cause| cause.is::<wasmtime::PoolConcurrencyLimitError>());
    let kind = if overloaded {
        FailureKind::Overloaded
    } else {
        FailureKind::Instantiate
    };
    Failure {
        kind,
        message: describe_error(&error),
    }
}

fn call_failure(error: wasmtime::Error, state: &State) -> Failure {
    let kind = if state.clock.exceeded() {
        FailureKind::Deadline
    } else if state.memory.denied() {
        FailureKind::MemoryLimit
    } else {
        FailureKind::Trap
    };
    Failure {
        kind,
        message: describe_error(&error),
    }
}

/// The cause first, then the wasm backtrace (wasmtime attaches it as
/// context); the host's own Rust backtrace is left out.
fn describe_error(error: &wasmtime::Error) -> String {
    let causes: Vec<String> = error.chain().map(|cause| cause.to_string()).collect();
    causes.into_iter().rev().collect::<Vec<_>>().join("\n")
}

fn describe(code: &ErrorCode) -> String {
    format!("the handler answered with error code {code:?}")
}
