//! Proxy mode: fetch from the chosen origin and stream its answer back,
//! trying the `FALLBACK` routes in order when it cannot answer.

use edgekit::http::Method;
use edgekit::{Body, Error, FetchOptions, IntoResponse, Request, Response, StatusCode, fetch_with};

use crate::forward;
use crate::replay::{REPLAY_LIMIT, Replay};
use crate::router::RouteId;
use crate::settings::Settings;

/// The answer, and which route gave it.
pub struct Served {
    /// The response to send (an origin's, or a `502`).
    pub response: Response,
    /// The route that answered (the last tried when none did).
    pub route: RouteId,
    /// Whether it came from `FALLBACK` rather than the chosen route.
    pub fell_back: bool,
}

/// Methods a client may repeat without changing the outcome (RFC 9110,
/// 9.2.2): only these are sent to a second origin.
fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// Sends `req` to route `first`, then to each fallback while origins fail
/// to connect, time out, or answer `5xx`.
pub async fn forward(req: Request, path: &str, settings: &Settings, first: RouteId) -> Served {
    let (parts, body) = req.into_parts();
    let mut order = match idempotent(&parts.method) {
        true => settings.router.failover_order(first),
        false => vec![first],
    };
    let mut body = if order.len() > 1 {
        match Replay::read(body, REPLAY_LIMIT).await {
            Ok(replay) => replay,
            Err(error) => {
                // The host's words for a failed read stay in the log.
                let error = Error::new(error.status(), "the request body could not be read")
                    .with_cause(error);
                return Served {
                    response: error.into_response(),
                    route: first,
                    fell_back: false,
                };
            }
        }
    } else {
        Replay::Once(body)
    };
    if matches!(body, Replay::Once(_)) {
        order.truncate(1);
    }
    let headers = forward::request_headers(&parts.headers, &parts.uri, &settings.forward);
    let options = FetchOptions::new()
        .connect_timeout(settings.timeout)
        .first_byte_timeout(settings.timeout)
        .between_bytes_timeout(settings.timeout);

    let mut failures = Vec::new();
    let last = order.len() - 1;
    for (attempt, &route) in order.iter().enumerate() {
        let outgoing = match &mut body {
            Replay::Kept(bytes) => Body::from(bytes.clone()),
            Replay::Once(once) => std::mem::replace(once, Body::empty()),
        };
        let name = &settings.router.route(route).name;
        let url = settings.router.route(route).origin.url_for(path);
        let mut request = Request::new(outgoing);
        *request.method_mut() = parts.method.clone();
        *request.headers_mut() = headers.clone();
        match url.parse() {
            Ok(uri) => *request.uri_mut() = uri,
            Err(_) => {
                failures.push(format!("route {name}: the URL for this path is invalid"));
                continue;
            }
        }
        match fetch_with(request, &options).await {
            Ok(response) if response.status().is_server_error() && attempt < last => {
                failures.push(format!(
                    "route {name}: answered {}",
                    response.status().as_u16()
                ));
            }
            Ok(response) => {
                let (mut head, body) = response.into_parts();
                head.headers = forward::response_headers(head.headers);
                return Served {
                    response: Response::from_parts(head, body),
                    route,
                    fell_back: attempt > 0,
                };
            }
            Err(error) => failures.push(format!("route {name}: {error}")),
        }
    }
    // Which origins failed, and how, goes to the log under the request id;
    // the visitor learns nothing of them.
    let error = Error::new(
        StatusCode::BAD_GATEWAY,
        "bad gateway: no origin could answer",
    )
    .with_cause(failures.join("; "));
    Served {
        response: error.into_response(),
        route: order[last],
        fell_back: last > 0,
    }
}
