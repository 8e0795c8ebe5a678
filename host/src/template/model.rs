//! `template.toml`: what a template is called and which parameters it takes.

use super::hint::closest;
use super::values::toml_to_text;
use super::{Kind, Problem, Problems};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A parsed and checked `template.toml`.
///
/// ```
/// let template = edgekit_host::template::Template::parse(r#"
///     name = "greeter"
///     title = "Greeter"
///     description = "Says hello."
///     version = "1.0.0"
///
///     [[parameters]]
///     key = "GREETING"
///     title = "Greeting"
///     description = "The first word of every answer."
///     type = "string"
///     default = "Hello"
/// "#, "greeter/template.toml").unwrap();
/// assert_eq!(template.parameters[0].key, "GREETING");
/// ```
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Short name, lowercase with dashes: what `edgekit serve <name>` takes.
    pub name: String,
    /// A few words for people.
    pub title: String,
    /// One or two sentences: what it does and when to use it.
    pub description: String,
    /// The template's version (semantic versioning).
    pub version: String,
    /// The parameters, in the order they are shown.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// How the gallery (`edgekit serve` with no argument) runs it.
    #[serde(default)]
    pub demo: Option<Demo>,
    /// The crate directory the template was loaded from (empty when parsed
    /// from text).
    #[serde(skip)]
    pub dir: PathBuf,
}

/// The `[demo]` table: values that work on a fresh machine with no network
/// (`http://origin.demo/` is the gallery's demo origin, `http://s3.demo/`
/// its S3 server), and pages to try.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Demo {
    /// Parameter values, as in a `--config` file.
    #[serde(default)]
    pub values: toml::Table,
    /// Links shown as "try it" in the console.
    #[serde(default, rename = "try")]
    pub links: Vec<TryLink>,
}

/// A page of a running template to try: a path under the template's prefix.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TryLink {
    /// What it shows.
    pub title: String,
    /// The path and query, starting with `/`.
    pub path: String,
}

/// One parameter: an environment variable the component reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The environment variable, `UPPER_SNAKE_CASE`.
    pub key: String,
    /// A label for forms.
    pub title: String,
    /// What it does, for someone who does not code.
    pub description: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Whether a value must be given (a required parameter has no default).
    #[serde(default)]
    pub required: bool,
    /// The value used when none is given.
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// Whether the value is a secret: never shown, logged or exported in clear.
    #[serde(default)]
    pub secret: bool,
    /// The allowed values of an `enum`, or of each item of a `list`.
    #[serde(default)]
    pub options: Vec<String>,
    /// An example value, shown as a placeholder.
    #[serde(default)]
    pub example: Option<toml::Value>,
    /// The smallest allowed `integer` or `number`.
    #[serde(default)]
    pub min: Option<f64>,
    /// The largest allowed `integer` or `number`.
    #[serde(default)]
    pub max: Option<f64>,
}

impl Template {
    /// Reads and checks `<dir>/template.toml`.
    pub fn load(dir: &Path) -> anyhow::Result<Template> {
        let file = dir.join("template.toml");
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let mut template = Template::parse(&text, &file.display().to_string())?;
        template.dir = dir.to_path_buf();
        Ok(template)
    }

    /// Parses and checks the text of a `template.toml`; `subject` names it in
    /// errors. Every problem is reported at once.
    pub fn parse(text: &str, subject: &str) -> Result<Template, Problems> {
        let template: Template = toml::from_str(text).map_err(|error| {
            Problems::new(
                subject,
                vec![Problem::new("", error.to_string().trim_end())],
            )
        })?;
        let problems = template.problems();
        if problems.is_empty() {
            Ok(template)
        } else {
            Err(Problems::new(subject, problems))
        }
    }

