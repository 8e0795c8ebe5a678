//! The console: its page at `/`, and the JSON API it calls under
//! `/_console/api/` (list, apply, export).

use super::State;
use super::entry::Entry;
use crate::ResponseBody;
use crate::template::{Values, to_spin_toml, to_wadm_yaml};
use http::StatusCode;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::{Value, json};

const HTML: &str = include_str!("assets/console.html");
const JS: &str = include_str!("assets/console.js");
const CSS: &str = include_str!("assets/console.css");
/// Values sent by the console form are small; anything larger is refused.
const MAX_APPLY_BYTES: usize = 256 * 1024;

pub(crate) async fn answer(
    state: &State,
    request: http::Request<Incoming>,
) -> http::Response<ResponseBody> {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let get = method == http::Method::GET;
    match path.as_str() {
        "/" if get => page(StatusCode::OK, "text/html; charset=utf-8", HTML),
        "/_console/console.js" if get => page(StatusCode::OK, "text/javascript; charset=utf-8", JS),
        "/_console/console.css" if get => page(StatusCode::OK, "text/css; charset=utf-8", CSS),
        "/_console/api/templates" if get => {
            let mut list = Vec::new();
            for entry in &state.entries {
                list.push(describe(entry).await);
            }
            json_response(StatusCode::OK, &json!({ "templates": list }))
        }
        _ => {
            let rest = path.strip_prefix("/_console/api/");
            let (action, name) = rest.and_then(|r| r.split_once('/')).unwrap_or_default();
            let Some(entry) = state.entries.iter().find(|e| e.template.name == name) else {
                return json_response(
                    StatusCode::NOT_FOUND,
                    &json!({ "error": "no such template" }),
                );
            };
            match action {
                "apply" if method == http::Method::POST => apply(state, entry, request).await,
                "export" if get => export(entry, request.uri().query().unwrap_or_default()).await,
                _ => json_response(StatusCode::NOT_FOUND, &json!({ "error": "not found" })),
            }
        }
    }
}

/// A template, its current values (never a secret's) and state, for the form.
async fn describe(entry: &Entry) -> Value {
    let current = entry.current.read().await;
    let template = &entry.template;
    let parameters: Vec<Value> = template
        .parameters
        .iter()
        .map(|p| {
            let value = match (&current.settings, p.secret) {
                (_, true) => None,
                (Some(_), false) => current.values.get(&p.key),
                (None, false) => None,
            };
            let is_set = current
                .settings
                .as_ref()
                .and_then(|s| s.get(&p.key))
                .is_some();
            json!({
                "key": p.key,
                "title": p.title,
                "description": p.description,
                "type": p.kind,
                "required": p.required,
                "secret": p.secret,
                "options": p.options,
                "default": p.default_text(),
                "example": p.example_text(),
                "min": p.min,
                "max": p.max,
                "value": value,
                "isSet": is_set,
            })
        })
        .collect();
    let links: Vec<Value> = entry
        .links()
        .iter()
        .map(|l| json!({ "title": l.title, "href": format!("/{}{}", template.name, l.path) }))
        .collect();
    json!({
        "name": template.name,
        "title": template.title,
        "description": template.description,
        "version": template.version,
        "parameters": parameters,
        "links": links,
        "tryForm": entry.try_form(),
        "running": current.host.is_some(),
        "problems": problems_json(&current.problems),
        "buildError": entry.wasm.as_ref().err(),
    })
}

fn problems_json(problems: &[crate::template::Problem]) -> Vec<Value> {
    problems
        .iter()
        .map(|p| json!({ "key": p.key, "message": p.message }))
        .collect()
}

/// `POST /_console/api/apply/<name>` with `{"values": {"KEY": "text"}}`.
/// An empty secret keeps the secret already set (the form never shows it).
async fn apply(
    state: &State,
    entry: &Entry,
    request: http::Request<Incoming>,
) -> http::Response<ResponseBody> {
    let body = match Limited::new(request.into_body(), MAX_APPLY_BYTES)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(_) => {
            return json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &json!({ "error": "too large" }),
            );
        }
    };
    let Ok(Value::Object(mut sent)) = serde_json::from_slice::<Value>(&body) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "error": "expected a JSON object" }),
        );
    };
    let Some(Value::Object(given)) = sent.remove("values") else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "error": "expected {\"values\": {...}}" }),
        );
    };
    let mut values = Values::default();
    {
        let current = entry.current.read().await;
        for parameter in entry.template.parameters.iter().filter(|p| p.secret) {
            if let Some(kept) = current
                .settings
                .as_ref()
                .and_then(|s| s.get(&parameter.key))
            {
                values.set(&parameter.key, &kept.value);
            }
        }
    }
    for (key, value) in given {
        let text = match value {
            Value::String(text) => text,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let is_secret = entry.template.parameter(&key).is_some_and(|p| p.secret);
        if is_secret && text.is_empty() {
            continue;
        }
        values.set(key, text);
    }
    let problems = entry.apply(values, &state.services).await;
    if problems.is_empty() {
        eprintln!("console: re-deployed {}", entry.template.name);
        json_response(StatusCode::OK, &json!({ "ok": true }))
    } else {
        json_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({ "ok": false, "problems": problems_json(&problems) }),
        )
    }
}

/// `GET /_console/api/export/<name>?format=spin|wasmcloud`: the manifest
/// for the values applied now, as a download.
async fn export(entry: &Entry, query: &str) -> http::Response<ResponseBody> {
    let current = entry.current.read().await;
    let Some(settings) = &current.settings else {
        return json_response(
            StatusCode::CONFLICT,
            &json!({ "error": "apply valid settings first" }),
        );
    };
    let template = &entry.template;
    let source = format!("{}.wasm", template.name);
    let (text, file, content_type) = match query {
        "format=spin" => (
            to_spin_toml(template, settings, &source),
            "spin.toml",
            "application/toml",
        ),
        "format=wasmcloud" => (
            to_wadm_yaml(template, settings, &format!("file://./{source}")),
            "wadm.yaml",
            "application/yaml",
        ),
        _ => {
            return json_response(
                StatusCode::BAD_REQUEST,
                &json!({ "error": "format=spin or format=wasmcloud" }),
            );
        }
    };
    let mut response = page(StatusCode::OK, content_type, text);
    if let Ok(value) = http::HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A response the host writes itself.
pub(crate) fn page(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<bytes::Bytes>,
) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(ResponseBody::text(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    headers.insert(
        "x-content-type-options",
        http::HeaderValue::from_static("nosniff"),
    );
    response
}

pub(crate) fn redirect(location: &str) -> http::Response<ResponseBody> {
    let mut response = page(
        StatusCode::PERMANENT_REDIRECT,
        "text/plain; charset=utf-8",
        "",
    );
    if let Ok(value) = http::HeaderValue::from_str(location) {
        response.headers_mut().insert(http::header::LOCATION, value);
    }
    response
}

fn json_response(status: StatusCode, value: &Value) -> http::Response<ResponseBody> {
    page(status, "application/json", value.to_string())
}
