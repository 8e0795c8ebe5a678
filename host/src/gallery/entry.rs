//! One template in the gallery: its component, its current values, and the
//! host running it with them.

use super::builtin_demos;
use super::services::Services;
use super::try_forms::{self, TryForm};
use crate::template::{Problem, Settings, Template, TryLink, Values};
use crate::{Host, ResponseBody, build_crate};
use hyper::body::Incoming;
use std::path::PathBuf;
use tokio::sync::RwLock;

/// A template and the result of building its component.
pub struct Built {
    template: Template,
    wasm: Result<PathBuf, String>,
}

impl Built {
    /// Builds `template`'s crate (blocking: cargo runs).
    pub fn new(template: Template) -> Built {
        eprintln!(
            "building template {} ({})",
            template.name,
            template.dir.display()
        );
        let wasm = build_crate(&template.dir).map_err(|error| format!("{error:#}"));
        if let Err(error) = &wasm {
            eprintln!("template {} does not build: {error}", template.name);
        }
        Built { template, wasm }
    }
}

pub(crate) struct Entry {
    pub template: Template,
    pub wasm: Result<PathBuf, String>,
    pub current: RwLock<Current>,
}

/// What a template runs with now.
#[derive(Default)]
pub(crate) struct Current {
    /// The values last applied successfully.
    pub values: Values,
    pub settings: Option<Settings>,
    pub host: Option<Host>,
    /// Why it is not running, if it is not.
    pub problems: Vec<Problem>,
}

impl Entry {
    pub fn new(built: Built) -> Entry {
        Entry {
            template: built.template,
            wasm: built.wasm,
            current: RwLock::new(Current::default()),
        }
    }

    /// The demo values: `[demo]`, else built-in ones, else the examples of
    /// the required parameters; `${S3_DEMO_...}` placeholders in text
    /// values are replaced by the gallery's S3 credentials.
    pub fn demo_values(&self, services: &Services) -> Result<Values, Problem> {
        let mut values = Values::default();
        let mut table = toml::Table::new();
        if let Some(demo) = &self.template.demo {
            table = demo.values.clone();
        } else if let Some((toml_text, _)) = builtin_demos::for_template(&self.template.name) {
            table = toml_text.parse::<toml::Table>().unwrap_or_default();
        } else {
            for parameter in self.template.parameters.iter().filter(|p| p.required) {
                if let Some(example) = &parameter.example {
                    values.set_toml(&parameter.key, example.clone());
                }
            }
        }
        for (key, value) in table {
            let value = match value {
                toml::Value::String(text) => toml::Value::String(services.substitute(&key, &text)?),
                other => other,
            };
            values.set_toml(key, value);
        }
        Ok(values)
    }

    /// The "try it" form, for the components edgekit ships.
    pub fn try_form(&self) -> Option<TryForm> {
        try_forms::for_template(&self.template.name)
    }

    /// The "try it" links.
    pub fn links(&self) -> Vec<TryLink> {
        match &self.template.demo {
            Some(demo) if !demo.links.is_empty() => demo.links.clone(),
            _ => builtin_demos::for_template(&self.template.name)
                .map(|(_, links)| links)
                .unwrap_or_else(|| {
                    vec![TryLink {
                        title: "Its home page".to_string(),
                        path: "/".to_string(),
                    }]
                }),
        }
    }

    /// Checks `values` and, when they are valid, re-deploys the template
    /// with them. Returns the problems (empty on success).
    pub async fn apply(&self, values: Values, services: &Services) -> Vec<Problem> {
        let settings = match self.template.resolve(&values) {
            Ok(settings) => settings,
            Err(problems) => return problems.list,
        };
        let wasm = match &self.wasm {
            Ok(wasm) => wasm,
            Err(error) => {
                return vec![Problem::new(
                    "",
                    format!("the component does not build: {error}"),
                )];
            }
        };
        let mut builder = services.route(Host::builder(wasm).inherit_stdio());
        for (key, value) in settings.env() {
            builder = builder.env(key, value);
        }
        match builder.build().await {
            Ok(host) => {
                let mut current = self.current.write().await;
                *current = Current {
                    values,
                    settings: Some(settings),
                    host: Some(host),
                    problems: Vec::new(),
                };
                Vec::new()
            }
            Err(error) => vec![Problem::new(
                "",
                format!("cannot start the component: {error:#}"),
            )],
        }
    }

    /// Sends `request` to the running component with the first `prefix`
    /// bytes of its path (`/<name>`) removed.
    pub async fn forward(
        &self,
        request: http::Request<Incoming>,
        prefix: usize,
    ) -> http::Response<ResponseBody> {
        let Some(host) = self.current.read().await.host.clone() else {
            return super::api::page(
                http::StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                "this template is not running: set its parameters in the console at /\n",
            );
        };
        let (mut parts, body) = request.into_parts();
        let rest = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .get(prefix..)
            .unwrap_or("/")
            .to_string();
        parts.uri = match rest.parse() {
            Ok(uri) => uri,
            Err(_) => {
                return super::api::page(
                    http::StatusCode::BAD_REQUEST,
                    "text/plain; charset=utf-8",
                    "bad request\n",
                );
            }
        };
        let method = parts.method.clone();
        match host
            .send_streaming(http::Request::from_parts(parts, body))
            .await
        {
            Ok(exchange) => {
                let status = exchange.response.status();
                let name = self.template.name.clone();
                tokio::spawn(async move {
                    let stats = exchange.stats.await;
                    match stats.failure {
                        None => eprintln!("{name}: {method} {rest} {}", status.as_u16()),
                        Some(failure) => eprintln!(
                            "{name}: {method} {rest} {}: {}",
                            status.as_u16(),
                            failure.kind
                        ),
                    }
                });
                exchange.response
            }
            Err(error) => {
                eprintln!("{}: {method} {rest} 400: {error:#}", self.template.name);
                super::api::page(
                    http::StatusCode::BAD_REQUEST,
                    "text/plain; charset=utf-8",
                    "bad request\n",
                )
            }
        }
    }
}
