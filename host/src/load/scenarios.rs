//! The ready components on their small request, each with the loopback
//! backend it needs (the gallery's demo origin, the S3-compatible server),
//! and the limit-breaker mixed into their load.
//!
//! Every backend is addressed as `127.0.0.1:<port>`, so both hosts run the
//! component with the same settings (`wasmtime serve` cannot route a host
//! name to a port).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;

use super::generator::{Expect, RequestFn};
use crate::s3_server::{S3Server, S3ServerOptions};

const S3_ACCESS_KEY: &str = "AKIDLOAD";
const S3_SECRET_KEY: &str = "load-secret";
const S3_BUCKET: &str = "load";
const UPLOAD_TOKEN: &str = "load-token";
/// The uploader's body: small, like the other components' requests.
const UPLOAD_BYTES: usize = 1024;

/// The `.wasm` files under load.
#[derive(Debug, Clone)]
pub struct Wasms {
    /// `components/anon-proxy`.
    pub anon_proxy: PathBuf,
    /// `components/geo-router`.
    pub geo_router: PathBuf,
    /// `components/image-resize`.
    pub image_resize: PathBuf,
    /// `components/markdown`.
    pub markdown: PathBuf,
    /// `components/s3-uploader`.
    pub s3_uploader: PathBuf,
    /// `tests/components/misbehave`, the limit-breaker.
    pub misbehave: PathBuf,
}

/// One component under load: how to serve it, what to send, what it must
/// answer.
#[derive(Clone)]
pub struct Component {
    /// The component's name.
    pub name: &'static str,
    /// Its `.wasm`.
    pub wasm: PathBuf,
    /// Its settings.
    pub env: Vec<(String, String)>,
    /// The request, as the tables describe it.
    pub what: String,
    /// Makes the request.
    pub request: RequestFn,
    /// The answer it must get.
    pub expect: Expect,
}

/// The loopback backends the components use, stopped when dropped.
pub struct Backends {
    origin: SocketAddr,
    s3: S3Server,
}

impl Backends {
    /// Starts the demo origin and an S3 server with a bucket, storing under
    /// `s3_root`.
    pub async fn start(s3_root: &Path) -> anyhow::Result<Backends> {
        let origin = crate::gallery::demo_origin::start().await?;
        let s3 =
            S3Server::start(S3ServerOptions::new(s3_root, S3_ACCESS_KEY, S3_SECRET_KEY)).await?;
        s3.create_bucket(S3_BUCKET)?;
        Ok(Backends { origin, s3 })
    }
}

fn env(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.clone()))
        .collect()
}

fn get(uri: String) -> RequestFn {
    Arc::new(move |_: usize, _: u64| {
        let mut request = http::Request::new(Full::new(Bytes::new()));
        *request.uri_mut() = uri.parse().unwrap_or_default();
        request
    })
}

/// The five ready components, each on its small request.
pub fn components(wasms: &Wasms, backends: &Backends) -> Vec<Component> {
    let origin = format!("http://{}", backends.origin);
    let page = format!("{origin}/markdown/index.md");
    let encoded_page: String = page
        .bytes()
        .map(|b| match b {
            b':' | b'/' => format!("%{b:02X}"),
            _ => (b as char).to_string(),
        })
        .collect();
    let upload: RequestFn = Arc::new(|connection: usize, _: u64| {
        // One key per connection: a connection's uploads follow one another,
        // so no two run on the same key at once.
        let mut request = http::Request::new(Full::new(Bytes::from(vec![b'x'; UPLOAD_BYTES])));
        *request.method_mut() = http::Method::PUT;
        *request.uri_mut() = format!("/load/{connection}").parse().unwrap_or_default();
        if let Ok(token) = format!("Bearer {UPLOAD_TOKEN}").parse() {
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, token);
        }
        request
    });
    vec![
        Component {
            name: "anon-proxy",
            wasm: wasms.anon_proxy.clone(),
            env: env(&[
                ("ALLOWED_HOSTS", "127.0.0.1".into()),
                ("ALLOWED_PORTS", backends.origin.port().to_string()),
            ]),
            what: "GET /?url=<origin>/markdown/index.md → 200".into(),
            request: get(format!("/?url={encoded_page}")),
            expect: Expect::Status(200),
        },
        Component {
            name: "geo-router",
            wasm: wasms.geo_router.clone(),
            env: env(&[
                (
                    "ROUTES",
                    r#"{"DE": "https://de.example.com", "default": "https://www.example.com"}"#
                        .into(),
                ),
                ("ALLOW_OVERRIDE", "true".into()),
            ]),
            what: "GET /products/42?geo_country=DE → 302".into(),
            request: get("/products/42?geo_country=DE".into()),
            expect: Expect::Status(302),
        },
        Component {
            name: "image-resize",
            wasm: wasms.image_resize.clone(),
            env: env(&[("ORIGIN", format!("{origin}/images"))]),
            what: "GET /small.jpg?w=100 (320×240 JPEG from the origin) → 200".into(),
            request: get("/small.jpg?w=100".into()),
            expect: Expect::Status(200),
        },
        Component {
            name: "markdown",
            wasm: wasms.markdown.clone(),
            env: env(&[("ORIGIN", format!("{origin}/markdown"))]),
            what: "GET /index.md (from the origin) → 200".into(),
            request: get("/index.md".into()),
            expect: Expect::Status(200),
        },
        Component {
            name: "s3-uploader",
            wasm: wasms.s3_uploader.clone(),
            env: env(&[
                ("S3_ENDPOINT", backends.s3.endpoint()),
                ("S3_BUCKET", S3_BUCKET.into()),
                ("S3_ACCESS_KEY_ID", S3_ACCESS_KEY.into()),
                ("S3_SECRET_ACCESS_KEY", S3_SECRET_KEY.into()),
                ("S3_PATH_STYLE", "true".into()),
                ("OVERWRITE", "true".into()),
                ("UPLOAD_TOKEN", UPLOAD_TOKEN.into()),
            ]),
            what: format!("PUT /load/<connection>, {UPLOAD_BYTES} B → 201"),
            request: upload,
            expect: Expect::Status(201),
        },
    ]
}

/// The limit-breaker: `misbehave` with `/alloc` (grows its memory until
/// refused) and `/spin` (loops forever) in turn; each must get a 5xx.
pub fn limit_breaker(wasms: &Wasms) -> Component {
    Component {
        name: "misbehave",
        wasm: wasms.misbehave.clone(),
        env: Vec::new(),
        what: "GET /alloc and /spin in turn → 5xx".into(),
        request: Arc::new(|_: usize, sequence: u64| {
            let path = if sequence.is_multiple_of(2) {
                "/alloc"
            } else {
                "/spin"
            };
            let mut request = http::Request::new(Full::new(Bytes::new()));
            *request.uri_mut() = http::Uri::from_static(path);
            request
        }),
        expect: Expect::ServerError,
    }
}
