//! What can be wrong with one configuration key, and the error that lists
//! every such problem at once.

use std::fmt;

use http::StatusCode;

/// One configuration key that is missing or has a value that does not parse.
///
/// ```
/// # use edgekit::config::{self, ConfigError};
/// #[derive(serde::Deserialize, Debug)]
/// struct Config {
///     s3_bucket: String,
/// }
/// let err = config::load_from::<Config, _>([("OTHER", "x")]).unwrap_err();
/// assert_eq!(err.problems()[0].key(), "S3_BUCKET");
/// assert!(err.problems()[0].is_missing());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    key: String,
    kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ProblemKind {
    Missing,
    /// `detail` never holds a secret's value: it is built without it.
    Invalid {
        detail: String,
    },
}

impl Problem {
    pub(crate) fn missing(key: String) -> Problem {
        Problem {
            key,
            kind: ProblemKind::Missing,
        }
    }

    pub(crate) fn invalid(key: String, detail: String) -> Problem {
        Problem {
            key,
            kind: ProblemKind::Invalid { detail },
        }
    }

    /// A problem with the configuration type itself, not one key.
    pub(crate) fn general(detail: String) -> Problem {
        Problem::invalid(String::new(), detail)
    }

    /// The environment variable (or `wasi:config` key) the problem is about.
    ///
    /// ```
    /// # #[derive(serde::Deserialize, Debug)] struct C { max_width: u32 }
    /// let err = edgekit::config::load_from::<C, _>([("MAX_WIDTH", "wide")]).unwrap_err();
    /// assert_eq!(err.problems()[0].key(), "MAX_WIDTH");
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether the key is required and not set.
    ///
    /// ```
    /// # #[derive(serde::Deserialize, Debug)] struct C { origin: String }
    /// let err = edgekit::config::load_from::<C, _>([("X", "y")]).unwrap_err();
    /// assert!(err.problems()[0].is_missing());
    /// ```
    pub fn is_missing(&self) -> bool {
        self.kind == ProblemKind::Missing
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ProblemKind::Missing => write!(f, "missing {}", self.key),
            ProblemKind::Invalid { detail } if self.key.is_empty() => f.write_str(detail),
            ProblemKind::Invalid { detail } => write!(f, "{}: {detail}", self.key),
        }
    }
}

/// The configuration could not be loaded: every problem found, by key.
///
/// Its `Display` names each key with what is wrong
/// (`missing S3_BUCKET; MAX_WIDTH: expected an integer, got "wide"`) and
/// never shows the value of a [`Secret`](super::Secret). Returned from a
/// handler (with `?`), it answers `500` with a page that says
/// "configuration error" and lists the keys only; the full message goes to
/// stderr.
///
/// ```
/// #[derive(serde::Deserialize, Debug)]
/// struct Config {
///     s3_bucket: String,
///     max_width: u32,
/// }
/// let err = edgekit::config::load_from::<Config, _>([("MAX_WIDTH", "wide")]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"missing S3_BUCKET; MAX_WIDTH: expected an integer, got "wide""#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

impl ConfigError {
    pub(crate) fn new(problems: Vec<Problem>) -> ConfigError {
        ConfigError { problems }
    }

    /// A value that loaded but does not fit: a check the key's type cannot
    /// make on its own, such as one key naming entries of another. It
    /// answers like any other configuration error (`500`, the page naming
    /// `key`); `detail` goes to stderr only, so keep secrets out of it.
    ///
    /// ```
    /// let err = edgekit::config::ConfigError::invalid("FALLBACK", "no route named \"EU\" in ROUTES");
    /// assert_eq!(err.problems()[0].key(), "FALLBACK");
    /// assert!(!err.problems()[0].is_missing());
    /// assert_eq!(err.to_string(), r#"FALLBACK: no route named "EU" in ROUTES"#);
    /// ```
    pub fn invalid(key: impl Into<String>, detail: impl Into<String>) -> ConfigError {
        ConfigError::new(vec![Problem::invalid(key.into(), detail.into())])
    }

    /// A required key that is not set, for components that read their keys
    /// themselves rather than through [`load`](super::load). It answers like
    /// any other configuration error.
    ///
    /// ```
    /// let err = edgekit::config::ConfigError::missing("ROUTES");
    /// assert!(err.problems()[0].is_missing());
    /// assert_eq!(err.to_string(), "missing ROUTES");
    /// ```
    pub fn missing(key: impl Into<String>) -> ConfigError {
        ConfigError::new(vec![Problem::missing(key.into())])
    }

    /// This error's problems followed by `other`'s, so one answer lists
    /// every bad key; a key already named keeps its first problem.
    ///
    /// ```
    /// use edgekit::config::ConfigError;
    /// let err = ConfigError::missing("ROUTES")
    ///     .and(ConfigError::invalid("MODE", "expected redirect or proxy"))
    ///     .and(ConfigError::invalid("ROUTES", "a second opinion"));
    /// let keys: Vec<&str> = err.problems().iter().map(|p| p.key()).collect();
    /// assert_eq!(keys, ["ROUTES", "MODE"]);
    /// assert_eq!(err.to_string(), "missing ROUTES; MODE: expected redirect or proxy");
    /// ```
    pub fn and(mut self, other: ConfigError) -> ConfigError {
        for problem in other.problems {
            if !self.problems.iter().any(|p| p.key == problem.key) {
                self.problems.push(problem);
            }
        }
        self
    }

    /// Every problem found, in the order the keys were read.
    ///
    /// ```
    /// # #[derive(serde::Deserialize, Debug)] struct C { a: u8, b: bool }
    /// let err = edgekit::config::load_from::<C, _>([("A", "300"), ("B", "maybe")]).unwrap_err();
    /// assert_eq!(err.problems().len(), 2);
    /// ```
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The status a configuration error answers with: `500`, since it is
    /// the operator's to fix, not the client's.
    pub(crate) fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    /// The page shown to clients: which keys are wrong, never their values.
    pub(crate) fn page(&self) -> String {
        let mut items = String::new();
        for problem in &self.problems {
            let what = if problem.is_missing() {
                "missing"
            } else {
                "invalid value"
            };
            items.push_str(&format!(
                "<li><code>{}</code>: {what}</li>",
                escape(&problem.key)
            ));
        }
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Configuration error</title></head><body>\
             <h1>Configuration error</h1>\
             <p>This service is not configured correctly. The operator must set:</p>\
             <ul>{items}</ul></body></html>"
        )
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Keys come from the component's own type, but escape them anyway: the
/// page is HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
