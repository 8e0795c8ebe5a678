//! The HTTP side: `GET`/`HEAD` pages from the origin, `POST /render`.

use edgekit::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use edgekit::{Body, Error, Request, Response};

use crate::budget::{Budget, TooComplex};
use crate::config::{ActiveContent, Config, RawHtml};
use crate::etag;
use crate::negotiate::wants_source;
use crate::origin::{self, Fetched};
use crate::page::Layout;
use crate::paths;
use crate::render::{Rendered, Renderer};
use crate::timeouts::{Deadline, Timeouts};

/// Everything a request needs from the configuration, built once per request.
struct Site {
    config: Config,
    renderer: Renderer,
    layout: Layout,
    timeouts: Timeouts,
}

/// A `500` naming the setting an operator must fix (never its value).
fn misconfigured(key: &str, why: &str) -> Error {
    Error::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("configuration error: {key} {why}"),
    )
}

impl Site {
    fn load() -> Result<Site, Error> {
        let config: Config = edgekit::config::load()?;
        if config
            .origin
            .as_ref()
            .is_some_and(|url| !matches!(url.scheme(), "http" | "https"))
        {
            return Err(misconfigured(
                "ORIGIN",
                "must be an http:// or https:// URL",
            ));
        }
        if config.memory_limit < 16 << 20 {
            return Err(misconfigured(
                "MEMORY_LIMIT",
                "must be at least 16777216 (16 MiB)",
            ));
        }
        let timeouts = Timeouts::from_seconds(
            config.connect_timeout,
            config.first_byte_timeout,
            config.between_bytes_timeout,
            config.total_timeout,
        )
        .map_err(|key| misconfigured(key, "must be from 1 to 3600 seconds"))?;
        let renderer = Renderer::new(config.flavor, config.raw_html);
        // The footer is the operator's Markdown, rendered like the pages.
        let footer_html = match config.footer.as_deref() {
            Some(footer) => Some(
                renderer
                    .render_within(footer, &Budget::under(config.memory_limit))
                    .map_err(|_| misconfigured("FOOTER", "is too large to render"))?
                    .html,
            ),
            None => None,
        };
        let layout = Layout {
            theme: config.theme,
            css_url: config.css_url.as_ref().map(|u| u.to_string()),
            site_title: config.site_title.clone(),
            footer_html,
            head_html: config.head_html.clone(),
        };
        Ok(Site {
            config,
            renderer,
            layout,
            timeouts,
        })
    }
}

