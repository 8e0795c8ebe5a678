//! Routing rules, run on the host target.

use futures_lite::future::block_on;
use http::{Method, StatusCode};

use super::Router;
use crate::{Body, Request, RequestExt, Response};

fn send(router: &Router, method: Method, path: &str) -> (StatusCode, String, Response) {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    let response = block_on(router.handle(req));
    let (parts, body) = response.into_parts();
    let text = block_on(body.text()).unwrap();
    let status = parts.status;
    (status, text, Response::from_parts(parts, Body::empty()))
}

fn todos() -> Router {
    let todo = |req: Request| format!("todo {}", req.param("id").unwrap_or("?"));
    Router::new()
        .get("/todos", |_req: Request| "list")
        .post("/todos", |_req: Request| async {
            (StatusCode::CREATED, "made")
        })
        .get("/todos/{id}", todo)
        .patch("/todos/{id}", |_req: Request| "patched")
        .delete("/todos/{id}", |_req: Request| StatusCode::NO_CONTENT)
        .get("/files/{*path}", |req: Request| {
            req.param("path").unwrap_or_default().to_string()
        })
}

#[test]
fn methods_and_params() {
    let r = todos();
    assert_eq!(send(&r, Method::GET, "/todos").1, "list");
    let (status, text, _) = send(&r, Method::POST, "/todos");
    assert_eq!((status, text.as_str()), (StatusCode::CREATED, "made"));
    assert_eq!(send(&r, Method::GET, "/todos/42").1, "todo 42");
    assert_eq!(send(&r, Method::GET, "/todos/a%20b").1, "todo a b");
    assert_eq!(send(&r, Method::PATCH, "/todos/1").1, "patched");
    assert_eq!(
        send(&r, Method::DELETE, "/todos/1").0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(&r, Method::GET, "/files/a/b/c.txt").1, "a/b/c.txt");
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405_with_allow() {
    let r = todos();
    assert_eq!(send(&r, Method::GET, "/nope").0, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&r, Method::GET, "/todos/1/extra").0,
        StatusCode::NOT_FOUND
    );
    let (status, _, response) = send(&r, Method::PUT, "/todos");
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST, OPTIONS");
    let (_, _, response) = send(&r, Method::PUT, "/todos/1");
    assert_eq!(
        response.headers()["allow"],
        "GET, HEAD, PATCH, DELETE, OPTIONS"
    );
}

#[test]
fn head_uses_get_without_a_body_and_options_lists_methods() {
    let r = todos();
    let (status, text, response) = send(&r, Method::HEAD, "/todos/7");
    assert_eq!((status, text.as_str()), (StatusCode::OK, ""));
    assert!(!response.headers().contains_key("content-length"));
    let (status, text, response) = send(&r, Method::OPTIONS, "/todos");
    assert_eq!((status, text.as_str()), (StatusCode::NO_CONTENT, ""));
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST, OPTIONS");
    assert_eq!(send(&r, Method::OPTIONS, "/nope").0, StatusCode::NOT_FOUND);
}

#[test]
fn nested_routers_mount_under_a_prefix() {
    let api = Router::new()
        .get("/", |_req: Request| "api root")
        .get("/items/{id}", |req: Request| {
            format!("item {}", req.param("id").unwrap_or_default())
        });
    let r = Router::new()
        .get("/", |_req: Request| "home")
        .nest("/api/", api);
    assert_eq!(send(&r, Method::GET, "/").1, "home");
    assert_eq!(send(&r, Method::GET, "/api").1, "api root");
    assert_eq!(send(&r, Method::GET, "/api/items/9").1, "item 9");
    assert_eq!(send(&r, Method::GET, "/items/9").0, StatusCode::NOT_FOUND);
}

#[test]
fn any_handles_every_method_but_specific_ones_win() {
    let r = Router::new()
        .any("/x", |req: Request| format!("any {}", req.method()))
        .get("/x", |_req: Request| "get");
    assert_eq!(send(&r, Method::GET, "/x").1, "get");
    assert_eq!(send(&r, Method::PUT, "/x").1, "any PUT");
}

#[test]
fn bad_routes_answer_500_instead_of_panicking() {
    for r in [
        Router::new().get("no-slash", |_req: Request| ""),
        Router::new()
            .get("/a", |_req: Request| "")
            .get("/a", |_req: Request| ""),
        Router::new()
            .get("/{a}", |_req: Request| "")
            .get("/{b}", |_req: Request| ""),
    ] {
        assert_eq!(
            send(&r, Method::GET, "/a").0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
