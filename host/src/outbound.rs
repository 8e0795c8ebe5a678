//! Where a guest's outgoing requests go, and the record of each one.

use bytes::Bytes;
use http::uri::{Authority, Scheme};
use http::{HeaderMap, Method, Uri};
use http_body_util::{BodyExt, Full};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// A canned response for a mocked host, built from the request head.
pub(crate) type Mock = Arc<dyn Fn(&http::request::Parts) -> http::Response<Bytes> + Send + Sync>;

/// One outgoing request a guest made, with what the host did with it.
///
/// ```no_run
/// # async fn f(host: edgekit_host::Host) -> anyhow::Result<()> {
/// use edgekit_host::Outcome;
///
/// let ex = host.send(http::Request::get("/").body(String::new())?).await?;
/// for record in &ex.stats.outgoing {
///     println!("{} {} -> {:?}", record.method, record.uri, record.outcome);
/// }
/// assert!(ex.stats.outgoing.iter().all(|r| r.outcome != Outcome::Denied));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRecord {
    /// The request method.
    pub method: Method,
    /// The URI as the guest addressed it (before any routing).
    pub uri: Uri,
    /// The request headers, including the `host` header the host adds.
    pub headers: HeaderMap,
    /// What happened to the request.
    pub outcome: Outcome,
}

/// What the host did with an outgoing request.
///
/// ```no_run
/// use edgekit_host::Outcome;
///
/// let outcome = Outcome::Routed("127.0.0.1:4000".parse().unwrap());
/// assert!(matches!(outcome, Outcome::Routed(addr) if addr.port() == 4000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Sent over plain HTTP to this address instead of the URI's host.
    Routed(SocketAddr),
    /// Answered by a mock; nothing left the process.
    Mocked,
    /// Refused with `HttpRequestDenied` by a deny rule.
    Denied,
    /// Sent to the URI's host over the network.
    Direct,
    /// Refused with `HttpRequestDenied`: the request had already made
    /// [`Limits::max_outgoing_requests`](crate::Limits::max_outgoing_requests).
    LimitExceeded,
}

#[derive(Clone)]
enum Rule {
    Route(SocketAddr),
    Mock(Mock),
    Deny,
}

/// The routing policy of a host, keyed by host name (without port).
#[derive(Clone, Default)]
pub(crate) struct Outbound {
    rules: HashMap<String, Rule>,
    deny_unlisted: bool,
    deny_private: bool,
}

impl Outbound {
    pub(crate) fn route(&mut self, host: &str, addr: SocketAddr) {
        self.rules
            .insert(host.to_ascii_lowercase(), Rule::Route(addr));
    }

    pub(crate) fn mock(&mut self, host: &str, mock: Mock) {
        self.rules
            .insert(host.to_ascii_lowercase(), Rule::Mock(mock));
    }

    pub(crate) fn deny(&mut self, host: &str) {
        self.rules.insert(host.to_ascii_lowercase(), Rule::Deny);
    }

    pub(crate) fn deny_unlisted(&mut self) {
        self.deny_unlisted = true;
    }

    /// Requests sent to the network (not routed or mocked) must resolve to
    /// public addresses only; see [`crate::egress`].
    pub(crate) fn deny_private(&mut self) {
        self.deny_private = true;
    }

    fn rule_for(&self, uri: &Uri) -> Option<Rule> {
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        match self.rules.get(&host) {
            Some(rule) => Some(rule.clone()),
            None if self.deny_unlisted => Some(Rule::Deny),
            None => None,
        }
    }
}

type ResponseFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

/// The `wasi:http` hooks of one request: applies the policy, counts requests
/// against the limit and records them.
pub(crate) struct OutboundHooks {
    policy: Arc<Outbound>,
    remaining: u32,
    records: Vec<OutgoingRecord>,
}

impl OutboundHooks {
    pub(crate) fn new(policy: Arc<Outbound>, max_requests: u32) -> Self {
        OutboundHooks {
            policy,
            remaining: max_requests,
            records: Vec::new(),
        }
    }

    pub(crate) fn into_records(self) -> Vec<OutgoingRecord> {
        self.records
    }
}

/// How many writes a guest's outgoing body (its response, or a request it
/// sends) may hold before the guest waits for the reader. Wasmtime's default
/// of one makes guest and reader take turns on every chunk; a few chunks of
/// slack let a streaming guest keep working while the reader drains, and
/// bound what the host buffers per body to this times
/// [`OUTGOING_BODY_CHUNK_BYTES`].
const OUTGOING_BODY_BUFFER_CHUNKS: usize = 8;

