//! A declared `Content-Type`, read strictly (RFC 9110, 8.3.1): exactly one
//! `type/subtype` of token characters, then only well-formed parameters.
//!
//! Browsers read a type list (`image/x, text/html`) by the Fetch standard
//! and take its last valid type, so anything looser than the grammar could
//! store a type the allowlist saw one way and a browser reads another.
//! Only the normalised essence ([`MediaType::essence`]) is ever stored or
//! signed: parameters are dropped.

/// Why a `Content-Type` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid;

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the content type is not one valid type/subtype")
    }
}

/// A checked media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    essence: String,
}

impl MediaType {
    /// Parses `text` by the grammar; anything else is [`Invalid`].
    pub fn parse(text: &str) -> Result<MediaType, Invalid> {
        let text = text.trim_matches(is_ows);
        let (essence, mut rest) = match text.find(|c| c == ';' || is_ows(c)) {
            Some(at) => text.split_at(at),
            None => (text, ""),
        };
        let (kind, sub) = essence.split_once('/').ok_or(Invalid)?;
        if !is_token(kind) || !is_token(sub) {
            return Err(Invalid);
        }
        // parameters = *( OWS ";" OWS [ parameter ] )
        loop {
            rest = rest.trim_start_matches(is_ows);
            if rest.is_empty() {
                break;
            }
            rest = rest
                .strip_prefix(';')
                .ok_or(Invalid)?
                .trim_start_matches(is_ows);
            if rest.is_empty() || rest.starts_with(';') {
                continue;
            }
            rest = parameter(rest)?;
        }
        Ok(MediaType {
            essence: normalise(&format!("{kind}/{sub}").to_ascii_lowercase()),
        })
    }

    /// `type/subtype`, lower case, with common aliases folded
    /// (`image/jpg` → `image/jpeg`).
    pub fn essence(&self) -> &str {
        &self.essence
    }
}

/// One `token "=" ( token / quoted-string )`; returns what follows it.
fn parameter(text: &str) -> Result<&str, Invalid> {
    let (name, value) = text.split_once('=').ok_or(Invalid)?;
    if !is_token(name) {
        return Err(Invalid);
    }
    if let Some(quoted) = value.strip_prefix('"') {
        let mut escaped = false;
        for (at, c) in quoted.char_indices() {
            match c {
                _ if escaped => {
                    if !is_qdtext_or_escapable(c) {
                        return Err(Invalid);
                    }
                    escaped = false;
                }
                '\\' => escaped = true,
                '"' => return Ok(&quoted[at + 1..]),
                _ if !is_qdtext_or_escapable(c) => return Err(Invalid),
                _ => {}
            }
        }
        return Err(Invalid);
    }
    let end = value.find(|c| c == ';' || is_ows(c)).unwrap_or(value.len());
    if !is_token(&value[..end]) {
        return Err(Invalid);
    }
    Ok(&value[end..])
}

fn normalise(essence: &str) -> String {
    match essence {
        "image/jpg" | "image/pjpeg" => "image/jpeg",
        "application/x-zip-compressed" => "application/zip",
        "application/x-gzip" => "application/gzip",
        other => other,
    }
    .to_owned()
}

fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `1*tchar`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// HTAB, SP and visible ASCII (obs-text is refused: nothing needs it).
fn is_qdtext_or_escapable(c: char) -> bool {
    c == '\t' || c == ' ' || c.is_ascii_graphic()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn essence(text: &str) -> Result<String, Invalid> {
        MediaType::parse(text).map(|t| t.essence().to_owned())
    }

    #[test]
    fn valid_types_come_out_as_their_normalised_essence() {
        assert_eq!(essence("image/png").unwrap(), "image/png");
        assert_eq!(essence(" Image/JPG ; q=1").unwrap(), "image/jpeg");
        assert_eq!(
            essence("text/plain;charset=\"utf-8\" ; format=flowed").unwrap(),
            "text/plain"
        );
        assert_eq!(essence("text/plain; a=\"x;y\\\"z\"").unwrap(), "text/plain");
        assert_eq!(essence("image/svg+xml;;").unwrap(), "image/svg+xml");
    }

    #[test]
    fn lists_junk_and_control_characters_are_invalid() {
        for bad in [
            "image/x, text/html",
            "image/x,text/html",
            "image/x text/html",
            "image/x; a=b, text/html",
            "image/x; a=\"b\", text/html",
            "image/x; a=\"unterminated",
            "image/x; a",
            "image/x; =b",
            "image",
            "/png",
            "image/",
            "image/png/x",
            "ima ge/png",
            "image/p\u{1}ng",
            "image/png; a=\u{7f}",
            "image/png; a=\"\u{0}\"",
            "image/pngé",
            "",
        ] {
            assert_eq!(essence(bad), Err(Invalid), "{bad:?}");
        }
    }
}
