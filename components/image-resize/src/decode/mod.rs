//! Decoding a source: its header first (size and orientation, before any
//! pixel buffer exists), then its pixels, shrunk while decoding when the
//! output is much smaller, within a memory budget.

mod baseline;
mod bmp;
mod gif;
mod jpeg;
pub mod jpeg_header;
mod png;
mod webp;

use edgekit::{Error, StatusCode};

use crate::pixels::Pixels;
use crate::sniff::InputFormat;

/// Bytes a decoder may hold for pixels at once. With the source (up to
/// `MAX_INPUT_BYTES`) and the resize and encode buffers that follow, this
/// keeps a request within 128 MiB of linear memory.
pub const BUDGET: u64 = 48 << 20;

/// What the source and the decoder together may hold: a source so large
/// that it leaves less than [`BUDGET`] gets a smaller budget (more
/// shrinking, or a `413`) instead of running out of memory.
const WITH_SOURCE: u64 = 96 << 20;

/// The decoding budget left beside a source of `source_len` bytes.
pub fn budget(source_len: usize) -> u64 {
    BUDGET.min(WITH_SOURCE.saturating_sub(source_len as u64))
}

/// What a source's header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Width as stored.
    pub width: u32,
    /// Height as stored.
    pub height: u32,
    /// EXIF orientation (1 when there is none).
    pub orientation: u8,
}

/// A decoded source, possibly already shrunk.
#[derive(Debug)]
pub struct Decoded {
    /// The pixels, as stored (not yet turned upright).
    pub pixels: Pixels,
    /// Whether the source was lossily compressed.
    pub lossy: bool,
}

/// A `422` for data that claims to be an image but does not decode.
pub fn corrupt(cause: impl std::fmt::Display) -> Error {
    Error::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("the image could not be decoded (corrupt or truncated): {cause}"),
    )
}

/// A `413` for an image whose pixels cannot be decoded within memory.
pub fn too_large_to_decode(what: &str) -> Error {
    Error::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the image is too large to decode within the memory limit ({what})"),
    )
}

/// Reads the header of `bytes` in `format`.
pub fn header(bytes: &[u8], format: InputFormat) -> Result<Header, Error> {
    match format {
        InputFormat::Jpeg => jpeg::header(bytes),
        InputFormat::Png => png::header(bytes),
        InputFormat::Gif => gif::header(bytes),
        InputFormat::WebP => webp::header(bytes),
        InputFormat::Bmp => bmp::header(bytes),
    }
}

/// Decodes `bytes`, allowed to shrink by up to `reduction` (stored axes)
/// where the format can do so cheaply while decoding.
pub fn decode(
    bytes: &[u8],
    format: InputFormat,
    header: &Header,
    reduction: (f64, f64),
) -> Result<Decoded, Error> {
    let budget = budget(bytes.len());
    match format {
        InputFormat::Jpeg => jpeg::decode(bytes, reduction, budget),
        InputFormat::Png => png::decode(bytes, header, reduction, budget),
        InputFormat::Gif => gif::decode(bytes, budget),
        InputFormat::WebP => webp::decode(bytes, budget),
        InputFormat::Bmp => bmp::decode(bytes, budget),
    }
}

/// Checks that a whole decoded image of `bytes` fits `budget`.
fn within_budget(bytes: u64, budget: u64) -> Result<(), Error> {
    match bytes <= budget {
        true => Ok(()),
        false => Err(too_large_to_decode(
            "formats without shrink-on-load are decoded whole",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sources_leave_less_to_decode_into() {
        assert_eq!(budget(1 << 20), BUDGET);
        assert_eq!(budget(25 << 20), BUDGET);
        assert_eq!(budget(80 << 20), 16 << 20);
        assert_eq!(budget(200 << 20), 0);
    }
}
