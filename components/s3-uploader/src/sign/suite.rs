//! Every SigV4 case of the AWS signing test suite
//! (`tests/aws-sig-v4-test-suite/`), signed through [`Signer`] in headers
//! and as a presigned URL, against the expected signatures.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::{Payload, Profile, Signer};
use crate::hex::hex;

/// The cases whose canonical request encodes the path once, S3's way (the
/// suite's `context.json` has no flag for it; the others encode twice).
const SINGLE_ENCODED: &[&str] = &["get-space-normalized", "get-space-unnormalized"];

/// 2015-08-30T12:36:00Z, every case's timestamp (checked below).
const SUITE_TIME: u64 = 1_440_938_160;

struct Case {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    signer: Signer,
    expires_in: Duration,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aws-sig-v4-test-suite")
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .expect("the suite folder")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("context.json").exists())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| load(dir)).collect()
}

fn load(dir: &Path) -> Case {
    let context: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("context.json")).unwrap()).unwrap();
    assert_eq!(context["timestamp"], "2015-08-30T12:36:00Z");
    assert_eq!(context["service"], "service");
    let credentials = &context["credentials"];
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let profile = Profile {
        service: "service",
        double_encode: !SINGLE_ENCODED.contains(&name.as_str()),
        normalize_path: context["normalize"].as_bool().unwrap(),
        content_sha256_header: context["sign_body"].as_bool().unwrap(),
        sign_session_token: !context["omit_session_token"].as_bool().unwrap_or(false),
    };
    let signer = Signer::with_profile(
        credentials["access_key_id"].as_str().unwrap(),
        credentials["secret_access_key"].as_str().unwrap(),
        credentials["token"].as_str(),
        context["region"].as_str().unwrap(),
        profile,
    );
    let raw = std::fs::read(dir.join("request.txt")).unwrap();
    let (head, body) = match raw.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&raw[..at], raw[at + 2..].to_vec()),
        None => (&raw[..], Vec::new()),
    };
    let head = std::str::from_utf8(head).unwrap();
    let mut lines = head.lines();
    // The path may hold spaces (`get-space-*`): it ends at the last one.
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let (path, _version) = rest.rsplit_once(' ').unwrap();
    let (method, path) = (method.to_owned(), path.replace(' ', "%20"));
    let mut host = String::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded header line continues the previous value.
            let last = headers.last_mut().expect("a folded line follows a header");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':').unwrap();
            if name.eq_ignore_ascii_case("host") {
                host = value.to_owned();
            } else {
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
    }
    Case {
        name,
        method,
        url: format!("https://{host}{path}"),
        headers,
        body,
        signer,
        expires_in: Duration::from_secs(context["expiration_in_seconds"].as_u64().unwrap()),
    }
}

fn expected(case: &Case, file: &str) -> String {
    let path = suite_dir().join(&case.name).join(file);
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

fn time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(SUITE_TIME)
}

#[test]
fn the_suite_has_every_v4_case() {
    assert_eq!(cases().len(), 38);
}

#[test]
fn header_signatures_match_the_suite() {
    let mut failures = Vec::new();
    for case in cases() {
        let headers: Vec<(&str, &str)> = case
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let hash = hex(&Sha256::digest(&case.body));
        let signed = case
            .signer
            .headers(
                &case.method,
                &case.url,
                &headers,
                Payload::Sha256(&hash),
                time(),
            )
            .unwrap();
        let authorization = signed
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.clone())
            .unwrap();
        let signature = authorization.rsplit("Signature=").next().unwrap();
        if signature != expected(&case, "header-signature.txt") {
            failures.push(case.name.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "header signatures differ: {failures:?}"
    );
}

#[test]
fn presigned_signatures_match_the_suite() {
    let mut failures = Vec::new();
    for case in cases() {
        let headers: Vec<(&str, &str)> = case
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let hash = hex(&Sha256::digest(&case.body));
        let params = case
            .signer
            .query(
                &case.method,
                &case.url,
                &headers,
                Payload::Sha256(&hash),
                time(),
                case.expires_in,
            )
            .unwrap();
        let signature = params
            .iter()
            .find(|(name, _)| name == "X-Amz-Signature")
            .map(|(_, value)| value.clone())
            .unwrap();
        if signature != expected(&case, "query-signature.txt") {
            failures.push(case.name.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "presigned signatures differ: {failures:?}"
    );
}
