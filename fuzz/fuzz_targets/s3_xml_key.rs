//! s3-uploader: S3's XML answers (`<UploadId>`, `<ETag>`, `<Code>`, an
//! `<Error>` root) and object keys (request paths, form names, prefixes).
//! The first byte picks the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3_uploader::fuzzing::{
    MAX_KEY_BYTES, check_name, check_prefix, checked, element, escape, extension, key_from_path,
    root_is,
};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if pick % 2 == 0 {
        xml(text);
    } else {
        key(text);
    }
});

fn xml(text: &str) {
    for tag in ["UploadId", "ETag", "Code", "Message"] {
        if let Some(value) = element(text, tag) {
            assert!(value.len() <= text.len());
        }
        // Whatever a value holds, escaping it and reading it back gives it.
        let doc = format!("<Result><{tag}>{}</{tag}></Result>", escape(text));
        assert_eq!(element(&doc, tag).as_deref(), Some(text));
        assert!(root_is(&doc, "Result") && !root_is(&doc, tag));
    }
    let _ = root_is(text, "Error");
}

fn key(text: &str) {
    let (prefix, name) = text.split_once('\u{0}').unwrap_or(("", text));
    if let Ok(name) = key_from_path(name) {
        if check_name(&name).is_ok() {
            assert!(safe(&name), "{name:?} passed the checks");
        }
        if check_prefix(prefix).is_ok()
            && let Ok(key) = checked(prefix, &name)
        {
            assert!(key.len() <= MAX_KEY_BYTES);
            assert!(key.ends_with(name.as_str()) && safe(&name));
        }
        let ext = extension(&name);
        assert!(ext.is_empty() || (ext.starts_with('.') && ext.len() <= 11));
        assert!(
            ext.bytes()
                .skip(1)
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }
}

/// The rules of a client-given name, restated: no way out of the prefix.
fn safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_KEY_BYTES
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}
