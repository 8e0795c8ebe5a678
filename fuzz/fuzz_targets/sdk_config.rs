//! SDK: configuration values (`config::load_from`), one `NAME=value` per
//! line; a secret's value never shows in the error.
#![no_main]

use std::collections::HashMap;

use edgekit::config::{Secret, keys, load_from};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum Fit {
    ScaleDown,
    Cover,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Nested {
    host: String,
    port: Option<u16>,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Full {
    s3_bucket: String,
    #[serde(default)]
    max_width: u32,
    min_width: Option<i16>,
    ratio: Option<f64>,
    strict: Option<bool>,
    widths: Option<Vec<u16>>,
    names: Option<Vec<String>>,
    routes: Option<HashMap<String, String>>,
    origin: Option<Nested>,
    fit: Option<Fit>,
    fits: Option<Vec<Fit>>,
    #[serde(rename = "TOKEN")]
    token: Option<Secret<String>>,
    json_value: Option<serde_json::Value>,
    letter: Option<char>,
}

/// The secret probed for: no error may contain it.
const PROBE: &str = "s3cr3t-Pr0be-Value";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut vars: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let _ = load_from::<Full, _>(vars.clone()).map_err(|e| e.to_string());
    if vars
        .iter()
        .any(|(k, v)| k.contains(PROBE) || v.contains(PROBE))
    {
        return;
    }
    vars.retain(|(k, _)| k != "TOKEN");
    vars.push(("TOKEN".into(), PROBE.into()));
    if let Err(error) = load_from::<Full, _>(vars) {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(PROBE), "the secret leaked: {shown}");
        for problem in error.problems() {
            assert!(!problem.to_string().contains(PROBE));
        }
    }
    let _ = keys::<Full>();
});
