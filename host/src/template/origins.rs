//! The hosts a configured component will call: its URL parameters' origins.

use super::{Kind, Settings, Template};

/// `scheme://host[:port]` of every non-secret `url` setting, without
/// duplicates, in template order: what a platform must allow the component
/// to reach. A secret URL's host is not written anywhere.
pub(crate) fn outbound_origins(template: &Template, settings: &Settings) -> Vec<String> {
    let mut origins: Vec<String> = Vec::new();
    for setting in &settings.list {
        let is_url = template
            .parameter(&setting.key)
            .is_some_and(|p| p.kind == Kind::Url);
        if !is_url || setting.secret {
            continue;
        }
        let Ok(url) = url::Url::parse(&setting.value) else {
            continue;
        };
        let Some(host) = url.host_str() else {
            continue;
        };
        let origin = match url.port() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        };
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}

/// Whether any parameter is a secret URL, whose host cannot be listed.
pub(crate) fn has_secret_url(template: &Template) -> bool {
    template
        .parameters
        .iter()
        .any(|p| p.secret && p.kind == Kind::Url)
}
