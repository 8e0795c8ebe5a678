//! SDK: a request's query string into serde types (`RequestExt::query`).
#![no_main]

use std::collections::HashMap;

use edgekit::{Body, Request, RequestExt};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "kebab-case")]
enum Fit {
    Cover,
    ScaleDown,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Params {
    name: Option<String>,
    w: Option<u32>,
    offset: Option<i64>,
    ratio: Option<f64>,
    strict: Option<bool>,
    fit: Option<Fit>,
    #[serde(default)]
    tag: String,
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Only what the http crate accepts as a URI reaches a handler.
    let Ok(uri) = format!("/search?{text}").parse::<edgekit::Uri>() else {
        return;
    };
    let req: Request = edgekit::http::Request::builder()
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let _ = req.query::<Params>().map_err(|e| e.to_string());
    let _ = req.query::<HashMap<String, String>>();
    if let Ok(pairs) = req.query::<Vec<(String, String)>>() {
        // What was read is written back and read again to the same pairs.
        let again = serde_urlencoded::to_string(&pairs).unwrap();
        let back: Vec<(String, String)> = serde_urlencoded::from_str(&again).unwrap();
        assert_eq!(pairs, back);
    }
});
