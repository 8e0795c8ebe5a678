//! A template for testing templates: `template.toml` declares one parameter
//! of every type, and `GET /` answers with the `PROBE_*` environment
//! variables it received, one `KEY=value` line each, sorted.

#[edgekit::edge_handler]
fn probe() -> String {
    let mut lines: Vec<String> = std::env::vars()
        .filter(|(key, _)| key.starts_with("PROBE_"))
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect();
    lines.sort();
    lines.concat()
}
