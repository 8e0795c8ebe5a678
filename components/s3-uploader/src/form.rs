//! `multipart/form-data`, streamed: the fields before the file are read
//! (small), then the file's bytes are handed out as they arrive, never
//! held whole.

use bytes::{Buf, Bytes, BytesMut};

use crate::source::{ReadError, Source};

/// The most bytes a part's headers may take.
const MAX_PART_HEAD: usize = 8 * 1024;
/// The most bytes a plain (non-file) field may take.
pub const MAX_FIELD: usize = 4 * 1024;
/// Parts before the file that are read and dropped at most.
const MAX_PARTS: usize = 32;

/// One part's headers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartHead {
    /// The form field's name.
    pub name: String,
    /// The file name a browser sends with a file field.
    pub filename: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (essence, params) = content_type.split_once(';')?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim().trim_matches('"');
        (!value.is_empty() && value.len() <= 70).then(|| value.to_owned())
    })
}

/// A form read part by part from a [`Source`].
pub struct Form<S> {
    source: S,
    /// `\r\n--boundary`.
    delimiter: Vec<u8>,
    buffer: BytesMut,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between parts: a delimiter was just passed.
    AfterDelimiter,
    /// Inside a part's body.
    InBody,
    /// After the closing delimiter.
    Done,
}

impl<S: Source> Form<S> {
    /// A form with `boundary` over `source`.
    pub fn new(source: S, boundary: &str) -> Self {
        let mut buffer = BytesMut::new();
        // The first delimiter has no CRLF before it: adding one lets a
        // single pattern find every delimiter.
        buffer.extend_from_slice(b"\r\n");
        Self {
            source,
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            buffer,
            state: State::InBody,
        }
    }

    /// Reads more bytes into the buffer; `false` at the end of the body.
    async fn fill(&mut self) -> Result<bool, ReadError> {
        match self.source.next_chunk().await? {
            Some(chunk) => {
                self.buffer.extend_from_slice(&chunk);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The next part's headers, skipping what is left of the current part;
    /// `None` after the last part.
    pub async fn next_part(&mut self) -> Result<Option<PartHead>, ReadError> {
        while self.state == State::InBody {
            self.body_chunk().await?;
        }
        if self.state == State::Done {
            return Ok(None);
        }
        // After a delimiter: `--` ends the form, CRLF starts a part.
        while self.buffer.len() < 2 {
            if !self.fill().await? {
                return Err(ReadError::bad_request("the form ends in the middle"));
            }
        }
        if self.buffer.starts_with(b"--") {
            self.state = State::Done;
            return Ok(None);
        }
        if !self.buffer.starts_with(b"\r\n") {
            return Err(ReadError::bad_request(
                "a form boundary is followed by junk",
            ));
        }
        self.buffer.advance(2);
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at;
            }
            if self.buffer.len() > MAX_PART_HEAD {
                return Err(ReadError::bad_request("a form part's headers are too long"));
            }
            if !self.fill().await? {
                return Err(ReadError::bad_request("the form ends in a part's headers"));
            }
        };
        let head = self.buffer.split_to(head_end + 4);
        let head = std::str::from_utf8(&head[..head_end])
            .map_err(|_| ReadError::bad_request("a form part's headers are not UTF-8"))?;
        self.state = State::InBody;
        parse_head(head).map(Some)
    }

    /// The next piece of the current part's body, `None` at its end.
    pub async fn body_chunk(&mut self) -> Result<Option<Bytes>, ReadError> {
        if self.state != State::InBody {
            return Ok(None);
        }
        loop {
            if let Some(at) = find(&self.buffer, &self.delimiter) {
                if at > 0 {
                    return Ok(Some(self.buffer.split_to(at).freeze()));
                }
                self.buffer.advance(self.delimiter.len());
                self.state = State::AfterDelimiter;
                return Ok(None);
            }
            // Everything but a tail that could be the start of a delimiter
            // is the part's.
            let safe = self.buffer.len().saturating_sub(self.delimiter.len() - 1);
            if safe > 0 {
                return Ok(Some(self.buffer.split_to(safe).freeze()));
            }
            if !self.fill().await? {
                return Err(ReadError::bad_request(
                    "the form ends without its closing boundary",
                ));
            }
        }
    }

    /// The current part's body as text, up to [`MAX_FIELD`] bytes.
    pub async fn field_text(&mut self) -> Result<String, ReadError> {
        let mut text = Vec::new();
        while let Some(chunk) = self.body_chunk().await? {
            if text.len() + chunk.len() > MAX_FIELD {
                return Err(ReadError::bad_request("a form field is longer than 4 KiB"));
            }
            text.extend_from_slice(&chunk);
        }
        String::from_utf8(text).map_err(|_| ReadError::bad_request("a form field is not UTF-8"))
    }
}

/// The parts of a form up to its `file` field: the `key` field's value (when
/// it comes first) and the file part's headers. Other fields are dropped.
pub async fn until_file<S: Source>(
    form: &mut Form<S>,
) -> Result<(Option<String>, PartHead), ReadError> {
    let mut key = None;
    for _ in 0..MAX_PARTS {
        let Some(head) = form.next_part().await? else {
            return Err(ReadError::bad_request("the form has no 'file' field"));
        };
        match head.name.as_str() {
            "file" => return Ok((key, head)),
            "key" => key = Some(form.field_text().await?),
            _ => while form.body_chunk().await?.is_some() {},
        }
    }
    Err(ReadError::bad_request(
        "the form has too many fields before 'file'",
    ))
}

impl<S: Source> Source for FileField<'_, S> {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, ReadError> {
        self.0.body_chunk().await
    }
}

