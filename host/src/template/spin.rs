//! Export to a Spin 3 application manifest (`spin.toml`, manifest version 2).

use super::origins::{has_secret_url, outbound_origins};
use super::{Settings, Template};
use std::fmt::Write as _;

/// A `spin.toml` that runs the template's component at `source` (a path
/// relative to the manifest, or a URL) with `settings`.
///
/// Non-secret values go to the component's `environment`, which is how the
/// component reads them. Secret parameters are never written: each becomes a
/// required application variable marked `secret = true`, passed to the
/// component as a component variable (read through `wasi:config/store`), and
/// the file's header says how to give its value (`spin up --variable` or
/// `SPIN_VARIABLE_<NAME>`). `allowed_outbound_hosts` lists the origins of the
/// URL parameters, and nothing else.
///
/// ```
/// # let template = edgekit_host::template::Template::parse(r#"
/// # name = "proxy"
/// # title = "Proxy"
/// # description = "Proxies."
/// # version = "1.0.0"
/// # [[parameters]]
/// # key = "ORIGIN"
/// # title = "Origin"
/// # description = ""
/// # type = "url"
/// # required = true
/// # "#, "t").unwrap();
/// let mut values = edgekit_host::template::Values::default();
/// values.set("ORIGIN", "https://api.example.com/v1/");
/// let settings = template.resolve(&values).unwrap();
/// let manifest = edgekit_host::template::to_spin_toml(&template, &settings, "proxy.wasm");
/// assert!(manifest.contains(r#"allowed_outbound_hosts = ["https://api.example.com"]"#));
/// ```
pub fn to_spin_toml(template: &Template, settings: &Settings, source: &str) -> String {
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    let id = &template.name;
    // A Spin variable needs a value or `required = true`; an optional secret
    // nobody set is left out rather than given an empty default.
    let secrets: Vec<_> = template
        .parameters
        .iter()
        .filter(|p| p.secret && (p.required || settings.get(&p.key).is_some()))
        .collect();
    let mut out = String::new();

    let _ = writeln!(
        out,
        "# Spin 3 manifest for the {id:?} template {}, written by `edgekit export`.",
        template.version
    );
    let _ = writeln!(
        out,
        "# Run it with `spin up` in this folder (the component file must be at {source:?})."
    );
    if !secrets.is_empty() {
        let _ = writeln!(out, "#");
        let _ = writeln!(
            out,
            "# Secret parameters are not in this file. Give their values when you start it:"
        );
        for parameter in &secrets {
            let name = parameter.key.to_ascii_lowercase();
            let _ = writeln!(
                out,
                "#   {}: spin up --variable {name}=...   or   SPIN_VARIABLE_{}=... spin up",
                parameter.title, parameter.key
            );
        }
        let _ = writeln!(
            out,
            "# or from a secret store (Vault, Azure Key Vault) in the runtime config (--runtime-config-file)."
        );
    }
    if has_secret_url(template) {
        let _ = writeln!(
            out,
            "# A secret URL's host is not listed in allowed_outbound_hosts: add it there yourself."
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "spin_manifest_version = 2");
    let _ = writeln!(out);
    let _ = writeln!(out, "[application]");
    let _ = writeln!(out, "name = {}", quote(id));
    let _ = writeln!(out, "version = {}", quote(&template.version));
    let _ = writeln!(out, "description = {}", quote(&template.description));

    if !secrets.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "[variables]");
        for parameter in &secrets {
            let _ = writeln!(
                out,
                "{} = {{ required = true, secret = true }}",
                parameter.key.to_ascii_lowercase()
            );
        }
    }

    let _ = writeln!(out);
    let _ = writeln!(out, "[[trigger.http]]");
    let _ = writeln!(out, "route = \"/...\"");
    let _ = writeln!(out, "component = {}", quote(id));
    let _ = writeln!(out);
    let _ = writeln!(out, "[component.{id}]");
    let _ = writeln!(out, "source = {}", quote(source));
    let origins: Vec<String> = outbound_origins(template, settings)
        .iter()
        .map(|o| quote(o))
        .collect();
    let _ = writeln!(out, "allowed_outbound_hosts = [{}]", origins.join(", "));

    let _ = writeln!(out);
    let _ = writeln!(out, "[component.{id}.environment]");
    for setting in settings.list.iter().filter(|s| !s.secret) {
        let _ = writeln!(out, "{} = {}", setting.key, quote(&setting.value));
    }

    if !secrets.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "[component.{id}.variables]");
        for parameter in &secrets {
            let name = parameter.key.to_ascii_lowercase();
            let _ = writeln!(out, "{name} = \"{{{{ {name} }}}}\"");
        }
    }
    out
}
