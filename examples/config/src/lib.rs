//! Reads its parameters with `edgekit::config`:
//!
//! - `GREETING` (required)
//! - `API_TOKEN` (required, secret: never shown, not even in errors)
//! - `MAX_ITEMS` (integer, default 10)
//! - `LANGUAGES` (comma list, default empty)
//!
//! `GET /` answers with the greeting and what was configured. When a
//! parameter is missing or invalid, every request gets the `500`
//! "configuration error" page that names the keys.

use edgekit::config::{self, Secret};
use edgekit::{Error, Request};
use serde::Deserialize;

#[derive(Deserialize)]
struct Config {
    greeting: String,
    api_token: Secret<String>,
    #[serde(default = "default_max_items")]
    max_items: u32,
    #[serde(default)]
    languages: Vec<String>,
}

fn default_max_items() -> u32 {
    10
}

#[edgekit::edge_handler]
fn handle(_req: Request) -> Result<String, Error> {
    let config: Config = config::load()?;
    Ok(format!(
        "{}\nmax items: {}\nlanguages: {}\napi token: {} ({} characters)\n",
        config.greeting,
        config.max_items,
        config.languages.join(", "),
        config.api_token,
        config.api_token.expose().chars().count(),
    ))
}
