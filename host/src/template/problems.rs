//! Everything wrong with a template or with the values given for it.

use std::fmt;

/// One problem, tied to the parameter key it is about (empty when it is
/// about the template as a whole).
///
/// ```
/// use edgekit_host::template::Problem;
/// let problem = Problem::new("MAX_WIDTH", "expected a whole number");
/// assert_eq!(problem.to_string(), "MAX_WIDTH: expected a whole number");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The parameter key, as declared (or as given, for an unknown key).
    pub key: String,
    /// What is wrong, in words for someone who does not code. Never contains
    /// the value of a secret parameter.
    pub message: String,
}

impl Problem {
    /// A problem with `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.key, self.message)
        }
    }
}

/// Every problem found, in the order of the template's parameters; one per
/// line when displayed.
///
/// ```
/// use edgekit_host::template::{Problem, Problems};
/// let problems = Problems::new("markdown", vec![Problem::new("ORIGIN", "required")]);
/// assert_eq!(problems.to_string(), "markdown: 1 problem\n  ORIGIN: required");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// What was checked: a template name or a file.
    pub subject: String,
    /// The problems, at least one.
    pub list: Vec<Problem>,
}

impl Problems {
    /// Problems with `subject`.
    pub fn new(subject: impl Into<String>, list: Vec<Problem>) -> Problems {
        Problems {
            subject: subject.into(),
            list,
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.list.len();
        let plural = if count == 1 { "" } else { "s" };
        write!(f, "{}: {count} problem{plural}", self.subject)?;
        for problem in &self.list {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
