//! Every template's `template.toml` and its component's config type agree:
//! each key the code reads is declared, each declared key is read, with a
//! compatible type and the same secrecy.
//!
//! The keys the code reads come from the config type itself,
//! `edgekit::config::keys::<Config>()`, which walks the type's serde
//! description (renames, `Option`, `Secret`, enums included), so the check
//! follows the code without parsing Rust. Each component with a
//! `template.toml` is listed in [`checked`] (its crate adds `"rlib"` to
//! `crate-type` and is a dev-dependency here), and a test fails for any
//! template that is not.

use edgekit::config::{Key, Kind as Read};
use edgekit_host::template::{Kind as Declared, Template};
use std::path::{Path, PathBuf};

/// The templates checked: crate directory (from the repository root) and
/// the keys its config type reads.
fn checked() -> Vec<(&'static str, Vec<Key>)> {
    vec![
        (
            "tests/components/template-probe",
            edgekit::config::keys::<template_probe::Config>(),
        ),
        (
            "components/anon-proxy",
            edgekit::config::keys::<anon_proxy::config::Config>(),
        ),
        (
            "components/markdown",
            edgekit::config::keys::<markdown::config::Config>(),
        ),
        (
            "components/image-resize",
            edgekit::config::keys::<image_resize::settings::Config>(),
        ),
        (
            "components/geo-router",
            edgekit::config::keys::<geo_router_config::config::Config>(),
        ),
        (
            "components/s3-uploader",
            edgekit::config::keys::<s3_uploader::config::Config>(),
        ),
    ]
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Whether a value the code reads as `read` can be declared as `declared`.
fn compatible(read: &Read, declared: Declared, options: &[String]) -> bool {
    match read {
        // Text is parsed by the code: a URL, or an enum it matches itself.
        Read::String => matches!(declared, Declared::String | Declared::Url | Declared::Enum),
        Read::Integer => declared == Declared::Integer,
        // Whole numbers are numbers too.
        Read::Number => matches!(declared, Declared::Number | Declared::Integer),
        Read::Bool => declared == Declared::Bool,
        Read::List => declared == Declared::List,
        Read::Json => declared == Declared::Json,
        Read::Enum(variants) => {
            let mut variants: Vec<&str> = variants.clone();
            let mut options: Vec<&str> = options.iter().map(String::as_str).collect();
            variants.sort_unstable();
            options.sort_unstable();
            declared == Declared::Enum && variants == options
        }
    }
}

/// What disagrees between `template` and the keys its code reads.
fn mismatches(template: &Template, read: &[Key]) -> Vec<String> {
    let mut found = Vec::new();
    for key in read {
        let Some(parameter) = template.parameter(&key.name) else {
            found.push(format!("{}: read by the code, not declared", key.name));
            continue;
        };
        if !compatible(&key.kind, parameter.kind, &parameter.options) {
            found.push(format!(
                "{}: declared {} (options {:?}), read as {:?}",
                key.name, parameter.kind, parameter.options, key.kind
            ));
        }
        if parameter.secret != key.secret {
            found.push(format!(
                "{}: declared secret = {}, but the code {}",
                key.name,
                parameter.secret,
                if key.secret {
                    "reads a Secret"
                } else {
                    "does not read it as a Secret"
                }
            ));
        }
    }
    for parameter in &template.parameters {
        if !read.iter().any(|key| key.name == parameter.key) {
            found.push(format!(
                "{}: declared, never read by the code",
                parameter.key
            ));
        }
    }
    found
}

#[test]
fn every_template_matches_its_config_type() {
    for (dir, read) in checked() {
        let template = Template::load(&repo().join(dir)).unwrap();
        assert_eq!(mismatches(&template, &read), Vec::<String>::new(), "{dir}");
    }
}

#[test]
fn every_template_is_checked() {
    let listed: Vec<&str> = checked().iter().map(|(dir, _)| *dir).collect();
    let mut unchecked = Vec::new();
    for folder in ["components", "tests/components"] {
        let Ok(entries) = std::fs::read_dir(repo().join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let dir = format!("{folder}/{}", entry.file_name().to_string_lossy());
            if entry.path().join("template.toml").is_file() && !listed.contains(&dir.as_str()) {
                unchecked.push(dir);
            }
        }
    }
    assert!(
        unchecked.is_empty(),
        "templates without a sync check (add \"rlib\" to the crate's crate-type, the crate to \
         tests/Cargo.toml's dev-dependencies and its Config to `checked()`): {unchecked:?}"
    );
}

/// The check itself finds each kind of disagreement.
#[test]
fn disagreements_are_found() {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Config {
        origin: String,
        max_width: u32,
        ratio: f64,
        token: Option<edgekit::config::Secret<String>>,
        password: String,
        fit: Fit,
        undeclared: bool,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Fit {
        Cover,
        Contain,
    }
    let template = Template::parse(
        r#"
name = "t"
title = "T"
description = "D"
version = "1.0.0"

[[parameters]]
key = "ORIGIN"
title = "Origin"
description = ""
type = "url"

[[parameters]]
key = "MAX_WIDTH"
title = "Width"
description = ""
type = "string"

[[parameters]]
key = "RATIO"
title = "Ratio"
description = ""
type = "integer"

[[parameters]]
key = "TOKEN"
title = "Token"
description = ""
type = "string"

[[parameters]]
key = "PASSWORD"
title = "Password"
description = ""
type = "string"
secret = true

[[parameters]]
key = "FIT"
title = "Fit"
description = ""
type = "enum"
options = ["cover", "fill"]

[[parameters]]
key = "UNREAD"
title = "Unread"
description = ""
type = "bool"
"#,
        "t",
    )
    .unwrap();
    let found = mismatches(&template, &edgekit::config::keys::<Config>());
    assert_eq!(
        found,
        [
            "MAX_WIDTH: declared string (options []), read as Integer",
            "TOKEN: declared secret = false, but the code reads a Secret",
            "PASSWORD: declared secret = true, but the code does not read it as a Secret",
            "FIT: declared enum (options [\"cover\", \"fill\"]), read as Enum([\"cover\", \"contain\"])",
            "UNDECLARED: read by the code, not declared",
            "UNREAD: declared, never read by the code",
        ]
    );
}
