//! [`Router`]: dispatch by method and path, with path parameters.
//!
//! Paths use `matchit`'s syntax: `/todos/{id}` captures one segment,
//! `/files/{*path}` the rest of the path. An unknown path answers `404`; a
//! known path with another method answers `405` with an `Allow` header;
//! `HEAD` is served by the `GET` handler without a body; `OPTIONS` answers
//! `204` with `Allow` unless a handler is registered for it.
//!
//! ```no_run
//! use edgekit::router::Router;
//! use edgekit::{Request, RequestExt, Response};
//!
//! fn show(req: Request) -> String {
//!     format!("todo {}", req.param("id").unwrap_or_default())
//! }
//!
//! async fn create(req: Request) -> Result<String, edgekit::Error> {
//!     Ok(req.into_body().text().await?)
//! }
//!
//! #[edgekit::edge_handler]
//! async fn handle(req: Request) -> Response {
//!     let api = Router::new().get("/todos/{id}", show).post("/todos", create);
//!     Router::new()
//!         .get("/", |_req: Request| "home")
//!         .nest("/api", api)
//!         .handle(req)
//!         .await
//! }
//! ```

mod handler;
mod params;
#[cfg(test)]
mod tests;

use http::header::{ALLOW, CONTENT_LENGTH, HeaderValue};
use http::{Method, StatusCode};

use crate::{Body, Error, IntoResponse, Request, Response};

pub use handler::Handler;
pub use params::Params;

use handler::{BoxHandler, boxed};

/// Routes requests to handlers by method and path.
///
/// ```
/// use edgekit::router::Router;
/// use edgekit::Request;
///
/// let router = Router::new()
///     .get("/todos", |_req: Request| "list")
///     .post("/todos", |_req: Request| "create")
///     .any("/health", |_req: Request| "ok");
/// ```
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
    /// A route that could not be added (bad or conflicting pattern):
    /// reported when a request is handled, since building is infallible.
    error: Option<String>,
}

/// One path pattern and its handlers.
struct Route {
    path: String,
    /// `None` is the `any` handler.
    handlers: Vec<(Option<Method>, BoxHandler)>,
}

impl Router {
    /// An empty router: every request is a `404`.
    ///
    /// ```
    /// let router = edgekit::router::Router::new();
    /// ```
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds `handler` for `GET` (and so `HEAD`) requests to `path`.
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let router = Router::new().get("/", |_req: Request| "hello");
    /// ```
    pub fn get<H: Handler<M>, M>(self, path: &str, handler: H) -> Router {
        self.route(Method::GET, path, handler)
    }

    /// Adds `handler` for `POST` requests to `path`.
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let router = Router::new().post("/todos", |_req: Request| edgekit::StatusCode::CREATED);
    /// ```
    pub fn post<H: Handler<M>, M>(self, path: &str, handler: H) -> Router {
        self.route(Method::POST, path, handler)
    }

    /// Adds `handler` for `PUT` requests to `path`.
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let router = Router::new().put("/todos/{id}", |_req: Request| "replaced");
    /// ```
    pub fn put<H: Handler<M>, M>(self, path: &str, handler: H) -> Router {
        self.route(Method::PUT, path, handler)
    }

    /// Adds `handler` for `PATCH` requests to `path`.
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let router = Router::new().patch("/todos/{id}", |_req: Request| "updated");
    /// ```
    pub fn patch<H: Handler<M>, M>(self, path: &str, handler: H) -> Router {
        self.route(Method::PATCH, path, handler)
    }

    /// Adds `handler` for `DELETE` requests to `path`.
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let router = Router::new().delete("/todos/{id}", |_req: Request| edgekit::StatusCode::NO_CONTENT);
    /// ```
    pub fn delete<H: Handler<M>, M>(self, path: &str, handler: H) -> Router {
        self.route(Method::DELETE, path, handler)
    }

    /// Adds `handler` for every method at `path` (methods with their own
    /// handler still go to it).
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let router = Router::new().any("/echo", |req: Request| req.method().to_string());
    /// ```
    pub fn any<H: Handler<M>, M>(self, path: &str, handler: H) -> Router {
        self.add(None, path, boxed(handler))
    }

    /// Adds `handler` for `method` requests to `path`.
    ///
    /// ```
    /// # use edgekit::{router::Router, Request, Method};
    /// let router = Router::new().route(Method::OPTIONS, "/", |_req: Request| "custom options");
    /// ```
    pub fn route<H: Handler<M>, M>(self, method: Method, path: &str, handler: H) -> Router {
        self.add(Some(method), path, boxed(handler))
    }