#[edgekit::edge_handler]
async fn handle(req: Request) -> Result<Response, Error> {
    let site = Site::load()?;
    let is_render = req.uri().path() == "/render";
    match *req.method() {
        Method::POST if is_render => render_posted(&site, req).await,
        Method::GET | Method::HEAD => Ok(from_origin(&site, req).await),
        _ => {
            let allow = if is_render {
                "GET, HEAD, POST"
            } else {
                "GET, HEAD"
            };
            let mut response = site.error(
                StatusCode::METHOD_NOT_ALLOWED,
                "This method is not supported here.",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
            Ok(response)
        }
    }
}

/// `POST /render`: the body's Markdown as a fragment, or a page with `?page=true`.
async fn render_posted(site: &Site, req: Request) -> Result<Response, Error> {
    let query = req.uri().query().map(str::to_owned);
    let source_wanted = wants_source(header_str(req.headers(), header::ACCEPT), query.as_deref());
    let markdown = match req
        .into_body()
        .limit(site.config.max_input_bytes)
        .bytes()
        .await
    {
        Ok(markdown) => markdown,
        Err(e) if e.is_too_large() => {
            return Ok(site.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "This document is larger than this site renders.",
            ));
        }
        Err(e) => {
            log(&format!("POST /render: {e}"));
            return Ok(site.error(StatusCode::BAD_REQUEST, "The document could not be read."));
        }
    };
    if source_wanted {
        return Ok(markdown_source(Body::from(markdown), None));
    }
    let rendered = match site.render(&markdown) {
        Ok(rendered) => rendered,
        Err(why) => return Ok(site.too_complex(why)),
    };
    let whole_page = query.is_some_and(|q| q.split('&').any(|p| p == "page=true" || p == "page=1"));
    let html = if whole_page {
        let title = rendered
            .title
            .as_deref()
            .or(site.config.site_title.as_deref());
        site.layout
            .page(title.unwrap_or("Untitled"), &rendered.html)
    } else {
        rendered.html
    };
    let mut response = site.html(StatusCode::OK, html);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET`/`HEAD /<path>`: the origin's file, rendered when it is Markdown.
async fn from_origin(site: &Site, req: Request) -> Response {
    let head = req.method() == Method::HEAD;
    let response = match fetch_page(site, &req).await {
        Ok(response) => response,
        Err(response) => response,
    };
    if head {
        without_body(response)
    } else {
        response
    }
}

async fn fetch_page(site: &Site, req: &Request) -> Result<Response, Response> {
    let Some(origin_url) = &site.config.origin else {
        return Err(site.error(StatusCode::NOT_FOUND, "This site has no origin configured."));
    };
    let path = req.uri().path();
    if paths::is_unsafe(path) {
        return Err(site.error(StatusCode::BAD_REQUEST, "This path is not allowed."));
    }
    let candidates = paths::candidates(path, &site.config.index_file);
    let last = candidates.len() - 1;
    for (i, candidate) in candidates.iter().enumerate() {
        let Some(url) = origin::url_for(origin_url, candidate) else {
            return Err(site.error(StatusCode::BAD_REQUEST, "This path is not allowed."));
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static("edgekit-markdown"),
        );
        if candidates.len() == 1 && !paths::has_markdown_extension(candidate) {
            // An asset (a path with another extension): let the origin answer
            // `304` to the client's validators. Pages are validated against
            // the rendered output's own ETag instead.
            for name in [header::IF_NONE_MATCH, header::IF_MODIFIED_SINCE] {
                if let Some(value) = req.headers().get(&name) {
                    headers.insert(name, value.clone());
                }
            }
        }
        let fetched = origin::get(
            origin_url,
            url,
            &headers,
            site.config.max_redirects,
            &site.timeouts,
        )
        .await
        .map_err(|e| {
            log(&format!("{} {path}: {e}", req.method()));
            site.error(e.status(), "The site's origin could not be reached.")
        })?;
        let status = fetched.response.status();
        let not_found = status == StatusCode::NOT_FOUND || status == StatusCode::GONE;
        if not_found && i < last {
            continue;
        }
        return site.answer(req, fetched).await;
    }
    Err(site.error(StatusCode::NOT_FOUND, "There is no page at this address."))
}

impl Site {
    /// The client's response for what the origin answered.
    async fn answer(&self, req: &Request, fetched: Fetched) -> Result<Response, Response> {
        let Fetched {
            response,
            url,
            deadline,
        } = fetched;
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Err(self.error(StatusCode::NOT_FOUND, "There is no page at this address."));
        }
        let content_type = header_str(response.headers(), header::CONTENT_TYPE).unwrap_or("");
        let markdown =
            paths::has_markdown_extension(url.path()) || paths::is_markdown_type(content_type);
        if !markdown {
            return pass_through(response, self.config.active_content)
                .ok_or_else(|| self.error(StatusCode::FORBIDDEN, "This file is not served here."));
        }
        if status.is_server_error() || !(status.is_success() || status.is_client_error()) {
            log(&format!("origin answered {status} for {}", url.path()));
            return Err(self.error(
                StatusCode::BAD_GATEWAY,
                "The site's origin failed to answer.",
            ));
        }
        if status.is_client_error() {
            return Err(self.error(status, "The origin refused this page."));
        }
        let cache_control = self.cache_control(response.headers());
        if wants_source(header_str(req.headers(), header::ACCEPT), req.uri().query()) {
            let origin_headers = response.headers().clone();
            // The source is the origin's file: its ETag is the validator.
            if let (Some(inm), Some(tag)) = (
                header_str(req.headers(), header::IF_NONE_MATCH),
                header_str(&origin_headers, header::ETAG),
            ) && etag::matches(inm, tag)
            {
                let mut response = markdown_source(Body::empty(), cache_control);
                *response.status_mut() = StatusCode::NOT_MODIFIED;
                if let Some(value) = origin_headers.get(header::ETAG) {
                    response.headers_mut().insert(header::ETAG, value.clone());
                }
                return Ok(response);
            }
            let mut source = markdown_source(response.into_body(), cache_control);
            for name in [header::ETAG, header::LAST_MODIFIED, header::CONTENT_LENGTH] {
                if let Some(value) = origin_headers.get(&name) {
                    source.headers_mut().insert(name, value.clone());
                }
            }
            return Ok(source);
        }
        let bytes = self.read_document(response.into_body(), deadline).await?;
        let rendered = self.render(&bytes).map_err(|why| self.too_complex(why))?;
        let title = rendered
            .title
            .as_deref()
            .or(self.config.site_title.as_deref())
            .unwrap_or_else(|| file_name(url.path()));
        let html = self.layout.page(title, &rendered.html);
        let tag = etag::etag(html.as_bytes());
        let mut response = if header_str(req.headers(), header::IF_NONE_MATCH)
            .is_some_and(|inm| etag::matches(inm, &tag))
        {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            self.html(StatusCode::OK, html)
        };
        let headers = response.headers_mut();
        if let Ok(tag) = HeaderValue::from_str(&tag) {
            headers.insert(header::ETAG, tag);
        }
        if let Some(cache_control) = cache_control {
            headers.insert(header::CACHE_CONTROL, cache_control);
        }
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        Ok(response)
    }

    /// Reads an origin document whole: past `MAX_INPUT_BYTES` is a `502`,
    /// and so is a body that breaks off; one still arriving at the
    /// deadline is a `504`.
    async fn read_document(&self, mut body: Body, deadline: Deadline) -> Result<Vec<u8>, Response> {
        let limit = self.config.max_input_bytes;
        if body.exact_len().is_some_and(|len| len > limit as u64) {
            return Err(self.too_large_from_origin());
        }
        let mut bytes = Vec::with_capacity(body.exact_len().unwrap_or(0) as usize);
        let mut last = std::time::Instant::now();
        loop {
            match body.chunk().await {
                Ok(Some(chunk)) => {
                    last = std::time::Instant::now();
                    if deadline.check().is_err() {
                        return Err(self.error(
                            StatusCode::GATEWAY_TIMEOUT,
                            "The site's origin was too slow.",
                        ));
                    }
                    if bytes.len() + chunk.len() > limit {
                        return Err(self.too_large_from_origin());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(bytes),
                Err(e) => {
                    log(&format!(
                        "reading the origin's document, {:?} after its last piece: {e}",
                        last.elapsed()
                    ));
                    let (status, message) = match deadline.timed_out_since(last) {
                        true => (
                            StatusCode::GATEWAY_TIMEOUT,
                            "The site's origin was too slow.",
                        ),
                        false => (
                            StatusCode::BAD_GATEWAY,
                            "The site's origin failed to answer.",
                        ),
                    };
                    return Err(self.error(status, message));
                }
            }
        }
    }

    fn too_large_from_origin(&self) -> Response {
        self.error(
            StatusCode::BAD_GATEWAY,
            "This document is larger than this site renders.",
        )
    }

    /// Renders a document within the memory budget.
    fn render(&self, markdown: &[u8]) -> Result<Rendered, TooComplex> {
        let budget = Budget::under(self.config.memory_limit);
        self.renderer
            .render_within(&String::from_utf8_lossy(markdown), &budget)
    }

    /// The `422` for a document whose syntax or HTML would not fit.
    fn too_complex(&self, why: TooComplex) -> Response {
        let message = match why {
            TooComplex::Nodes => {
                "This document has more Markdown structure than this site renders."
            }
            TooComplex::Output => "This document renders to more HTML than this site sends.",
        };
        self.error(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// `CACHE_TTL` when set, else the origin's own `Cache-Control`.
    fn cache_control(&self, origin: &HeaderMap) -> Option<HeaderValue> {
        match self.config.cache_ttl {
            Some(ttl) => HeaderValue::from_str(&format!("public, max-age={ttl}")).ok(),
            None => origin.get(header::CACHE_CONTROL).cloned(),
        }
    }

    /// An HTML response with the security headers every page gets.
    fn html(&self, status: StatusCode, html: String) -> Response {
        let mut response = Response::new(Body::from(html));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        // Pages carry no script of their own: unless the operator allows raw
        // HTML or adds trusted `<head>` HTML, the browser runs none at all.
        if self.config.raw_html != RawHtml::Allow && self.config.head_html.is_none() {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("script-src 'none'; object-src 'none'; base-uri 'none'"),
            );
        }
        response
    }

    /// A styled error page.
    fn error(&self, status: StatusCode, message: &str) -> Response {
        let heading = status.canonical_reason().unwrap_or("Error");
        let mut response = self.html(status, self.layout.error_page(heading, message));
        if status.is_server_error() {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        response
    }
}

/// The Markdown source as `text/markdown`.
fn markdown_source(body: Body, cache_control: Option<HeaderValue>) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/markdown; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    if let Some(cache_control) = cache_control {
        headers.insert(header::CACHE_CONTROL, cache_control);
    }
    response
}

/// The origin's response, streaming, less hop-by-hop headers, under the
/// `ACTIVE_CONTENT` policy; `None` when the policy refuses it.
fn pass_through(mut response: Response, policy: ActiveContent) -> Option<Response> {
    let headers = response.headers_mut();
    for name in [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::TE,
        header::TRAILER,
        header::UPGRADE,
        header::PROXY_AUTHENTICATE,
    ] {
        headers.remove(name);
    }
    headers.remove("keep-alive");
    match policy {
        ActiveContent::Refuse
            if paths::is_active_type(header_str(headers, header::CONTENT_TYPE)) =>
        {
            return None;
        }
        // The sandbox applies only where a browser shows the file as a
        // document; images, styles and scripts loaded by pages ignore it.
        ActiveContent::Sandbox => {
            headers.append(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            );
        }
        _ => {}
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Some(response)
}

/// A `HEAD` answer: the same head, and an empty body of no stated
/// length. (wasi:http checks a `Content-Length` against the bytes written,
/// so the `GET`'s cannot be kept; without this the SDK would state the
/// empty body's, `0`.)
fn without_body(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let nothing = futures_lite::stream::empty::<Result<Vec<u8>, std::convert::Infallible>>();
    Response::from_parts(parts, Body::from_stream(nothing))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn file_name(path: &str) -> &str {
    path.rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("Untitled")
}

fn log(message: &str) {
    eprintln!("markdown: {message}");
}