/// The body of the current part, as a [`Source`].
pub struct FileField<'a, S>(pub &'a mut Form<S>);

fn parse_head(head: &str) -> Result<PartHead, ReadError> {
    let mut part = PartHead::default();
    let mut named = false;
    for line in head.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::bad_request("a form part has a malformed header"));
        };
        // A value the storage cannot be asked to sign (and no browser sends).
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ReadError::bad_request(
                "a form part header holds a control character",
            ));
        }
        if name.trim().eq_ignore_ascii_case("content-disposition") {
            for (key, value) in disposition_params(value)? {
                match key.as_str() {
                    "name" if !named => {
                        part.name = value;
                        named = true;
                    }
                    "filename" if part.filename.is_none() => part.filename = Some(value),
                    "name" | "filename" => {
                        return Err(ReadError::bad_request(
                            "a form part names its field or file twice",
                        ));
                    }
                    _ => {}
                }
            }
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_owned());
        }
    }
    if !named {
        return Err(ReadError::bad_request("a form part has no name"));
    }
    Ok(part)
}

/// The parameters of a `Content-Disposition: form-data; name="..."; ...`
/// value (RFC 7578, 4.2), names lower-cased. A quoted value runs to its
/// closing quote whatever it holds (`;` included); `\"` and `\\` are
/// unescaped, any other backslash is kept, as browsers send Windows paths.
fn disposition_params(value: &str) -> Result<Vec<(String, String)>, ReadError> {
    let malformed = || ReadError::bad_request("a form part has a malformed Content-Disposition");
    let mut rest = value.trim_start();
    let end = rest.find(';').unwrap_or(rest.len());
    if !rest[..end].trim().eq_ignore_ascii_case("form-data") {
        return Err(malformed());
    }
    rest = &rest[end..];
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(params);
        }
        rest = rest.strip_prefix(';').ok_or_else(malformed)?.trim_start();
        if rest.is_empty() {
            return Ok(params);
        }
        let (key, after) = rest.split_once('=').ok_or_else(malformed)?;
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => unquote(quoted).ok_or_else(malformed)?,
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim_end().to_owned(), &after[end..])
            }
        };
        params.push((key, value));
        rest = next;
    }
}

