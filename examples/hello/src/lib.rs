//! `GET /` answers `Hello, world!`; `GET /?name=Ada` answers `Hello, Ada!`.

use edgekit::{Error, Request, RequestExt};

#[derive(serde::Deserialize)]
struct Params {
    name: Option<String>,
}

#[edgekit::edge_handler]
fn hello(req: Request) -> Result<String, Error> {
    let params: Params = req.query()?;
    Ok(format!(
        "Hello, {}!",
        params.name.as_deref().unwrap_or("world")
    ))
}
