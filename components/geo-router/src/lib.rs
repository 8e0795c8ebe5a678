//! geo-router: sends each visitor to the right origin by country, group or
//! continent, by redirect or as a proxy with failover, and answers `451`
//! where the operator must not serve.
//!
//! Each request: load and check the configuration (a bad one answers the
//! SDK's configuration-error page), read the visitor's country from the
//! trusted platform's header (or `?geo_country=` when allowed), block,
//! choose a route, then redirect or proxy. See `template.toml` for the
//! parameters and `README.md` for the operator's guide.
#![deny(unsafe_code)]

mod config;
mod country;
mod forward;
mod ip_rules;
mod origin;
mod presets;
mod proxy;
mod replay;
mod respond;
mod router;
mod settings;
mod visitor;

use edgekit::{Error, Request, Response};

use crate::config::Mode;
use crate::respond::{Decision, decorate};
use crate::router::Via;
use crate::settings::Settings;
use crate::visitor::{Visitor, forwarded_path};

#[edgekit::edge_handler]
async fn geo_router(req: Request) -> Result<Response, Error> {
    let settings = Settings::load()?;
    let visitor = Visitor::of(&req, &settings)?;

    if let Some(country) = visitor.country.filter(|c| settings.blocked.contains(c)) {
        let decision = Decision {
            route: "blocked",
            country: Some(country),
            via: "block",
        };
        return Ok(decorate(
            respond::blocked(&settings),
            &settings,
            &decision,
            true,
        ));
    }

    let (route, via) = settings.router.choose(visitor.country, visitor.ip);
    let path = forwarded_path(&req, &settings);
    match settings.mode {
        Mode::Redirect => {
            let chosen = settings.router.route(route);
            let response = respond::redirect(&settings, chosen.origin.url_for(&path))?;
            let decision = Decision {
                route: &chosen.name,
                country: visitor.country,
                via: &via.to_string(),
            };
            Ok(decorate(response, &settings, &decision, true))
        }
        Mode::Proxy => {
            let served = proxy::forward(req, &path, &settings, route).await;
            let via = if served.fell_back { Via::Fallback } else { via };
            let decision = Decision {
                route: &settings.router.route(served.route).name,
                country: visitor.country,
                via: &via.to_string(),
            };
            Ok(decorate(served.response, &settings, &decision, false))
        }
    }
}