/// A quoted string's content up to its closing quote, and what follows;
/// `None` if it never closes.
fn unquote(quoted: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &quoted[at + 1..])),
            '\\' => match quoted[at + 1..].chars().next() {
                Some(escaped @ ('"' | '\\')) => {
                    value.push(escaped);
                    chars.next();
                }
                _ => value.push('\\'),
            },
            _ => value.push(c),
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::test_support::Chunks;
    use futures_lite::future::block_on;

    const FORM: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nphotos/cat.jpg\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--XyX-not-yet\r\nend\r\n--XyZ--\r\n";

    fn read_file(chunk_size: usize) -> (Option<String>, PartHead, Vec<u8>) {
        block_on(async {
            let mut form = Form::new(Chunks::of(FORM, chunk_size), "XyZ");
            let (key, head) = until_file(&mut form).await.unwrap();
            let mut data = Vec::new();
            let mut field = FileField(&mut form);
            while let Some(chunk) = field.next_chunk().await.unwrap() {
                data.extend_from_slice(&chunk);
            }
            assert_eq!(form.next_part().await.unwrap(), None);
            (key, head, data)
        })
    }

    #[test]
    fn fields_and_file_come_out_whatever_the_chunking() {
        for size in [1, 2, 3, 7, 16, 64, 4096] {
            let (key, head, data) = read_file(size);
            assert_eq!(key.as_deref(), Some("photos/cat.jpg"), "chunk size {size}");
            assert_eq!(head.filename.as_deref(), Some("cat.jpg"));
            assert_eq!(head.content_type.as_deref(), Some("image/jpeg"));
            assert_eq!(
                data, b"\xff\xd8\xff\r\n--XyX-not-yet\r\nend",
                "chunk size {size}"
            );
        }
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=x; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/mixed; boundary=abc"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn broken_forms_are_bad_requests() {
        let cases: &[&[u8]] = &[
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XyZ--",
            b"--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--",
            b"",
        ];
        for case in cases {
            let result = block_on(async {
                let mut form = Form::new(Chunks::of(case, 5), "XyZ");
                let (_, _) = until_file(&mut form).await?;
                while FileField(&mut form).next_chunk().await?.is_some() {}
                Ok::<_, ReadError>(())
            });
            assert_eq!(
                result.unwrap_err().status,
                400,
                "{:?}",
                String::from_utf8_lossy(case)
            );
        }
    }

    fn head_of(disposition: &str) -> Result<PartHead, ReadError> {
        parse_head(&format!("Content-Disposition: {disposition}"))
    }

    #[test]
    fn quoted_parameters_keep_their_semicolons_and_escapes() {
        let head = head_of(r#"form-data; name="file"; filename="q;1.txt""#).unwrap();
        assert_eq!(head.filename.as_deref(), Some("q;1.txt"));
        let head = head_of(r#"form-data;name="file";filename="q;2.txt""#).unwrap();
        assert_eq!(head.filename.as_deref(), Some("q;2.txt"));
        let head = head_of(r#"Form-Data; NAME="a\"b"; filename="C:\dir\x.txt""#).unwrap();
        assert_eq!(head.name, "a\"b");
        assert_eq!(head.filename.as_deref(), Some(r"C:\dir\x.txt"));
        let head = head_of(r#"form-data; name=key ; filename="a=b; c""#).unwrap();
        assert_eq!(head.name, "key");
        assert_eq!(head.filename.as_deref(), Some("a=b; c"));
    }

    #[test]
    fn ambiguous_or_unsignable_part_headers_are_bad_requests() {
        for disposition in [
            r#"form-data; name="file"; filename="open"#,
            r#"form-data; name="file"; name="key""#,
            r#"form-data; name="file"; filename="a"; filename="b""#,
            r#"attachment; name="file""#,
            r#"form-data; name="file" junk"#,
        ] {
            assert_eq!(
                head_of(disposition).unwrap_err().status,
                400,
                "{disposition}"
            );
        }
        let bad_type =
            "Content-Disposition: form-data; name=\"file\"\r\nContent-Type: image/png\u{1}";
        assert_eq!(
            parse_head(bad_type).unwrap_err().message,
            "a form part header holds a control character"
        );
    }

    #[test]
    fn oversized_fields_are_refused() {
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n".to_vec();
        body.extend(std::iter::repeat_n(b'a', MAX_FIELD + 1));
        body.extend_from_slice(b"\r\n--XyZ--");
        let result = block_on(until_file(&mut Form::new(Chunks::of(&body, 100), "XyZ")));
        assert_eq!(
            result.unwrap_err().message,
            "a form field is longer than 4 KiB"
        );
    }
}
