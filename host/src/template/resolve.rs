//! Checking given values against a template: the settings a component runs
//! with, or every problem at once.

use super::hint::closest;
use super::values::fold;
use super::{Problem, Problems, Template, Values};

/// One parameter's value, as the component receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The environment variable.
    pub key: String,
    /// Its value (normalized: `yes` becomes `true`, lists lose their spaces).
    pub value: String,
    /// Whether the parameter is secret.
    pub secret: bool,
    /// Whether the value is the template's default rather than a given one.
    pub is_default: bool,
}

/// The checked values of every parameter that has one, in template order.
///
/// ```
/// # let template = edgekit_host::template::Template::parse(r#"
/// # name = "t"
/// # title = "T"
/// # description = "D"
/// # version = "1.0.0"
/// # [[parameters]]
/// # key = "DEBUG"
/// # title = "Debug"
/// # description = ""
/// # type = "bool"
/// # default = false
/// # "#, "t").unwrap();
/// let mut values = edgekit_host::template::Values::default();
/// values.set("debug", "yes");
/// let settings = template.resolve(&values).unwrap();
/// assert_eq!(settings.env().collect::<Vec<_>>(), [("DEBUG", "true")]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The settings, in the template's parameter order.
    pub list: Vec<Setting>,
}

impl Settings {
    /// `(key, value)` pairs to pass as environment variables.
    pub fn env(&self) -> impl Iterator<Item = (&str, &str)> {
        self.list.iter().map(|s| (s.key.as_str(), s.value.as_str()))
    }

    /// The value of `key`, if it has one.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.list.iter().find(|s| s.key == key)
    }
}

impl Template {
    /// Checks `values` against the parameters: every missing required
    /// parameter, every value of the wrong type, outside its options or
    /// bounds, and every unknown key (with a "did you mean" hint) is reported
    /// together. An empty value counts as not given. Parameters with neither
    /// a value nor a default are left out of the settings.
    pub fn resolve(&self, values: &Values) -> Result<Settings, Problems> {
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        for parameter in &self.parameters {
            let given = values
                .text_for(&parameter.key, parameter.kind)
                .filter(|text| text.as_ref().map_or(true, |text| !text.trim().is_empty()));
            let (text, is_default) = match given {
                Some(text) => (text, false),
                None => match parameter.default_text() {
                    Some(default) => (Ok(default), true),
                    None if parameter.required => {
                        problems.push(Problem::new(
                            &parameter.key,
                            "required, but no value was given",
                        ));
                        continue;
                    }
                    None => continue,
                },
            };
            match text.and_then(|text| parameter.check(&text)) {
                Ok(value) => settings.list.push(Setting {
                    key: parameter.key.clone(),
                    value,
                    secret: parameter.secret,
                    is_default,
                }),
                Err(message) => problems.push(Problem::new(&parameter.key, message)),
            }
        }
        for key in values.keys() {
            if self.parameter(&fold(key)).is_none() {
                let declared = self.parameters.iter().map(|p| p.key.as_str());
                let message = match closest(key, declared) {
                    Some(near) => format!("unknown parameter (did you mean {near}?)"),
                    None => format!("unknown parameter; {} takes: {}", self.name, self.keys()),
                };
                problems.push(Problem::new(key, message));
            }
        }
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(Problems::new(&self.name, problems))
        }
    }

    fn keys(&self) -> String {
        if self.parameters.is_empty() {
            return "no parameters".to_string();
        }
        self.parameters
            .iter()
            .map(|p| p.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        Template::parse(
            r#"
name = "resizer"
title = "Resizer"
description = "Resizes."
version = "1.0.0"

[[parameters]]
key = "ORIGIN"
title = "Origin"
description = "Where images come from."
type = "url"
required = true

[[parameters]]
key = "MAX_WIDTH"
title = "Largest width"
description = ""
type = "integer"
default = 2000
min = 1

[[parameters]]
key = "FORMAT"
title = "Format"
description = ""
type = "enum"
options = ["webp", "png", "jpeg"]
default = "webp"

[[parameters]]
key = "TOKEN"
title = "Token"
description = ""
type = "string"
secret = true

[[parameters]]
key = "ALLOWED"
title = "Allowed"
description = ""
type = "list"
"#,
            "resizer",
        )
        .unwrap()
    }

    #[test]
    fn defaults_fill_in_and_unset_optional_parameters_are_left_out() {
        let mut values = Values::default();
        values.set("ORIGIN", "https://img.example.com");
        values.set("TOKEN", "s3cret");
        let settings = template().resolve(&values).unwrap();
        assert_eq!(
            settings.env().collect::<Vec<_>>(),
            [
                ("ORIGIN", "https://img.example.com/"),
                ("MAX_WIDTH", "2000"),
                ("FORMAT", "webp"),
                ("TOKEN", "s3cret"),
            ]
        );
        assert!(settings.get("MAX_WIDTH").unwrap().is_default);
        assert!(settings.get("TOKEN").unwrap().secret);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut values = Values::default();
        values.set("MAX_WIDTH", "wide");
        values.set("FORMAT", "jpg");
        values.set("ORIGN", "https://img.example.com");
        values.set("COLOUR", "red");
        let problems = template().resolve(&values).unwrap_err();
        assert_eq!(
            problems.to_string(),
            "resizer: 5 problems\n  \
             ORIGIN: required, but no value was given\n  \
             MAX_WIDTH: expected a whole number, got \"wide\"\n  \
             FORMAT: \"jpg\" is not one of: webp, png, jpeg (did you mean \"jpeg\"?)\n  \
             ORIGN: unknown parameter (did you mean ORIGIN?)\n  \
             COLOUR: unknown parameter; resizer takes: ORIGIN, MAX_WIDTH, FORMAT, TOKEN, ALLOWED"
        );
    }

    #[test]
    fn empty_values_count_as_not_given() {
        let mut values = Values::default();
        values.set("ORIGIN", " ");
        values.set("MAX_WIDTH", "");
        let problems = template().resolve(&values).unwrap_err();
        assert_eq!(
            problems.list,
            [Problem::new("ORIGIN", "required, but no value was given")]
        );
    }

    #[test]
    fn secret_values_never_appear_in_problems() {
        let template = Template::parse(
            "name = \"t\"\ntitle = \"T\"\ndescription = \"D\"\nversion = \"1\"\n\
             [[parameters]]\nkey = \"PIN\"\ntitle = \"Pin\"\ndescription = \"\"\ntype = \"integer\"\nsecret = true\nmax = 9999\n",
            "t",
        )
        .unwrap();
        for bad in ["not-a-number-7731", "77310000"] {
            let mut values = Values::default();
            values.set("PIN", bad);
            let shown = template.resolve(&values).unwrap_err().to_string();
            assert!(!shown.contains("7731"), "{shown}");
        }
    }
}
