//! [`RequestExt`]: what the SDK reads from a request, as methods on it.

use std::net::IpAddr;

use serde::de::DeserializeOwned;

use crate::QueryError;
use crate::geo::{Geo, Platform};

/// Conveniences on [`Request`](crate::Request) (and any `http::Request`).
pub trait RequestExt {
    /// Parses the query string (`?name=Ada&limit=10`) into `T`; a query that
    /// does not fit is a [`QueryError`], which answers `400 Bad Request`.
    ///
    /// ```no_run
    /// use edgekit::{Error, Request, RequestExt};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Page { limit: Option<u32> }
    ///
    /// fn handle(req: Request) -> Result<String, Error> {
    ///     let page: Page = req.query()?;
    ///     Ok(format!("limit {}", page.limit.unwrap_or(10)))
    /// }
    /// ```
    fn query<T: DeserializeOwned>(&self) -> Result<T, QueryError>;

    /// The visitor's location from the headers of the platform named by
    /// `EDGEKIT_PLATFORM`; `None` without a preset (a client can send any
    /// header) or when the platform sent none.
    ///
    /// ```no_run
    /// # fn f(req: edgekit::Request) {
    /// use edgekit::RequestExt;
    /// let country = req.geo().and_then(|g| g.country);
    /// # }
    /// ```
    fn geo(&self) -> Option<Geo>;

    /// Like [`geo`](Self::geo) with the preset chosen in code.
    ///
    /// ```
    /// use edgekit::RequestExt;
    /// use edgekit::geo::Platform;
    /// let req = edgekit::http::Request::get("/").header("cf-ipcountry", "JP").body(()).unwrap();
    /// assert_eq!(req.geo_with(Platform::Cloudflare).unwrap().country.as_deref(), Some("JP"));
    /// ```
    fn geo_with(&self, platform: Platform) -> Option<Geo>;

    /// The client's address from the trusted header of the platform named
    /// by `EDGEKIT_PLATFORM`; `None` without a preset or when the header is
    /// missing or malformed.
    ///
    /// ```no_run
    /// # fn f(req: edgekit::Request) {
    /// use edgekit::RequestExt;
    /// if let Some(ip) = req.client_ip() {
    ///     println!("from {ip}");
    /// }
    /// # }
    /// ```
    fn client_ip(&self) -> Option<IpAddr>;

    /// Like [`client_ip`](Self::client_ip) with the preset chosen in code.
    /// For [`Platform::Generic`], `x-forwarded-for` is read
    /// `EDGEKIT_TRUSTED_PROXIES` hops from the right (default 1).
    ///
    /// ```
    /// use edgekit::RequestExt;
    /// use edgekit::geo::Platform;
    /// let req = edgekit::http::Request::get("/")
    ///     .header("x-forwarded-for", "10.9.9.9, 203.0.113.7")
    ///     .body(())
    ///     .unwrap();
    /// assert_eq!(req.client_ip_with(Platform::Generic), Some([203, 0, 113, 7].into()));
    /// ```
    fn client_ip_with(&self, platform: Platform) -> Option<IpAddr>;

    /// The value of path parameter `name` of the [`Router`](crate::router::Router)
    /// route that matched (`{id}` in `/todos/{id}`), percent-decoded.
    ///
    /// ```no_run
    /// use edgekit::{Request, RequestExt};
    /// fn show(req: Request) -> String {
    ///     format!("todo {}", req.param("id").unwrap_or_default())
    /// }
    /// ```
    fn param(&self, name: &str) -> Option<&str>;
}

impl<B> RequestExt for http::Request<B> {
    fn query<T: DeserializeOwned>(&self) -> Result<T, QueryError> {
        crate::query::parse_query(self.uri())
    }

    fn geo(&self) -> Option<Geo> {
        self.geo_with(Platform::from_env()?)
    }

    fn geo_with(&self, platform: Platform) -> Option<Geo> {
        Geo::from_headers(platform, self.headers())
    }

    fn client_ip(&self) -> Option<IpAddr> {
        self.client_ip_with(Platform::from_env()?)
    }

    fn client_ip_with(&self, platform: Platform) -> Option<IpAddr> {
        crate::geo::client_ip(platform, self.headers(), None)
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.extensions().get::<crate::router::Params>()?.get(name)
    }
}
