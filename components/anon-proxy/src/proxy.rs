//! One proxied request, from the client's request to the streamed answer.

use std::convert::Infallible;

use bytes::Bytes;
use edgekit::http::header::{ALLOW, CONTENT_LENGTH, LOCATION, WWW_AUTHENTICATE};
use edgekit::http::{HeaderValue, Method, StatusCode};
use edgekit::{Body, Error, FetchErrorKind, IntoResponse, Request, Response, fetch_with};
use url::Url;

use crate::capped::Capped;
use crate::config::RedirectMode;
use crate::redirect::{is_redirect, location, next_method, through_proxy};
use crate::settings::Settings;
use crate::{access, cors, headers, params, response_headers, self_loop, uri};

/// Answers `request`; every refusal is an [`Error`] with the status the
/// README documents, raised before anything is sent.
pub async fn handle(request: Request, settings: &Settings) -> Result<Response, Error> {
    if let Some(origin) = &settings.cors_origin
        && cors::is_preflight(request.method(), request.headers())
    {
        return Ok(cors::preflight(
            origin,
            &settings.methods,
            &settings.forward,
        ));
    }
    if !settings.methods.contains(request.method()) {
        return Ok(method_not_allowed(&settings.methods));
    }
    let query = request.uri().query().unwrap_or_default().to_owned();
    let query_token = params::token(&query);
    if let Some(expected) = &settings.token {
        let given = access::presented(request.headers(), query_token.as_deref());
        if !given.is_some_and(|given| access::token_matches(expected.expose(), given)) {
            return Ok(unauthorized());
        }
    }
    if is_service_worker_fetch(request.headers()) {
        return Err(Error::new(
            StatusCode::FORBIDDEN,
            "service workers cannot be registered through this proxy",
        ));
    }
    let user_agent = settings.user_agent.to_str().unwrap_or_default();
    if self_loop::came_through_a_proxy(request.headers(), user_agent) {
        return Err(loop_detected("the request came through this proxy"));
    }
    let target =
        params::target(&query).map_err(|e| Error::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    let own = own_address(&request);
    let (parts, body) = request.into_parts();
    // GET and HEAD send no body, whatever the client attached.
    let body = match parts.method {
        Method::GET | Method::HEAD => Body::empty(),
        _ => body,
    };
    let hop = Hop {
        url: target,
        method: parts.method.clone(),
        body,
    };
    let outgoing_headers =
        headers::outgoing(&parts.headers, &settings.forward, &settings.user_agent);
    let (response, final_url) = fetch_following(
        hop,
        &outgoing_headers,
        &own,
        query_token.as_deref(),
        settings,
    )
    .await?;
    Ok(pass_on(response, &final_url, &parts.method, settings))
}

/// One request to send.
struct Hop {
    url: Url,
    method: Method,
    body: Body,
}

/// How the client reached the proxy: `(scheme, authority)`.
fn own_address(request: &Request) -> Option<(String, String)> {
    let authority = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get("host")
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })?;
    let scheme = request.uri().scheme_str().unwrap_or("http").to_owned();
    Some((scheme, authority))
}

