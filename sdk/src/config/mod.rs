//! Typed configuration from environment variables (and `wasi:config`).
//!
//! A component's parameters reach it as environment variables, the way
//! `wasmtime serve --env`, Spin's `environment`, FastEdge and `edgekit serve`
//! pass them. [`load`] reads them into your own `serde` type: each field is
//! the variable of the same name in upper case (`max_width` ↔ `MAX_WIDTH`,
//! serde renames respected), parsed by the field's type:
//!
//! | field type | value |
//! |---|---|
//! | `String`, `url::Url`, anything parsed from text | as is |
//! | integers, `f32`/`f64` | `25`, `25_000_000`, `0.5` |
//! | `bool` | `true/false`, `1/0`, `yes/no`, `on/off` |
//! | `Vec<T>` | `a, b, c` or a JSON array |
//! | maps, nested structs, `serde_json::Value` | JSON |
//! | enums of unit variants | the variant's name |
//! | `Option<T>` | unset or empty is `None` |
//!
//! Defaults come from serde (`#[serde(default)]`, `Option`). Every bad key
//! is reported at once, and a [`Secret`]'s value never appears in an error.
//! With the `wasi-config` feature, `wasi:config/store` is asked first (under
//! the field's serde name, `max_width`), then the environment.
//!
//! ```no_run
//! use edgekit::config::{self, Secret};
//! use edgekit::{Error, Request};
//!
//! #[derive(serde::Deserialize)]
//! struct Config {
//!     origin: String,
//!     #[serde(default = "default_width")]
//!     max_width: u32,
//!     upload_token: Option<Secret<String>>,
//! }
//!
//! fn default_width() -> u32 {
//!     4096
//! }
//!
//! #[edgekit::edge_handler]
//! fn handle(_req: Request) -> Result<String, Error> {
//!     // A bad or missing parameter answers 500 "configuration error",
//!     // naming the keys (never the values).
//!     let config: Config = config::load()?;
//!     Ok(format!("{} up to {} px", config.origin, config.max_width))
//! }
//! ```

mod de;
mod keys;
mod problem;
mod secret;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;

pub use keys::{Key, Kind, keys};
pub use problem::{ConfigError, Problem};
pub use secret::Secret;

use de::{DeError, Pass, Root, Source, Trace};

/// Loads `T` from the environment (and `wasi:config` first, with the
/// `wasi-config` feature).
///
/// ```no_run
/// #[derive(serde::Deserialize)]
/// struct Config {
///     origin: String,
/// }
/// let config: Config = edgekit::config::load()?;
/// # Ok::<(), edgekit::config::ConfigError>(())
/// ```
pub fn load<T: DeserializeOwned>() -> Result<T, ConfigError> {
    load_with(&Platform)
}

/// Loads `T` from the given variables instead of the environment: for tests,
/// and for configuration kept elsewhere.
///
/// ```
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Config {
///     max_width: u32,
///     formats: Vec<String>,
///     strict: bool,
/// }
/// let config: Config = edgekit::config::load_from([
///     ("MAX_WIDTH", "1024"),
///     ("FORMATS", "webp, jpeg"),
///     ("STRICT", "yes"),
/// ])?;
/// assert_eq!(config.formats, ["webp", "jpeg"]);
/// # Ok::<(), edgekit::config::ConfigError>(())
/// ```
pub fn load_from<T, I>(variables: I) -> Result<T, ConfigError>
where
    T: DeserializeOwned,
    I: IntoIterator,
    I::Item: Pairs,
{
    let map: HashMap<String, String> = variables.into_iter().map(Pairs::pair).collect();
    load_with(&map)
}

/// A `(name, value)` pair of any string-like types, for [`load_from`].
pub trait Pairs {
    /// The pair as owned strings.
    fn pair(self) -> (String, String);
}

impl<K: Into<String>, V: Into<String>> Pairs for (K, V) {
    fn pair(self) -> (String, String) {
        (self.0.into(), self.1.into())
    }
}

/// Keys that fail more passes than this stop the search for further
/// problems (one pass finds at least one new key, so this is generous).
const MAX_PASSES: usize = 256;

/// Deserializes `T`, then again with a placeholder for each key that
/// stopped the previous pass, until it loads: so the error lists every bad
/// key, not just the first.
fn load_with<T: DeserializeOwned>(source: &dyn Source) -> Result<T, ConfigError> {
    let mut placeholders = HashSet::new();
    let mut problems: Vec<problem::Problem> = Vec::new();
    let mut fields = Vec::new();
    for _ in 0..MAX_PASSES {
        let pass = Pass {
            source,
            placeholders: &placeholders,
            all_placeholders: false,
            trace: RefCell::new(Trace::default()),
        };
        let result = T::deserialize(Root(&pass));
        let trace = pass.trace.into_inner();
        fields = trace.fields.clone();
        for problem in trace.problems {
            add(&mut problems, problem);
        }
        let (stopped_at, error_text) = match result {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(error) => {
                let text = error.message.clone();
                (
                    stopping_key(error, trace.current, trace.current_secret),
                    text,
                )
            }
        };
        match stopped_at {
            Some((key, problem)) if !placeholders.contains(&key) => {
                add(&mut problems, problem);
                placeholders.insert(key);
            }
            Some((_, problem)) => {
                add(&mut problems, problem);
                break;
            }
            None => {
                add(&mut problems, problem::Problem::general(error_text));
                break;
            }
        }
    }
    problems.sort_by_key(|problem| {
        fields
            .iter()
            .position(|field| de::key_of(field) == problem.key())
    });
    Err(ConfigError::new(problems))
}

/// The key (and its problem) that made a pass fail.
fn stopping_key(
    error: DeError,
    current: Option<String>,
    secret: bool,
) -> Option<(String, problem::Problem)> {
    if let Some(field) = error.missing {
        let key = de::key_of(field);
        return Some((key.clone(), problem::Problem::missing(key)));
    }
    let key = current?;
    let detail = if secret {
        "invalid value".to_string()
    } else {
        error.message
    };
    Some((key.clone(), problem::Problem::invalid(key, detail)))
}

fn add(problems: &mut Vec<problem::Problem>, problem: problem::Problem) {
    if !problems.iter().any(|p| p.key() == problem.key()) {
        problems.push(problem);
    }
}

/// One pass over `T`'s fields, for [`keys`].
fn trace<T: DeserializeOwned>(source: &dyn Source, all_placeholders: bool) -> Trace {
    let placeholders = HashSet::new();
    let pass = Pass {
        source,
        placeholders: &placeholders,
        all_placeholders,
        trace: RefCell::new(Trace::default()),
    };
    let _ = T::deserialize(Root(&pass));
    pass.trace.into_inner()
}

impl Source for HashMap<String, String> {
    fn get(&self, _field: &str, key: &str) -> Option<String> {
        HashMap::get(self, key).cloned()
    }
}

/// No variables at all.
struct NoVariables;

impl Source for NoVariables {
    fn get(&self, _field: &str, _key: &str) -> Option<String> {
        None
    }
}

/// What the platform gives the component: `wasi:config` (with the
/// `wasi-config` feature), then environment variables.
struct Platform;

impl Source for Platform {
    fn get(&self, field: &str, key: &str) -> Option<String> {
        #[cfg(feature = "wasi-config")]
        if let Some(value) = crate::wasi::config_store::get(field) {
            return Some(value);
        }
        let _ = field;
        std::env::var(key).ok()
    }
}

#[cfg(test)]
mod tests;
