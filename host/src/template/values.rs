//! Values given for a template's parameters: `--set KEY=VALUE` and
//! `--config file.toml`.

use super::{Kind, Problem, Problems};
use anyhow::Context;
use std::path::Path;

/// Values for parameters, as given by a person. Keys match a parameter
/// ignoring case and `-`/`_` (`max-width` is `MAX_WIDTH`); a key given twice
/// keeps its last value, so `--set` after `--config` wins.
///
/// ```
/// use edgekit_host::template::Values;
/// let mut values = Values::default();
/// values.set("max_width", "800");
/// assert_eq!(values.get("MAX_WIDTH"), Some("800".to_string()));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Values {
    entries: Vec<(String, Given)>,
}

#[derive(Debug, Clone)]
enum Given {
    Text(String),
    Toml(toml::Value),
}

impl Values {
    /// Sets `key` to a value written as text (as on a command line).
    pub fn set(&mut self, key: impl Into<String>, text: impl Into<String>) {
        self.insert(key.into(), Given::Text(text.into()));
    }

    /// Sets `key` to a value from a TOML file: strings, numbers, booleans,
    /// arrays (for lists) and tables (for JSON parameters).
    pub fn set_toml(&mut self, key: impl Into<String>, value: toml::Value) {
        self.insert(key.into(), Given::Toml(value));
    }

    /// Reads a TOML file of `KEY = value` lines (a flat table).
    pub fn read_config(&mut self, path: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let table: toml::Table = toml::from_str(&text).map_err(|error| {
            Problems::new(
                path.display().to_string(),
                vec![Problem::new("", error.to_string().trim_end())],
            )
        })?;
        for (key, value) in table {
            self.set_toml(key, value);
        }
        Ok(())
    }

    /// The value given for `key` (matched loosely), as text: what the
    /// parameter's checks see.
    pub fn get(&self, key: &str) -> Option<String> {
        self.given(key).map(|(_, given)| match given {
            Given::Text(text) => text.clone(),
            Given::Toml(value) => toml_to_text(value, Kind::String).unwrap_or_default(),
        })
    }

    /// Keys as given, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(key, _)| key.as_str())
    }

    pub(crate) fn text_for(&self, key: &str, kind: Kind) -> Option<Result<String, String>> {
        self.given(key).map(|(_, given)| match given {
            Given::Text(text) => Ok(text.clone()),
            Given::Toml(value) => toml_to_text(value, kind),
        })
    }

    fn given(&self, key: &str) -> Option<&(String, Given)> {
        let key = fold(key);
        self.entries.iter().find(|(given, _)| fold(given) == key)
    }

    fn insert(&mut self, key: String, given: Given) {
        let folded = fold(&key);
        self.entries
            .retain(|(existing, _)| fold(existing) != folded);
        self.entries.push((key, given));
    }
}

/// The key a given key stands for.
pub(crate) fn fold(key: &str) -> String {
    key.trim().to_ascii_uppercase().replace('-', "_")
}

/// The text form of a TOML value for a parameter of type `kind`: arrays join
/// with commas, tables become JSON.
pub(crate) fn toml_to_text(value: &toml::Value, kind: Kind) -> Result<String, String> {
    match value {
        toml::Value::String(text) => Ok(text.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Float(n) => Ok(n.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        toml::Value::Datetime(d) => Ok(d.to_string()),
        toml::Value::Array(items) if kind != Kind::Json => {
            let mut texts = Vec::new();
            for item in items {
                let text = toml_to_text(item, Kind::String)?;
                if text.contains(',')
                    || matches!(item, toml::Value::Array(_) | toml::Value::Table(_))
                {
                    return Err("list items cannot contain commas or nested lists".to_string());
                }
                texts.push(text);
            }
            Ok(texts.join(","))
        }
        toml::Value::Array(_) | toml::Value::Table(_) => serde_json::to_string(value)
            .map_err(|error| format!("cannot turn this value into JSON ({error})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_values_win_and_keys_match_loosely() {
        let mut values = Values::default();
        values.set_toml("max_width", toml::Value::Integer(640));
        values.set("MAX-WIDTH", "800");
        assert_eq!(values.get("MAX_WIDTH"), Some("800".into()));
        assert_eq!(values.keys().collect::<Vec<_>>(), ["MAX-WIDTH"]);
    }

    #[test]
    fn toml_values_become_text() {
        let table: toml::Table =
            toml::from_str("a = [\"x\", \"y\"]\nb = { k = 1 }\nc = 0.5\nd = true").unwrap();
        assert_eq!(toml_to_text(&table["a"], Kind::List), Ok("x,y".into()));
        assert_eq!(
            toml_to_text(&table["a"], Kind::Json),
            Ok("[\"x\",\"y\"]".into())
        );
        assert_eq!(
            toml_to_text(&table["b"], Kind::Json),
            Ok("{\"k\":1}".into())
        );
        assert_eq!(toml_to_text(&table["c"], Kind::Number), Ok("0.5".into()));
        assert_eq!(toml_to_text(&table["d"], Kind::Bool), Ok("true".into()));
        let commas = toml::Value::Array(vec![toml::Value::String("a,b".into())]);
        assert!(toml_to_text(&commas, Kind::List).is_err());
    }
}
