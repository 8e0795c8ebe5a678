//! The text `edgekit templates` prints.

use super::{Catalog, Kind, Template};
use std::fmt::Write as _;

/// One line per template: name, title and description, in aligned columns;
/// then any `template.toml` that could not be read.
///
/// ```
/// let catalog = edgekit_host::template::Catalog::default();
/// assert_eq!(edgekit_host::template::list(&catalog), "no templates found\n");
/// ```
pub fn list(catalog: &Catalog) -> String {
    let mut out = String::new();
    if catalog.templates.is_empty() {
        out.push_str("no templates found\n");
    } else {
        let rows: Vec<[String; 3]> = catalog
            .templates
            .iter()
            .map(|t| [t.name.clone(), t.title.clone(), t.description.clone()])
            .collect();
        out.push_str(&columns(
            &[["NAME", "TITLE", "DESCRIPTION"].map(String::from)],
            &rows,
        ));
    }
    for (file, error) in &catalog.broken {
        let _ = writeln!(
            out,
            "\nbroken: {}: {}",
            file.display(),
            error.replace('\n', "\n  ")
        );
    }
    out
}

/// A template's title, description and a table of its parameters (type,
/// default, required, secret), then each parameter's description.
///
/// ```
/// let template = edgekit_host::template::Template::parse(
///     "name = \"t\"\ntitle = \"T\"\ndescription = \"Does t.\"\nversion = \"1.0.0\"\n", "t").unwrap();
/// assert!(edgekit_host::template::describe(&template).contains("no parameters"));
/// ```
pub fn describe(template: &Template) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (version {})",
        template.name, template.title, template.version
    );
    let _ = writeln!(out, "{}\n", template.description);
    if template.parameters.is_empty() {
        out.push_str("no parameters\n");
        return out;
    }
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let rows: Vec<[String; 5]> = template
        .parameters
        .iter()
        .map(|p| {
            let kind = match p.kind {
                Kind::Enum | Kind::List if !p.options.is_empty() => {
                    format!("{} ({})", p.kind, p.options.join("|"))
                }
                _ => p.kind.to_string(),
            };
            let default = p.default_text().unwrap_or_else(|| "-".to_string());
            [p.key.clone(), kind, default, yes(p.required), yes(p.secret)]
        })
        .collect();
    out.push_str(&columns(
        &[["KEY", "TYPE", "DEFAULT", "REQUIRED", "SECRET"].map(String::from)],
        &rows,
    ));
    out.push('\n');
    for p in &template.parameters {
        let _ = writeln!(out, "{}: {}. {}", p.key, p.title, p.description.trim());
        let mut notes = Vec::new();
        if let Some(min) = p.min {
            notes.push(format!("at least {min}"));
        }
        if let Some(max) = p.max {
            notes.push(format!("at most {max}"));
        }
        if let Some(example) = p
            .example
            .as_ref()
            .and_then(|e| super::values::toml_to_text(e, p.kind).ok())
        {
            notes.push(format!("example: {example}"));
        }
        if !notes.is_empty() {
            let _ = writeln!(out, "  ({})", notes.join("; "));
        }
    }
    out
}

/// Rows in columns padded to the widest cell; the last column is not padded.
fn columns<const N: usize>(header: &[[String; N]], rows: &[[String; N]]) -> String {
    let all: Vec<&[String; N]> = header.iter().chain(rows).collect();
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            all.iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in all {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == N {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
