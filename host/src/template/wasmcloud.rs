//! Export to a wasmCloud application manifest (`wadm.yaml`).

use super::origins::outbound_origins;
use super::{Settings, Template};
use std::fmt::Write as _;

/// The HTTP server and client providers the manifest links the component to.
const HTTP_SERVER_IMAGE: &str = "ghcr.io/wasmcloud/http-server:0.27.0";
const HTTP_CLIENT_IMAGE: &str = "ghcr.io/wasmcloud/http-client:0.13.0";
/// The secret policy's name in the manifest.
const SECRET_POLICY: &str = "edgekit-secrets";

/// A `wadm.yaml` that runs the template's component from `image` (an OCI
/// reference or `file://` path) behind wasmCloud's HTTP server provider on
/// `0.0.0.0:8000`, with `settings`.
///
/// Non-secret values become the component's named config. Secret parameters
/// are never written: each becomes a secret reference (policy
/// `edgekit-secrets`, backend `nats-kv`, key `<template>-<key>`), and the
/// header says how to store the value. When a URL parameter is set, the
/// component is linked to the HTTP client provider for its outgoing requests.
///
/// ```
/// # let template = edgekit_host::template::Template::parse(r#"
/// # name = "hello"
/// # title = "Hello"
/// # description = "Says hello."
/// # version = "1.0.0"
/// # "#, "t").unwrap();
/// let settings = template.resolve(&Default::default()).unwrap();
/// let yaml = edgekit_host::template::to_wadm_yaml(&template, &settings, "file://./hello.wasm");
/// assert!(yaml.contains("kind: Application"));
/// ```
pub fn to_wadm_yaml(template: &Template, settings: &Settings, image: &str) -> String {
    // JSON strings are valid YAML double-quoted scalars, escapes included.
    let quote = |text: &str| serde_json::Value::String(text.to_string()).to_string();
    let id = &template.name;
    let secrets: Vec<_> = template
        .parameters
        .iter()
        .filter(|p| p.secret && (p.required || settings.get(&p.key).is_some()))
        .collect();
    let config: Vec<_> = settings.list.iter().filter(|s| !s.secret).collect();
    let calls_out = !outbound_origins(template, settings).is_empty();
    let mut out = String::new();

    let _ = writeln!(
        out,
        "# wasmCloud application for the {id:?} template {}, written by `edgekit export`.",
        template.version
    );
    let _ = writeln!(
        out,
        "# Deploy it with `wash app deploy wadm.yaml`; it answers on port 8000."
    );
    let _ = writeln!(
        out,
        "# wasmCloud gives config and secrets to the component through wasi:config and"
    );
    let _ = writeln!(
        out,
        "# wasmcloud:secrets, not as environment variables: the component must read them there."
    );
    if !secrets.is_empty() {
        let _ = writeln!(out, "#");
        let _ = writeln!(
            out,
            "# Secret parameters are not in this file: store each value in the nats-kv"
        );
        let _ = writeln!(
            out,
            "# secrets backend (wasmCloud/secrets-nats-kv) under the key shown, e.g."
        );
        for parameter in &secrets {
            let _ = writeln!(
                out,
                "#   {}: secrets-nats-kv put {id}-{} --string ...",
                parameter.title,
                parameter.key.to_ascii_lowercase()
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "apiVersion: core.oam.dev/v1beta1");
    let _ = writeln!(out, "kind: Application");
    let _ = writeln!(out, "metadata:");
    let _ = writeln!(out, "  name: {}", quote(id));
    let _ = writeln!(out, "  annotations:");
    let _ = writeln!(out, "    version: {}", quote(&template.version));
    let _ = writeln!(out, "    description: {}", quote(&template.description));
    let _ = writeln!(out, "spec:");
    if !secrets.is_empty() {
        let _ = writeln!(out, "  policies:");
        let _ = writeln!(out, "    - name: {SECRET_POLICY}");
        let _ = writeln!(out, "      type: policy.secret.wasmcloud.dev/v1alpha1");
        let _ = writeln!(out, "      properties:");
        let _ = writeln!(out, "        backend: nats-kv");
    }
    let _ = writeln!(out, "  components:");
    let _ = writeln!(out, "    - name: {}", quote(id));
    let _ = writeln!(out, "      type: component");
    let _ = writeln!(out, "      properties:");
    let _ = writeln!(out, "        image: {}", quote(image));
    if !config.is_empty() {
        let _ = writeln!(out, "        config:");
        let _ = writeln!(out, "          - name: {}", quote(&format!("{id}-config")));
        let _ = writeln!(out, "            properties:");
        for setting in &config {
            let _ = writeln!(
                out,
                "              {}: {}",
                setting.key,
                quote(&setting.value)
            );
        }
    }
    if !secrets.is_empty() {
        let _ = writeln!(out, "        secrets:");
        for parameter in &secrets {
            let _ = writeln!(out, "          - name: {}", parameter.key);
            let _ = writeln!(out, "            properties:");
            let _ = writeln!(out, "              policy: {SECRET_POLICY}");
            let _ = writeln!(
                out,
                "              key: {}",
                quote(&format!("{id}-{}", parameter.key.to_ascii_lowercase()))
            );
        }
    }
    let _ = writeln!(out, "      traits:");
    let _ = writeln!(out, "        - type: spreadscaler");
    let _ = writeln!(out, "          properties:");
    let _ = writeln!(out, "            instances: 1");
    if calls_out {
        let _ = writeln!(out, "        - type: link");
        let _ = writeln!(out, "          properties:");
        let _ = writeln!(out, "            target: httpclient");
        let _ = writeln!(out, "            namespace: wasi");
        let _ = writeln!(out, "            package: http");
        let _ = writeln!(out, "            interfaces: [outgoing-handler]");
    }
    let _ = writeln!(out, "    - name: httpserver");
    let _ = writeln!(out, "      type: capability");
    let _ = writeln!(out, "      properties:");
    let _ = writeln!(out, "        image: {HTTP_SERVER_IMAGE}");
    let _ = writeln!(out, "      traits:");
    let _ = writeln!(out, "        - type: link");
    let _ = writeln!(out, "          properties:");
    let _ = writeln!(out, "            target: {}", quote(id));
    let _ = writeln!(out, "            namespace: wasi");
    let _ = writeln!(out, "            package: http");
    let _ = writeln!(out, "            interfaces: [incoming-handler]");
    let _ = writeln!(out, "            source:");
    let _ = writeln!(out, "              config:");
    let _ = writeln!(
        out,
        "                - name: {}",
        quote(&format!("{id}-http"))
    );
    let _ = writeln!(out, "                  properties:");
    let _ = writeln!(out, "                    address: \"0.0.0.0:8000\"");
    if calls_out {
        let _ = writeln!(out, "    - name: httpclient");
        let _ = writeln!(out, "      type: capability");
        let _ = writeln!(out, "      properties:");
        let _ = writeln!(out, "        image: {HTTP_CLIENT_IMAGE}");
    }
    out
}
