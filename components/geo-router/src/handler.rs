//! The request handler: configuration, visitor, block, route, answer.

use edgekit::{Error, Request, Response};

use crate::config::Mode;
use crate::proxy;
use crate::respond::{self, Decision, decorate};
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
                via: via.name(),
            };
            Ok(decorate(response, &settings, &decision, true))
        }
        Mode::Proxy => {
            // Boxed: the proxy's state is large, and an unboxed future would
            // make every request (redirects too) carry and move it.
            let served = Box::pin(proxy::forward(req, &path, &settings, route)).await;
            let via = if served.fell_back { Via::Fallback } else { via };
            let decision = Decision {
                route: &settings.router.route(served.route).name,
                country: visitor.country,
                via: via.name(),
            };
            Ok(decorate(served.response, &settings, &decision, false))
        }
    }
}