    /// The parameter declared as `key`.
    pub fn parameter(&self, key: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.key == key)
    }

    fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let valid_name = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_name {
            problems.push(Problem::new(
                "",
                "name: use lowercase letters, digits and dashes",
            ));
        }
        for (field, value) in [
            ("title", &self.title),
            ("description", &self.description),
            ("version", &self.version),
        ] {
            if value.trim().is_empty() {
                problems.push(Problem::new("", format!("{field}: must not be empty")));
            }
        }
        let mut seen = HashSet::new();
        for parameter in &self.parameters {
            if !seen.insert(parameter.key.as_str()) {
                problems.push(Problem::new(&parameter.key, "declared twice"));
            }
            problems.extend(
                parameter
                    .declaration_problems()
                    .into_iter()
                    .map(|message| Problem::new(&parameter.key, message)),
            );
        }
        if let Some(demo) = &self.demo {
            let mut values = super::Values::default();
            for (key, value) in &demo.values {
                values.set_toml(key, value.clone());
            }
            if let Err(found) = self.resolve(&values) {
                problems.extend(
                    found
                        .list
                        .into_iter()
                        .map(|p| Problem::new(p.key, format!("demo: {}", p.message))),
                );
            }
            for link in demo.links.iter().filter(|l| !l.path.starts_with('/')) {
                problems.push(Problem::new(
                    "",
                    format!("demo: try path {:?} must start with /", link.path),
                ));
            }
        }
        problems
    }
}

impl Parameter {
    /// Checks a value given as text and returns the form the component
    /// receives, or what is wrong. Messages quote the value only when the
    /// parameter is not secret.
    ///
    /// ```
    /// # let template = edgekit_host::template::Template::parse(r#"
    /// # name = "t"
    /// # title = "T"
    /// # description = "D"
    /// # version = "1.0.0"
    /// # [[parameters]]
    /// # key = "FORMAT"
    /// # title = "Format"
    /// # description = "Output format."
    /// # type = "enum"
    /// # options = ["webp", "png", "jpeg"]
    /// # "#, "t").unwrap();
    /// let format = template.parameter("FORMAT").unwrap();
    /// assert_eq!(format.check("png"), Ok("png".to_string()));
    /// assert_eq!(
    ///     format.check("jpg").unwrap_err(),
    ///     r#""jpg" is not one of: webp, png, jpeg (did you mean "jpeg"?)"#
    /// );
    /// ```
    pub fn check(&self, text: &str) -> Result<String, String> {
        let quoted = |message: String| {
            if self.secret {
                message
            } else {
                format!("{message}, got {text:?}")
            }
        };
        let value = self.kind.normalize(text).map_err(quoted)?;
        match self.kind {
            Kind::Enum => self.check_option(&value)?,
            Kind::List if !self.options.is_empty() && !value.is_empty() => {
                for item in value.split(',') {
                    self.check_option(item)?;
                }
            }
            Kind::Integer | Kind::Number => {
                // Both parse: `normalize` accepted the value.
                let number: f64 = value.parse().unwrap_or_default();
                if let Some(min) = self.min.filter(|min| number < *min) {
                    return Err(quoted(format!("must be at least {min}")));
                }
                if let Some(max) = self.max.filter(|max| number > *max) {
                    return Err(quoted(format!("must be at most {max}")));
                }
            }
            _ => {}
        }
        Ok(value)
    }

    fn check_option(&self, value: &str) -> Result<(), String> {
        if self.options.iter().any(|option| option == value) {
            return Ok(());
        }
        let options = self.options.join(", ");
        let mut message = if self.secret {
            format!("not one of: {options}")
        } else {
            format!("{value:?} is not one of: {options}")
        };
        if !self.secret
            && let Some(near) = closest(value, self.options.iter().map(String::as_str))
        {
            message.push_str(&format!(" (did you mean {near:?}?)"));
        }
        Err(message)
    }

    /// The example as text, if there is one.
    pub fn example_text(&self) -> Option<String> {
        toml_to_text(self.example.as_ref()?, self.kind).ok()
    }

    /// The default as the component receives it, if there is one.
    pub fn default_text(&self) -> Option<String> {
        let default = self.default.as_ref()?;
        toml_to_text(default, self.kind)
            .ok()
            .and_then(|text| self.check(&text).ok())
    }

