//! SDK: router paths and percent-decoding of path parameters.
#![no_main]

use edgekit::router::Router;
use edgekit::{Body, Method, Request, StatusCode};
use futures_lite::future::block_on;
use libfuzzer_sys::fuzz_target;

const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "DELETE", "OPTIONS", "PATCH"];

/// Echoes every parameter, one `name=value` per line.
fn echo(req: Request) -> String {
    let params = req
        .extensions()
        .get::<edgekit::router::Params>()
        .expect("the router sets the parameters");
    params.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

fn router() -> Router {
    let api = Router::new()
        .get("/", echo)
        .get("/todos/{id}", echo)
        .delete("/todos/{id}", echo)
        .get("/users/{user}/files/{*path}", echo);
    Router::new()
        .get("/", echo)
        .post("/upload/{name}", echo)
        .any("/health", echo)
        .get("/static/{*rest}", echo)
        .nest("/api/v1", api)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, path)) = data.split_first() else {
        return;
    };
    let Ok(path) = std::str::from_utf8(path) else {
        return;
    };
    let method = METHODS[usize::from(selector) % METHODS.len()];
    let Ok(uri) = path.parse::<edgekit::Uri>() else {
        return;
    };
    let raw_path = uri.path().to_string();
    let req: Request = edgekit::http::Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = block_on(router().handle(req));
    let status = response.status();
    assert!(
        [
            StatusCode::OK,
            StatusCode::NO_CONTENT,
            StatusCode::NOT_FOUND,
            StatusCode::METHOD_NOT_ALLOWED
        ]
        .contains(&status),
        "{status} for {method} {raw_path}"
    );
    if status == StatusCode::OK && method != Method::HEAD.as_str() {
        let text = block_on(response.into_body().text()).unwrap();
        for line in text.lines() {
            let Some((_, value)) = line.split_once('=') else {
                continue;
            };
            // Decoding only ever shortens: `%XX` is three bytes for one.
            assert!(value.len() <= raw_path.len(), "{value:?} from {raw_path:?}");
        }
    }
});
