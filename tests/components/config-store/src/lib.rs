//! Answers `greeting=…; max_width=…` from `edgekit::config` with the
//! `wasi-config` feature: `wasi:config/store` wins over the environment.

use edgekit::{Error, Request};

#[derive(serde::Deserialize)]
struct Config {
    greeting: String,
    max_width: u32,
}

#[edgekit::edge_handler]
fn handle(_req: Request) -> Result<String, Error> {
    let config: Config = edgekit::config::load()?;
    Ok(format!(
        "greeting={}; max_width={}",
        config.greeting, config.max_width
    ))
}