    fn declaration_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut chars = self.key.chars();
        let valid_key = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !valid_key {
            problems.push("key: use UPPER_SNAKE_CASE (it is an environment variable)".to_string());
        }
        if self.title.trim().is_empty() {
            problems.push("title: must not be empty".to_string());
        }
        if self.kind == Kind::Enum && self.options.is_empty() {
            problems.push("an enum needs options".to_string());
        }
        if !self.options.is_empty() && !matches!(self.kind, Kind::Enum | Kind::List) {
            problems.push("options are only for enum and list parameters".to_string());
        }
        if (self.min.is_some() || self.max.is_some())
            && !matches!(self.kind, Kind::Integer | Kind::Number)
        {
            problems.push("min and max are only for integer and number parameters".to_string());
        }
        if let (Some(min), Some(max)) = (self.min, self.max)
            && min > max
        {
            problems.push("min is larger than max".to_string());
        }
        if self.required && self.default.is_some() {
            problems.push("a required parameter has no default".to_string());
        }
        if self.secret && self.default.is_some() {
            problems
                .push("a secret has no default (it would be public in template.toml)".to_string());
        }
        for (field, value) in [("default", &self.default), ("example", &self.example)] {
            if let Some(value) = value
                && let Err(message) =
                    toml_to_text(value, self.kind).and_then(|text| self.check(&text))
            {
                problems.push(format!("{field}: {message}"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "name = \"t\"\ntitle = \"T\"\ndescription = \"D\"\nversion = \"1.0.0\"\n";

    fn parse(parameters: &str) -> Result<Template, Problems> {
        Template::parse(&format!("{HEADER}{parameters}"), "t")
    }

    fn problems(parameters: &str) -> Vec<String> {
        parse(parameters)
            .unwrap_err()
            .list
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_minimal_template_parses() {
        let template = parse("").unwrap();
        assert_eq!(template.name, "t");
        assert!(template.parameters.is_empty());
    }

    #[test]
    fn unknown_fields_are_refused_with_their_line() {
        let problems = problems(
            "[[parameters]]\nkey = \"A\"\ntitle = \"A\"\ndescription = \"\"\ntype = \"string\"\nrequried = true\n",
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("unknown field `requried`"),
            "{problems:?}"
        );
        assert!(problems[0].contains("line 10"), "{problems:?}");
    }

    #[test]
    fn every_declaration_problem_is_reported_at_once() {
        let problems = problems(
            r#"
[[parameters]]
key = "lower"
title = "x"
description = ""
type = "enum"

[[parameters]]
key = "WIDTH"
title = "Width"
description = ""
type = "integer"
min = 10
max = 5
default = "wide"

[[parameters]]
key = "TOKEN"
title = "Token"
description = ""
type = "string"
secret = true
required = true
default = "abc"

[[parameters]]
key = "WIDTH"
title = "Width again"
description = ""
type = "url"
options = ["a"]
"#,
        );
        let expected = [
            "lower: key: use UPPER_SNAKE_CASE (it is an environment variable)",
            "lower: an enum needs options",
            "WIDTH: min is larger than max",
            "WIDTH: default: expected a whole number, got \"wide\"",
            "TOKEN: a required parameter has no default",
            "TOKEN: a secret has no default (it would be public in template.toml)",
            "WIDTH: declared twice",
            "WIDTH: options are only for enum and list parameters",
        ];
        assert_eq!(problems, expected);
    }

    #[test]
    fn defaults_are_checked_against_options_and_bounds() {
        let problems = problems(
            r#"
[[parameters]]
key = "FORMAT"
title = "Format"
description = ""
type = "enum"
options = ["webp", "png"]
default = "gif"

[[parameters]]
key = "QUALITY"
title = "Quality"
description = ""
type = "integer"
min = 1
max = 100
default = 101
"#,
        );
        assert_eq!(
            problems,
            [
                "FORMAT: default: \"gif\" is not one of: webp, png",
                "QUALITY: default: must be at most 100, got \"101\"",
            ]
        );
    }

    #[test]
    fn checks_apply_options_to_list_items_and_hide_secrets() {
        let template = parse(
            r#"
[[parameters]]
key = "FORMATS"
title = "Formats"
description = ""
type = "list"
options = ["webp", "png", "jpeg"]
default = ["webp", "png"]

[[parameters]]
key = "PIN"
title = "Pin"
description = ""
type = "integer"
secret = true
"#,
        )
        .unwrap();
        let formats = template.parameter("FORMATS").unwrap();
        assert_eq!(formats.default_text(), Some("webp,png".to_string()));
        assert_eq!(formats.check("png, jpeg"), Ok("png,jpeg".to_string()));
        assert_eq!(
            formats.check("png,jpg").unwrap_err(),
            "\"jpg\" is not one of: webp, png, jpeg (did you mean \"jpeg\"?)"
        );
        let pin = template.parameter("PIN").unwrap();
        assert_eq!(pin.check("12x3").unwrap_err(), "expected a whole number");
    }
}
