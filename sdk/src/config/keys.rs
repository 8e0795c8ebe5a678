//! The keys a configuration type reads, for tools that check a template's
//! declared parameters against the code.

use serde::de::DeserializeOwned;

/// One variable a configuration type reads.
///
/// ```
/// use edgekit::config::{self, Kind, Secret};
///
/// #[derive(serde::Deserialize)]
/// struct Config {
///     max_width: u32,
///     token: Option<Secret<String>>,
/// }
///
/// let keys = config::keys::<Config>();
/// assert_eq!(keys[0].name, "MAX_WIDTH");
/// assert_eq!(keys[0].kind, Kind::Integer);
/// assert!(keys[1].secret);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The environment variable: the field's serde name in upper case.
    pub name: String,
    /// What its value is parsed as.
    pub kind: Kind,
    /// Whether it is a [`Secret`](super::Secret).
    pub secret: bool,
}

/// What a variable's value is parsed as.
///
/// ```
/// # use edgekit::config::{self, Kind};
/// #[derive(serde::Deserialize)]
/// struct Config { widths: Vec<u32> }
/// assert_eq!(config::keys::<Config>()[0].kind, Kind::List);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Text (also URLs and other types parsed from text).
    String,
    /// An integer.
    Integer,
    /// A floating-point number.
    Number,
    /// `true/false/1/0/yes/no/on/off`.
    Bool,
    /// A comma-separated list or a JSON array.
    List,
    /// A JSON value: maps, nested structs, `serde_json::Value`.
    Json,
    /// One of these names.
    Enum(Vec<&'static str>),
}

/// The variables `T` reads, in declaration order.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Config {
///     origin: String,
///     #[serde(rename = "S3_BUCKET")]
///     bucket: String,
/// }
/// let names: Vec<_> = edgekit::config::keys::<Config>().into_iter().map(|k| k.name).collect();
/// assert_eq!(names, ["ORIGIN", "S3_BUCKET"]);
/// ```
pub fn keys<T: DeserializeOwned>() -> Vec<Key> {
    let trace = super::trace::<T>(&super::NoVariables, true);
    let mut keys = trace.keys;
    keys.sort_by_key(|key| {
        trace
            .fields
            .iter()
            .position(|field| super::de::key_of(field) == key.name)
    });
    keys
}