/// Sends `hop`, and in `follow` mode the redirects after it, each checked
/// like the first target. Returns the last response and the URL that gave it.
async fn fetch_following(
    mut hop: Hop,
    outgoing_headers: &edgekit::HeaderMap,
    own: &Option<(String, String)>,
    token: Option<&str>,
    settings: &Settings,
) -> Result<(Response, Url), Error> {
    let mut visited: Vec<Url> = Vec::new();
    loop {
        settings.policy.check(&hop.url).map_err(|blocked| {
            Error::new(StatusCode::FORBIDDEN, format!("blocked target: {blocked}"))
        })?;
        if let Some((scheme, authority)) = own
            && self_loop::targets_itself(&hop.url, authority, scheme)
        {
            return Err(loop_detected("the target is this proxy"));
        }
        let sent_body = hop.body.exact_len() != Some(0);
        let uri = uri::to_uri(&hop.url).map_err(|e| Error::new(StatusCode::BAD_REQUEST, e))?;
        let mut outgoing = edgekit::http::Request::new(hop.body);
        *outgoing.method_mut() = hop.method.clone();
        *outgoing.uri_mut() = uri;
        *outgoing.headers_mut() = outgoing_headers.clone();
        let mut response = fetch_with(outgoing, &settings.fetch).await.map_err(|e| {
            let (status, message) = match e.kind() {
                FetchErrorKind::Denied => (
                    StatusCode::FORBIDDEN,
                    "blocked target: the platform's egress policy refused it",
                ),
                FetchErrorKind::Timeout => (
                    StatusCode::GATEWAY_TIMEOUT,
                    "the target did not answer in time",
                ),
                _ => (StatusCode::BAD_GATEWAY, "the target could not be reached"),
            };
            Error::new(status, message).with_cause(e)
        })?;

        let status = response.status();
        let Some(next) = is_redirect(status)
            .then(|| location(response.headers(), &hop.url))
            .flatten()
        else {
            return Ok((response, hop.url));
        };
        let next = next.map_err(|why| {
            Error::new(
                StatusCode::BAD_GATEWAY,
                "the target sent an invalid redirect",
            )
            .with_cause(why)
        })?;
        let method = next_method(status, &hop.method);
        // A streamed request body is gone once sent: a redirect that would
        // need it again goes back to the client, through the proxy.
        let replays_body = sent_body && method == hop.method;
        if settings.redirect_mode == RedirectMode::Rewrite || replays_body {
            let rewritten = through_proxy(&next, token);
            if let Ok(value) = HeaderValue::from_str(&rewritten) {
                response.headers_mut().insert(LOCATION, value);
            }
            return Ok((response, hop.url));
        }
        if visited.len() as u32 >= settings.max_redirects {
            return Err(Error::new(
                StatusCode::BAD_GATEWAY,
                format!(
                    "too many redirects (MAX_REDIRECTS is {})",
                    settings.max_redirects
                ),
            ));
        }
        visited.push(hop.url.clone());
        if visited.contains(&next) {
            return Err(loop_detected("the target redirects in a loop"));
        }
        drop(response);
        hop = Hop {
            url: next,
            method,
            body: Body::empty(),
        };
    }
}

/// The target's response as the client gets it: cleaned headers, the body
/// streamed through the size cap.
fn pass_on(response: Response, url: &Url, method: &Method, settings: &Settings) -> Response {
    let (mut parts, body) = response.into_parts();
    response_headers::clean_response(&mut parts.headers, settings.sandbox);
    let limit = settings.max_response_bytes;
    let body = if *method == Method::HEAD {
        // No body follows a HEAD answer. The target's Content-Length cannot
        // stay (hosts check it against the bytes written), and an empty
        // stream of unknown length keeps the SDK from claiming `0`.
        parts.headers.remove(CONTENT_LENGTH);
        Body::from_stream(futures_lite::stream::empty::<Result<Bytes, Infallible>>())
    } else {
        match body.exact_len() {
            // Known and small enough: passed on as is, the fastest copy.
            Some(len) if len <= limit => body,
            Some(len) => {
                let error = Error::new(
                    StatusCode::BAD_GATEWAY,
                    "the target's response is larger than MAX_RESPONSE_BYTES",
                )
                .with_cause(format!(
                    "{url} answered with {len} bytes, over the {limit} byte limit"
                ));
                parts.headers.remove(CONTENT_LENGTH);
                return error.into_response();
            }
            None => Body::from_http_body(Capped::new(body, limit)),
        }
    };
    Response::from_parts(parts, body)
}

/// A browser fetching a service worker's script says so: a proxied
/// script would control every page of the proxy's origin.
fn is_service_worker_fetch(headers: &edgekit::HeaderMap) -> bool {
    headers
        .get_all("service-worker")
        .iter()
        .any(|value| value.as_bytes().eq_ignore_ascii_case(b"script"))
}

fn method_not_allowed(methods: &[Method]) -> Response {
    let allowed = methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!("method not allowed (allowed: {allowed})");
    let mut response = Error::new(StatusCode::METHOD_NOT_ALLOWED, message).into_response();
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

fn unauthorized() -> Response {
    let mut response =
        Error::new(StatusCode::UNAUTHORIZED, "a valid access token is required").into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn loop_detected(why: &'static str) -> Error {
    Error::new(StatusCode::LOOP_DETECTED, format!("loop detected: {why}"))
}

/// Headers added to every answer, errors included.
pub fn finish(response: &mut Response, settings: &Settings) {
    response_headers::add_privacy(response.headers_mut());
    if let Some(origin) = &settings.cors_origin {
        cors::allow(response.headers_mut(), origin);
    }
}
