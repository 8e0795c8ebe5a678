use super::*;

/// `serde_json`'s reading of `text`, in this module's terms (its objects
/// are sorted by key and merge duplicates; the cases have none).
fn oracle(text: &str) -> Option<Json<'static>> {
    fn convert(value: serde_json::Value) -> Json<'static> {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(b),
            serde_json::Value::Number(_) => Json::Number,
            serde_json::Value::String(s) => Json::String(s.into()),
            serde_json::Value::Array(items) => {
                Json::Array(items.into_iter().map(convert).collect())
            }
            serde_json::Value::Object(map) => Json::Object(
                map.into_iter()
                    .map(|(k, v)| (k.into(), convert(v)))
                    .collect(),
            ),
        }
    }
    serde_json::from_str(text).ok().map(convert)
}

/// `json` with every object's members sorted by key.
fn sorted(json: Json<'_>) -> Json<'_> {
    match json {
        Json::Array(items) => Json::Array(items.into_iter().map(sorted).collect()),
        Json::Object(members) => {
            let mut members: Vec<_> = members.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(members)
        }
        other => other,
    }
}

#[test]
fn accepts_exactly_what_serde_json_accepts() {
    let cases = [
        r#"{"DE": "https://de.example", "default": "https://www.example"}"#,
        r#" { "DACH" : [ "DE" , "AT", "CH" ] } "#,
        "{}",
        "[]",
        "[1, -2.5e+3, 0, 0.0, 1E9, -0]",
        "[true, false, null]",
        r#"[{"b": [{"c": null}], "a": 1}, "x"]"#,
        r#""a\"b\\c\/d\b\f\n\r\t""#,
        r#""\u00e9\u20ac\ud83d\ude00 é€😀""#,
        "\n\t[\r\n]\n",
        // Refused by both.
        "",
        " ",
        "{",
        "{not json",
        r#"{"a": }"#,
        r#"{"a" "b"}"#,
        r#"{"a": "b",}"#,
        "[1,]",
        "[1 2]",
        "{'a': 'b'}",
        r#"{a: "b"}"#,
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "tru",
        "nul",
        "True",
        r#""unterminated"#,
        "\"tab\tinside\"",
        r#""\x""#,
        r#""\u12""#,
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\u0041""#,
        "[] []",
        "{} x",
        "NaN",
    ];
    for text in cases {
        let ours = parse(text).ok().map(sorted);
        assert_eq!(ours, oracle(text), "{text:?}");
    }
}

#[test]
fn duplicate_members_are_kept_for_the_caller_to_judge() {
    assert_eq!(
        parse(r#"{"a": "1", "a": "2"}"#).unwrap(),
        Json::Object(vec![
            ("a".into(), Json::String("1".into())),
            ("a".into(), Json::String("2".into())),
        ])
    );
}

#[test]
fn errors_say_where() {
    let error = parse("{\n  \"a\": x\n}").unwrap_err();
    assert_eq!(error.to_string(), "expected value at line 2 column 8");
    assert_eq!(
        parse("[1] 2").unwrap_err().to_string(),
        "trailing characters at line 1 column 5"
    );
}

#[test]
fn nesting_is_bounded() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(&deep).unwrap_err().what, "nested too deeply");
    // Far deeper than any stack could recurse: refused, not a crash.
    assert!(parse(&"[".repeat(100_000)).is_err());
}

#[test]
fn strings_without_escapes_borrow_the_text() {
    let Json::Array(items) = parse(r#"["plain", "esc\u0061ped", "tail\n"]"#).unwrap() else {
        panic!("an array");
    };
    let strings: Vec<&Cow<'_, str>> = items
        .iter()
        .map(|item| match item {
            Json::String(text) => text,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(matches!(strings[0], Cow::Borrowed("plain")));
    assert_eq!(strings[1].as_ref(), "escaped");
    assert_eq!(strings[2].as_ref(), "tail\n");
}

/// Differential check beyond the hand-picked cases: every prefix of a
/// realistic `ROUTES`/`GROUPS` text, and the text with any one character
/// replaced by a JSON-significant one, is read exactly as `serde_json`
/// reads it (accepted with the same value, or refused).
#[test]
fn damaged_texts_agree_with_serde_json() {
    let texts = [
        r#"{"DE": "https://de.example/shop", "EU": "https://eu.example", "default": "https://www.example"}"#,
        r#"{"DACH": ["DE", "AT", "CH"], "office": ["10.0.0.0/8", "2001:db8::/32"]}"#,
        r#"[1, -2.5e+3, true, null, "\u00e9\n", {"a": []}]"#,
    ];
    let replacements = [
        '{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', 'e', '-', '\u{0}',
    ];
    for text in texts {
        let cuts = text.char_indices().map(|(at, _)| at).chain([text.len()]);
        for cut in cuts {
            let prefix = &text[..cut];
            assert_eq!(parse(prefix).ok().map(sorted), oracle(prefix), "{prefix:?}");
        }
        for (at, original) in text.char_indices() {
            for replacement in replacements {
                let mut damaged = String::with_capacity(text.len());
                damaged.push_str(&text[..at]);
                damaged.push(replacement);
                damaged.push_str(&text[at + original.len_utf8()..]);
                assert_eq!(
                    parse(&damaged).ok().map(sorted),
                    oracle(&damaged),
                    "{damaged:?}"
                );
            }
        }
    }
}
