//! `GET /` → `{"platform", "geo", "client_ip"}`: what the platform preset in
//! `EDGEKIT_PLATFORM` reports about the visitor (nulls without a preset,
//! whatever headers the client sends).

use std::net::IpAddr;

use edgekit::geo::{Geo, Platform};
use edgekit::{Json, Request, RequestExt};
use serde::Serialize;

#[derive(Serialize)]
struct Visitor {
    platform: Option<&'static str>,
    geo: Option<Geo>,
    client_ip: Option<IpAddr>,
}

#[edgekit::edge_handler]
fn handle(req: Request) -> Json<Visitor> {
    Json(Visitor {
        platform: Platform::from_env().map(Platform::name),
        geo: req.geo(),
        client_ip: req.client_ip(),
    })
}
