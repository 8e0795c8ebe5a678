//! s3-uploader: the multipart form reader, over a body that arrives in
//! fuzzed chunks. Input: chunk sizes, 0xff, the Content-Type line, a
//! newline, then the body. However the body is cut, the form reads the same.
#![no_main]

use bytes::Bytes;
use edgekit::Body;
use edgekit_fuzz::{chunks, split_at_byte};
use futures_lite::future::block_on;
use libfuzzer_sys::fuzz_target;
use s3_uploader::fuzzing::{FileField, Form, MAX_FIELD, PartHead, Source, boundary, until_file};

/// What reading the form gave: the key, the file part's head and bytes, or
/// the error's status and message.
type Outcome = Result<(Option<String>, PartHead, Vec<u8>), (u16, String)>;

fn read(parts: Vec<Bytes>, boundary: &str) -> Outcome {
    let items = parts.into_iter().map(Ok::<_, std::io::Error>);
    let body = Body::from_stream(futures_lite::stream::iter(items.collect::<Vec<_>>()));
    block_on(async {
        let mut form = Form::new(body, boundary);
        let (key, head) = until_file(&mut form)
            .await
            .map_err(|e| (e.status.as_u16(), e.message))?;
        let mut data = Vec::new();
        let mut field = FileField(&mut form);
        while let Some(chunk) = field
            .next_chunk()
            .await
            .map_err(|e| (e.status.as_u16(), e.message))?
        {
            assert!(!chunk.is_empty(), "an empty chunk before the end");
            data.extend_from_slice(&chunk);
        }
        // Whatever follows the file part must still parse or fail cleanly.
        while form
            .next_part()
            .await
            .map_err(|e| (e.status.as_u16(), e.message))?
            .is_some()
        {}
        Ok((key, head, data))
    })
}

fuzz_target!(|data: &[u8]| {
    let (sizes, rest) = split_at_byte(data, 0xff);
    let (content_type, payload) = split_at_byte(rest, b'\n');
    let Ok(content_type) = std::str::from_utf8(content_type) else {
        return;
    };
    let Some(boundary) = boundary(content_type) else {
        return;
    };
    assert!(!boundary.is_empty() && boundary.len() <= 70);
    let whole = read(vec![Bytes::copy_from_slice(payload)], &boundary);
    let cut = read(chunks(payload, sizes), &boundary);
    let bytewise = read(chunks(payload, &[0]), &boundary);
    assert_eq!(whole, cut, "chunking changed the form");
    assert_eq!(whole, bytewise, "byte-by-byte reading changed the form");
    match whole {
        Ok((key, head, file)) => {
            assert_eq!(head.name, "file");
            assert!(key.is_none_or(|k| k.len() <= MAX_FIELD));
            let delimiter = format!("\r\n--{boundary}");
            assert!(
                !file
                    .windows(delimiter.len())
                    .any(|w| w == delimiter.as_bytes()),
                "the file carries a delimiter"
            );
        }
        Err((status, _)) => assert!(status == 400 || status == 413, "{status}"),
    }
});
