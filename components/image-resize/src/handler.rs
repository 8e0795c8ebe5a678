//! The HTTP handler: method and parameters, source, caching headers,
//! rendering.

use edgekit::http::header::{
    ACCEPT, ALLOW, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use edgekit::http::{HeaderMap, HeaderValue};
use edgekit::{Body, Error, IntoResponse, Method, Request, Response, StatusCode};

use crate::encode::Pieces;
use crate::negotiate::{self, FormatChoice};
use crate::params::{self, Transform};
use crate::settings::Settings;
use crate::source::Supplier;
use crate::{etag, render, source};

#[edgekit::edge_handler]
async fn handle(req: Request) -> Result<Response, Error> {
    let settings = Settings::load()?;
    let query: Vec<(String, String)> =
        form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    match *req.method() {
        Method::GET => {}
        Method::POST if settings.allow_upload && req.uri().path() == "/" => {}
        _ => {
            let allow = if settings.allow_upload {
                "GET, POST"
            } else {
                "GET"
            };
            let mut response =
                (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
            return Ok(response);
        }
    }
    let transform = params::parse(&query, &settings)?;
    let webp_accepted = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(negotiate::accepts_webp);
    let if_none_match = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The result depends on `Accept` only through `format=auto`.
    let vary = transform.format == FormatChoice::Auto;
    let key = format!("{};webp={}", transform.cache_key(), vary && webp_accepted);

    if *req.method() == Method::POST {
        let source =
            source::read_capped(req.into_body(), settings.max_input_bytes, Supplier::Upload)
                .await?;
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return respond(source, &transform, &settings, webp_accepted, vary, headers);
    }

    let origin = settings.origin.as_deref().ok_or_else(|| {
        Error::new(
            StatusCode::NOT_FOUND,
            "this service only converts uploads (POST /)",
        )
    })?;
    let url = source::origin_url(origin, req.uri().path())?;
    let fetched = source::fetch_origin(&url, &settings.timeouts).await?;
    let mut headers = HeaderMap::new();
    match (settings.cache_ttl, fetched.cache_control) {
        (Some(ttl), _) => {
            let value =
                HeaderValue::try_from(format!("public, max-age={ttl}")).map_err(Error::internal)?;
            headers.insert(CACHE_CONTROL, value);
        }
        (None, Some(origin_value)) => {
            headers.insert(CACHE_CONTROL, origin_value);
        }
        (None, None) => {}
    }
    // With the origin's ETag the answer to a revalidation is known before
    // the source is read; without one, the source's bytes identify it.
    let source_etag = fetched.etag.as_ref().map(|v| v.as_bytes().to_vec());
    if let Some(source_etag) = &source_etag {
        let tag = etag::etag(source_etag, &format!("{url};{key}"));
        if let Some(response) = not_modified(if_none_match.as_deref(), &tag, &headers, vary) {
            return Ok(response);
        }
        headers.insert(ETAG, HeaderValue::try_from(tag).map_err(Error::internal)?);
    }
    let source = source::read_capped(
        fetched.body,
        settings.max_input_bytes,
        Supplier::Origin(fetched.deadline),
    )
    .await?;
    if source_etag.is_none() {
        let tag = etag::etag(&source, &format!("{url};{key}"));
        if let Some(response) = not_modified(if_none_match.as_deref(), &tag, &headers, vary) {
            return Ok(response);
        }
        headers.insert(ETAG, HeaderValue::try_from(tag).map_err(Error::internal)?);
    }
    respond(source, &transform, &settings, webp_accepted, vary, headers)
}

/// A `304` when `If-None-Match` names `tag`.
fn not_modified(
    if_none_match: Option<&str>,
    tag: &str,
    headers: &HeaderMap,
    vary: bool,
) -> Option<Response> {
    if !if_none_match.is_some_and(|h| etag::none_match(h, tag)) {
        return None;
    }
    let mut headers = headers.clone();
    headers.insert(ETAG, HeaderValue::try_from(tag).ok()?);
    if vary {
        headers.insert(VARY, HeaderValue::from_static("Accept"));
    }
    Some((StatusCode::NOT_MODIFIED, headers, ()).into_response())
}

/// Renders `source` and answers with it.
fn respond(
    source: Vec<u8>,
    transform: &Transform,
    settings: &Settings,
    webp_accepted: bool,
    vary: bool,
    mut headers: HeaderMap,
) -> Result<Response, Error> {
    let rendered = render::render(source, transform, settings, webp_accepted)?;
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(rendered.format.mime()),
    );
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if vary {
        headers.insert(VARY, HeaderValue::from_static("Accept"));
    }
    Ok((StatusCode::OK, headers, body(rendered.bytes)).into_response())
}

/// The encoded pieces as a body: one piece as it is (with its length), more
/// streamed one after another rather than copied into one buffer.
fn body(pieces: Pieces) -> Body {
    let mut pieces = pieces.into_pieces();
    if pieces.len() <= 1 {
        return Body::from(pieces.pop().unwrap_or_default());
    }
    let chunks = pieces.into_iter().map(Ok::<_, std::convert::Infallible>);
    Body::from_stream(futures_lite::stream::iter(chunks))
}
