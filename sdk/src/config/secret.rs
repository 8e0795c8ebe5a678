//! `Secret<T>`: a configuration value that never shows itself.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// The name [`Secret`] deserializes through, so the configuration loader
/// knows to keep the value out of its error messages.
pub(crate) const SECRET_MARKER: &str = "edgekit::config::Secret";

/// A value that must not leak: `Debug` and `Display` print `[redacted]`, and
/// a configuration error about it names the key, never the value.
///
/// ```
/// use edgekit::config::{self, Secret};
///
/// #[derive(serde::Deserialize, Debug)]
/// struct Config {
///     upload_token: Secret<String>,
/// }
///
/// let config: Config = config::load_from([("UPLOAD_TOKEN", "hunter2")]).unwrap();
/// assert_eq!(format!("{config:?}"), "Config { upload_token: [redacted] }");
/// assert_eq!(config.upload_token.expose(), "hunter2");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    ///
    /// ```
    /// let token = edgekit::config::Secret::new("s3cr3t".to_string());
    /// assert_eq!(token.to_string(), "[redacted]");
    /// ```
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself, for the one place that needs it.
    ///
    /// ```
    /// let token = edgekit::config::Secret::new(42);
    /// assert_eq!(*token.expose(), 42);
    /// ```
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    ///
    /// ```
    /// let token = edgekit::config::Secret::new(String::from("k"));
    /// assert_eq!(token.into_inner(), "k");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = Secret<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret value")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                T::deserialize(deserializer).map(Secret)
            }
        }
        deserializer.deserialize_newtype_struct(SECRET_MARKER, Visit(std::marker::PhantomData))
    }
}