    /// Mounts every route of `router` under `prefix` (`/api` + `/todos` is
    /// `/api/todos`; the sub-router's `/` is `/api` itself).
    ///
    /// ```
    /// # use edgekit::{router::Router, Request};
    /// let v1 = Router::new().get("/todos", |_req: Request| "v1 todos");
    /// let router = Router::new().nest("/v1", v1);
    /// ```
    pub fn nest(mut self, prefix: &str, router: Router) -> Router {
        if let Some(error) = router.error {
            self.error.get_or_insert(error);
        }
        let prefix = prefix.trim_end_matches('/');
        for route in router.routes {
            let path = match route.path.as_str() {
                "/" if !prefix.is_empty() => prefix.to_string(),
                path => format!("{prefix}{path}"),
            };
            for (method, handler) in route.handlers {
                self = self.add(method, &path, handler);
            }
        }
        self
    }

    fn add(mut self, method: Option<Method>, path: &str, handler: BoxHandler) -> Router {
        if !path.starts_with('/') {
            self.error
                .get_or_insert_with(|| format!("route {path:?} must start with '/'"));
            return self;
        }
        match self.routes.iter_mut().find(|r| r.path == path) {
            Some(route) => {
                if route.handlers.iter().any(|(m, _)| *m == method) {
                    self.error
                        .get_or_insert_with(|| format!("route {path:?} is registered twice"));
                } else {
                    route.handlers.push((method, handler));
                }
            }
            None => self.routes.push(Route {
                path: path.to_string(),
                handlers: vec![(method, handler)],
            }),
        }
        self
    }

    /// Answers `req` with the matching handler, or `404`/`405`/`OPTIONS`.
    ///
    /// ```no_run
    /// # use edgekit::{router::Router, Request, Response};
    /// #[edgekit::edge_handler]
    /// async fn handle(req: Request) -> Response {
    ///     Router::new().get("/", |_req: Request| "home").handle(req).await
    /// }
    /// ```
    pub async fn handle(&self, mut req: Request) -> Response {
        let mut matcher = matchit::Router::new();
        for (index, route) in self.routes.iter().enumerate() {
            if let Err(e) = matcher.insert(route.path.as_str(), index) {
                return Error::internal(format!("route {:?}: {e}", route.path)).into_response();
            }
        }
        if let Some(error) = &self.error {
            return Error::internal(error.clone()).into_response();
        }
        let path = req.uri().path().to_string();
        let Ok(found) = matcher.at(&path) else {
            return Error::new(StatusCode::NOT_FOUND, "not found").into_response();
        };
        let route = &self.routes[*found.value];
        let params = Params(
            found
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), params::percent_decode(v)))
                .collect(),
        );
        req.extensions_mut().insert(params);

        let method = req.method().clone();
        if let Some(handler) = route.find(&method) {
            return handler(req).await;
        }
        if method == Method::HEAD
            && let Some(handler) = route.find(&Method::GET)
        {
            return without_body(handler(req).await);
        }
        let allow = route.allow();
        if method == Method::OPTIONS {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response.headers_mut().insert(ALLOW, allow);
            return response;
        }
        let mut response =
            Error::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
        response.headers_mut().insert(ALLOW, allow);
        response
    }
}

impl Route {
    /// The handler for `method`: its own, else the `any` handler.
    fn find(&self, method: &Method) -> Option<&BoxHandler> {
        self.handlers
            .iter()
            .find(|(m, _)| m.as_ref() == Some(method))
            .or_else(|| self.handlers.iter().find(|(m, _)| m.is_none()))
            .map(|(_, handler)| handler)
    }

    /// The `Allow` header: the registered methods, plus `HEAD` with `GET`,
    /// plus `OPTIONS`.
    fn allow(&self) -> HeaderValue {
        let mut methods: Vec<&str> = Vec::new();
        let mut push = |m: &'static str| {
            if !methods.contains(&m) {
                methods.push(m);
            }
        };
        if self.handlers.iter().any(|(m, _)| m.is_none()) {
            for m in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] {
                push(m);
            }
        }
        for (method, _) in &self.handlers {
            if let Some(method) = method {
                // Only standard methods are registered through the
                // builder's named functions; `route` may add others.
                let name: &'static str = match *method {
                    Method::GET => "GET",
                    Method::POST => "POST",
                    Method::PUT => "PUT",
                    Method::PATCH => "PATCH",
                    Method::DELETE => "DELETE",
                    Method::HEAD => "HEAD",
                    Method::OPTIONS => "OPTIONS",
                    Method::TRACE => "TRACE",
                    Method::CONNECT => "CONNECT",
                    _ => continue,
                };
                push(name);
                if name == "GET" {
                    push("HEAD");
                }
            }
        }
        push("OPTIONS");
        HeaderValue::from_str(&methods.join(", ")).unwrap_or(HeaderValue::from_static("OPTIONS"))
    }
}

/// A `HEAD` answer: the `GET` response's status and headers, no body.
/// `Content-Length` goes too: hosts check it against the bytes actually
/// sent (rule 5), and a `HEAD` sends none.
fn without_body(response: Response) -> Response {
    let (mut parts, _body) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::empty())
}
