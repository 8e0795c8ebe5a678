//! [`Params`]: reads each parameter's text by the rules of
//! `edgekit::config` (see [`Config`](crate::config::Config)), without its
//! generic deserializer.
//!
//! Every request is a fresh instance, so the configuration is read on every
//! request: this reader does only what these twelve keys need, and collects
//! every bad key so one answer names them all. A native test holds it to
//! the SDK's rules key by key.

use edgekit::config::ConfigError;

use crate::json::{self, Json};

/// Where parameter values come from: the environment in the component.
pub type Source<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The parameters being read, and the problems found so far.
pub struct Params<'a> {
    source: Source<'a>,
    problems: Option<ConfigError>,
}

impl<'a> Params<'a> {
    /// A reader over `source`.
    pub fn new(source: Source<'a>) -> Params<'a> {
        Params {
            source,
            problems: None,
        }
    }

    /// Records that `key` is wrong (only its first problem is kept).
    pub fn invalid(&mut self, key: &str, detail: String) {
        self.add(ConfigError::invalid(key, detail));
    }

    fn add(&mut self, error: ConfigError) {
        self.problems = Some(match self.problems.take() {
            Some(problems) => problems.and(error),
            None => error,
        });
    }

    /// Every problem found, if any.
    pub fn finish(self) -> Result<(), ConfigError> {
        self.problems.map_or(Ok(()), Err)
    }

    /// The text of `key`, if set.
    fn text(&self, key: &str) -> Option<String> {
        (self.source)(key)
    }

    /// An optional key: unset or blank is `None`.
    pub fn optional_text(&self, key: &str) -> Option<String> {
        self.text(key).filter(|text| !text.trim().is_empty())
    }

    /// One of `options` by name, exactly or else without regard to case;
    /// `default` when unset.
    pub fn choice<T: Copy>(&mut self, key: &str, options: &[(&str, T)], default: T) -> T {
        match self.text(key) {
            None => default,
            Some(text) => self.pick(key, &text, options).unwrap_or(default),
        }
    }

    /// Like [`choice`](Self::choice), for an optional key: unset or blank
    /// is `None`.
    pub fn optional_choice<T: Copy>(&mut self, key: &str, options: &[(&str, T)]) -> Option<T> {
        let text = self.optional_text(key)?;
        self.pick(key, &text, options)
    }

    fn pick<T: Copy>(&mut self, key: &str, text: &str, options: &[(&str, T)]) -> Option<T> {
        let text = text.trim();
        let found = options.iter().find(|(name, _)| *name == text).or_else(|| {
            options
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(text))
        });
        if found.is_none() {
            let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
            self.invalid(
                key,
                format!("expected one of {}, got {text:?}", names.join(", ")),
            );
        }
        found.map(|(_, value)| *value)
    }

    /// `true/false`, `1/0`, `yes/no`, `on/off` in any case; `false` when unset.
    pub fn flag(&mut self, key: &str) -> bool {
        let Some(text) = self.text(key) else {
            return false;
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            _ => {
                self.invalid(key, format!("expected true or false, got {text:?}"));
                false
            }
        }
    }

    /// A whole number (digits may be grouped with `_`); `default` when unset.
    pub fn integer(&mut self, key: &str, default: u64) -> u64 {
        let Some(text) = self.text(key) else {
            return default;
        };
        match text.trim().replace('_', "").parse() {
            Ok(value) => value,
            Err(_) => {
                self.invalid(key, format!("expected an integer, got {text:?}"));
                default
            }
        }
    }

    /// A list, `a, b, c` or a JSON array of strings, each item read by
    /// `item`; empty when unset.
    pub fn list<T>(&mut self, key: &str, item: impl Fn(&str) -> Result<T, String>) -> Vec<T> {
        let Some(text) = self.text(key) else {
            return Vec::new();
        };
        let result = if text.trim_start().starts_with('[') {
            json::parse(&text)
                .map_err(|e| format!("expected valid JSON: {e}"))
                .and_then(|json| match json {
                    Json::Array(items) => items.iter().map(|i| string(i).and_then(&item)).collect(),
                    other => Err(format!("expected a list, got {}", other.kind())),
                })
        } else {
            text.split(',')
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .map(&item)
                .collect()
        };
        result.unwrap_or_else(|detail| {
            self.invalid(key, detail);
            Vec::new()
        })
    }

    /// A JSON object, each member's name and value read by `member`, in
    /// the order written; a name given twice is refused. Empty when unset,
    /// unless `required`.
    pub fn object<T>(
        &mut self,
        key: &str,
        required: bool,
        member: impl Fn(&str, &Json) -> Result<T, String>,
    ) -> Vec<T> {
        let Some(text) = self.text(key) else {
            if required {
                self.add(ConfigError::missing(key));
            }
            return Vec::new();
        };
        let members = match json::parse(&text) {
            Ok(Json::Object(members)) => members,
            Ok(other) => {
                self.invalid(key, format!("expected a JSON object, got {}", other.kind()));
                return Vec::new();
            }
            Err(e) => {
                self.invalid(key, format!("expected valid JSON: {e}"));
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(members.len());
        for (i, (name, value)) in members.iter().enumerate() {
            if members[..i].iter().any(|(earlier, _)| earlier == name) {
                self.invalid(key, format!("{name:?} is given twice"));
                return Vec::new();
            }
            match member(name.as_ref(), value) {
                Ok(item) => out.push(item),
                Err(detail) => {
                    self.invalid(key, detail);
                    return Vec::new();
                }
            }
        }
        out
    }
}

/// A JSON value that must be a string.
pub fn string<'j>(value: &'j Json<'_>) -> Result<&'j str, String> {
    match value {
        Json::String(text) => Ok(text.as_ref()),
        other => Err(format!("expected a string, got {}", other.kind())),
    }
}
