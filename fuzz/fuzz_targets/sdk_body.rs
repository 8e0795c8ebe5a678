//! SDK: whole-body reads with caps (`Body::bytes`, `text`, `json`) over a
//! body that arrives in fuzzed chunks, possibly failing part-way.
#![no_main]

use bytes::Bytes;
use edgekit::{Body, BodyError, StatusCode};
use edgekit_fuzz::{chunks, split_at_byte};
use futures_lite::future::block_on;
use libfuzzer_sys::fuzz_target;

/// The shape of one run: `[limit_hi, limit_lo, fail, chunk sizes..., 0xff]`
/// then the body.
fn body(data: &[u8]) -> Option<(usize, bool, Vec<Bytes>, Vec<u8>)> {
    let (&[hi, lo, fail], rest) = data.split_first_chunk::<3>()?;
    let (sizes, payload) = split_at_byte(rest, 0xff);
    let limit = usize::from(u16::from_be_bytes([hi, lo]) % 4096);
    Some((
        limit,
        fail % 4 == 0,
        chunks(payload, sizes),
        payload.to_vec(),
    ))
}

fn stream(parts: Vec<Bytes>, fail: bool) -> Body {
    let mut items: Vec<Result<Bytes, std::io::Error>> = parts.into_iter().map(Ok).collect();
    if fail {
        items.push(Err(std::io::Error::other("connection reset")));
    }
    Body::from_stream(futures_lite::stream::iter(items))
}

fuzz_target!(|data: &[u8]| {
    let Some((limit, fail, parts, payload)) = body(data) else {
        return;
    };
    let over = payload.len() > limit;

    match block_on(stream(parts.clone(), fail).limit(limit).bytes()) {
        Ok(bytes) => {
            assert!(!over && !fail);
            assert_eq!(bytes, payload);
        }
        Err(e) => check_error(&e, over, fail),
    }
    match block_on(stream(parts.clone(), fail).limit(limit).text()) {
        Ok(text) => {
            assert!(!over && !fail);
            assert_eq!(text.as_bytes(), payload);
        }
        Err(e) => {
            let utf8 = std::str::from_utf8(&payload).is_ok();
            assert!(over || fail || !utf8, "{e}");
            assert!(e.status().is_client_error() || e.status().is_server_error());
        }
    }
    let parsed = block_on(stream(parts, fail).limit(limit).json::<serde_json::Value>());
    let direct = serde_json::from_slice::<serde_json::Value>(&payload);
    match parsed {
        Ok(value) => assert_eq!(Some(value), direct.ok()),
        Err(e) => assert!(over || fail || direct.is_err(), "{e}"),
    }
    // A buffered body obeys the same cap.
    let full = block_on(
        Body::from(Bytes::from(payload.clone()))
            .limit(limit)
            .bytes(),
    );
    assert_eq!(full.is_ok(), !over);
});

fn check_error(e: &BodyError, over: bool, fail: bool) {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        assert!(over, "413 for a body within the cap");
    } else {
        assert!(fail, "{} without a reason: {e}", e.status());
    }
}
