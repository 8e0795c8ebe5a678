//! The types a parameter can have, and how a value is checked against one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of a template parameter, as written in `template.toml`'s `type`.
///
/// Every value travels to the component as one environment variable, so each
/// type also fixes the text form the component receives.
///
/// ```
/// use edgekit_host::template::Kind;
/// assert_eq!(Kind::Bool.normalize("Yes"), Ok("true".to_string()));
/// assert!(Kind::Integer.normalize("wide").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Any text.
    String,
    /// A whole number (64-bit signed).
    Integer,
    /// A finite decimal number.
    Number,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case); sent as `true`/`false`.
    Bool,
    /// An absolute `http` or `https` URL.
    Url,
    /// Any JSON value, sent as compact JSON.
    Json,
    /// Comma-separated items, sent as `a,b,c` without spaces around items.
    List,
    /// One of the parameter's `options`.
    Enum,
}

impl Kind {
    /// The name used in `template.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Bool => "bool",
            Kind::Url => "url",
            Kind::Json => "json",
            Kind::List => "list",
            Kind::Enum => "enum",
        }
    }

    /// Checks `text` against this type and returns the form sent to the
    /// component, or what is wrong with it (without repeating the value, so
    /// the message is safe for secrets too). Options and bounds are checked
    /// by the parameter, not here.
    pub fn normalize(self, text: &str) -> Result<String, String> {
        match self {
            Kind::String | Kind::Enum => Ok(text.to_string()),
            Kind::Integer => text
                .trim()
                .parse::<i64>()
                .map(|n| n.to_string())
                .map_err(|_| "expected a whole number".to_string()),
            Kind::Number => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(text.trim().to_string()),
                _ => Err("expected a number".to_string()),
            },
            Kind::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok("true".to_string()),
                "false" | "0" | "no" | "off" => Ok("false".to_string()),
                _ => Err("expected true or false (or yes/no, on/off, 1/0)".to_string()),
            },
            Kind::Url => {
                let url = url::Url::parse(text.trim()).map_err(|error| {
                    format!("expected a URL such as https://example.com/ ({error})")
                })?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err("expected an http:// or https:// URL".to_string());
                }
                Ok(url.to_string())
            }
            Kind::Json => serde_json::from_str::<serde_json::Value>(text)
                .map(|value| value.to_string())
                .map_err(|error| format!("expected JSON ({error})")),
            Kind::List => {
                if text.trim().is_empty() {
                    return Ok(String::new());
                }
                let items: Vec<&str> = text.split(',').map(str::trim).collect();
                if items.iter().any(|item| item.is_empty()) {
                    return Err("expected items separated by commas, with none empty".to_string());
                }
                Ok(items.join(","))
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_whole_and_trimmed() {
        assert_eq!(Kind::Integer.normalize(" 800 "), Ok("800".into()));
        assert_eq!(Kind::Integer.normalize("-3"), Ok("-3".into()));
        assert!(Kind::Integer.normalize("8.5").is_err());
        assert!(Kind::Integer.normalize("99999999999999999999").is_err());
    }

    #[test]
    fn numbers_are_finite() {
        assert_eq!(Kind::Number.normalize("0.75"), Ok("0.75".into()));
        assert!(Kind::Number.normalize("NaN").is_err());
        assert!(Kind::Number.normalize("inf").is_err());
        assert!(Kind::Number.normalize("").is_err());
    }

    #[test]
    fn bools_take_the_usual_spellings() {
        for yes in ["true", "TRUE", "1", "yes", "Yes"] {
            assert_eq!(Kind::Bool.normalize(yes), Ok("true".into()), "{yes}");
        }
        for no in ["false", "0", "no", "NO"] {
            assert_eq!(Kind::Bool.normalize(no), Ok("false".into()), "{no}");
        }
        assert!(Kind::Bool.normalize("maybe").is_err());
    }

    #[test]
    fn urls_are_absolute_http() {
        assert_eq!(
            Kind::Url.normalize("https://example.com"),
            Ok("https://example.com/".into())
        );
        assert!(Kind::Url.normalize("example.com").is_err());
        assert!(Kind::Url.normalize("ftp://example.com/").is_err());
        assert!(Kind::Url.normalize("file:///etc/passwd").is_err());
    }

    #[test]
    fn json_is_compacted() {
        assert_eq!(
            Kind::Json.normalize("{ \"a\": [1, 2] }"),
            Ok("{\"a\":[1,2]}".into())
        );
        assert!(Kind::Json.normalize("{a: 1}").is_err());
    }

    #[test]
    fn lists_are_trimmed_and_have_no_empty_items() {
        assert_eq!(Kind::List.normalize(" a , b,c"), Ok("a,b,c".into()));
        assert_eq!(Kind::List.normalize(""), Ok("".into()));
        assert!(Kind::List.normalize("a,,b").is_err());
        assert!(Kind::List.normalize("a,").is_err());
    }

    #[test]
    fn messages_never_repeat_the_value() {
        let secret = "hunter2-very-secret";
        for kind in [
            Kind::Integer,
            Kind::Number,
            Kind::Bool,
            Kind::Url,
            Kind::Json,
        ] {
            let message = kind.normalize(secret).unwrap_err();
            assert!(!message.contains(secret), "{kind}: {message}");
        }
    }
}
