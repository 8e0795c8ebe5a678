//! The few fields the uploader reads from S3's XML answers
//! (`<UploadId>`, `<ETag>`, `<Code>`): flat documents, so a tag lookup is
//! enough and no XML parser ships in the component.

/// The text of the first `<tag>...</tag>` in `xml`, entities decoded.
///
/// ```ignore
/// assert_eq!(element("<a><Code>NoSuchBucket</Code></a>", "Code").as_deref(), Some("NoSuchBucket"));
/// ```
pub fn element(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    Some(unescape(&xml[start..end]))
}

/// Whether the document's root element is `tag` (a `CompleteMultipartUpload`
/// can answer `200` with an `<Error>` body).
pub fn root_is(xml: &str, tag: &str) -> bool {
    let body = match xml.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or("", |(_, after)| after),
        None => xml,
    };
    let body = body.trim_start();
    body.strip_prefix('<')
        .and_then(|rest| rest.strip_prefix(tag))
        .is_some_and(|rest| rest.starts_with(['>', ' ', '/', '\n', '\r', '\t']))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
}

/// `text` escaped for an XML element.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_found_and_unescaped() {
        let xml = r#"<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>b</Bucket><UploadId>a&amp;b</UploadId></InitiateMultipartUploadResult>"#;
        assert_eq!(element(xml, "UploadId").as_deref(), Some("a&b"));
        assert_eq!(element(xml, "Missing"), None);
        assert_eq!(
            element("<ETag>&quot;abc&quot;</ETag>", "ETag").as_deref(),
            Some("\"abc\"")
        );
    }

    #[test]
    fn the_root_element_is_recognised() {
        assert!(root_is(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>X</Code></Error>",
            "Error"
        ));
        assert!(root_is("<Error>", "Error"));
        assert!(!root_is("<CompleteMultipartUploadResult><Error>", "Error"));
        assert!(!root_is("<ErrorX>", "Error"));
    }

    #[test]
    fn escaping_round_trips() {
        assert_eq!(
            element(&format!("<K>{}</K>", escape("a<&>\"b")), "K").as_deref(),
            Some("a<&>\"b")
        );
    }
}