/// The most one write to an outgoing body may carry (`check-write`'s
/// answer).
const OUTGOING_BODY_CHUNK_BYTES: usize = 256 * 1024;

impl WasiHttpHooks for OutboundHooks {
    fn p2_outgoing_body_buffer_chunks(&mut self) -> usize {
        OUTGOING_BODY_BUFFER_CHUNKS
    }

    fn p2_outgoing_body_chunk_size(&mut self) -> usize {
        OUTGOING_BODY_CHUNK_BYTES
    }

    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _response_errors: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> ResponseFuture {
        let rule = if self.remaining == 0 {
            None
        } else {
            self.policy.rule_for(request.uri())
        };
        let outcome = match &rule {
            _ if self.remaining == 0 => Outcome::LimitExceeded,
            Some(Rule::Route(addr)) => Outcome::Routed(*addr),
            Some(Rule::Mock(_)) => Outcome::Mocked,
            Some(Rule::Deny) => Outcome::Denied,
            None => Outcome::Direct,
        };
        self.remaining = self.remaining.saturating_sub(1);
        self.records.push(OutgoingRecord {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            outcome,
        });

        match (outcome, rule) {
            (Outcome::LimitExceeded | Outcome::Denied, _) => {
                Box::new(async { Err(Error::HttpRequestDenied) })
            }
            (_, Some(Rule::Mock(mock))) => {
                let (parts, mut body) = request.into_parts();
                let response = mock(&parts).map(|bytes| {
                    Full::new(bytes)
                        .map_err(|never| match never {})
                        .boxed_unsync()
                });
                // The guest may still be writing a request body; draining it
                // beside the response keeps its writes from failing.
                let drain: Box<dyn Future<Output = Result<(), Error>> + Send> =
                    Box::new(async move {
                        while let Some(frame) = body.frame().await {
                            frame?;
                        }
                        Ok(())
                    });
                Box::new(async move { Ok((response, drain)) })
            }
            (_, Some(Rule::Route(addr))) => {
                let rewritten = route_to(request.uri(), addr);
                match rewritten {
                    Some(uri) => *request.uri_mut() = uri,
                    None => return Box::new(async { Err(Error::HttpRequestUriInvalid) }),
                }
                send(request, options)
            }
            _ if self.policy.deny_private => Box::new(async move {
                *request.uri_mut() = crate::egress::check(request.uri()).await?;
                Box::into_pin(send(request, options)).await
            }),
            _ => send(request, options),
        }
    }
}

/// The URI with its scheme and authority replaced by plain HTTP to `addr`.
fn route_to(uri: &Uri, addr: SocketAddr) -> Option<Uri> {
    let mut parts = uri.clone().into_parts();
    parts.scheme = Some(Scheme::HTTP);
    parts.authority = Some(Authority::try_from(addr.to_string()).ok()?);
    if parts.path_and_query.is_none() {
        parts.path_and_query = Some(http::uri::PathAndQuery::from_static("/"));
    }
    Uri::from_parts(parts).ok()
}

fn send(request: http::Request<WasiBody>, options: Option<RequestOptions>) -> ResponseFuture {
    Box::new(async move {
        let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
        let io: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(io);
        Ok((response.map(BodyExt::boxed_unsync), io))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_keeps_path_and_query() {
        let uri: Uri = "https://api.test/v1/items?page=2".parse().unwrap();
        let routed = route_to(&uri, "127.0.0.1:4000".parse().unwrap()).unwrap();
        assert_eq!(routed.to_string(), "http://127.0.0.1:4000/v1/items?page=2");
    }

    #[test]
    fn host_names_match_without_case_or_port() {
        let mut policy = Outbound::default();
        policy.deny("Evil.Test");
        let uri: Uri = "http://EVIL.test:8080/".parse().unwrap();
        assert!(matches!(policy.rule_for(&uri), Some(Rule::Deny)));
        assert!(
            policy
                .rule_for(&"http://ok.test/".parse().unwrap())
                .is_none()
        );
        policy.deny_unlisted();
        assert!(matches!(
            policy.rule_for(&"http://ok.test/".parse().unwrap()),
            Some(Rule::Deny)
        ));
    }
}
