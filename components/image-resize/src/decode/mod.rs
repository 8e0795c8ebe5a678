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

/// One way to decode a source: how far the decoder shrinks, what it
/// leaves, and the most it holds while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Way {
    /// The shrink, in the format's own terms.
    pub shrink: Shrink,
    /// The decoded image's size (as stored).
    pub size: (u32, u32),
    /// Samples per pixel of the decoded image: 3 (RGB) or 4 (RGBA).
    pub channels: u64,
    /// Bytes the decoded image is held in (its capacity).
    pub bytes: u64,
    /// The most bytes the decoder holds at once, the image included.
    pub peak: u64,
    /// Whether the source is lossily compressed (known from its header).
    pub lossy: bool,
}

/// How a decoder shrinks while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shrink {
    /// Decoded at full size.
    None,
    /// JPEG: decoded at 1/n (1, 2, 4 or 8) in the DCT domain.
    Scale(u32),
    /// PNG: each block of this many pixels across and down averaged to one
    /// as rows arrive.
    Blocks(u32, u32),
}

/// A `422` for data that claims to be an image but does not decode. The
/// decoder's own words stay out of the answer.
pub fn corrupt(cause: impl std::fmt::Display) -> Error {
    Error::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "the image could not be decoded (corrupt or truncated)",
    )
    .with_cause(cause.to_string())
}

/// A `413` for an image that cannot be rendered within the memory limit.
pub fn too_large_to_decode(what: &str) -> Error {
    Error::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the image is too large to process within the memory limit ({what})"),
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

/// The ways `bytes` can be decoded, the least shrunk first, when the
/// output allows shrinking by `reduction` (stored axes) without losing
/// detail. Formats that cannot shrink while decoding have one way.
pub fn ways(
    bytes: &[u8],
    format: InputFormat,
    header: &Header,
    reduction: (f64, f64),
) -> Result<Vec<Way>, Error> {
    match format {
        InputFormat::Jpeg => jpeg::ways(bytes, reduction),
        InputFormat::Png => png::ways(bytes, header, reduction),
        InputFormat::Gif => gif::ways(bytes),
        InputFormat::WebP => webp::ways(bytes),
        InputFormat::Bmp => bmp::ways(bytes),
    }
}

/// Decodes `bytes` the `way` chosen from [`ways`].
pub fn decode(
    bytes: &[u8],
    format: InputFormat,
    header: &Header,
    way: &Way,
) -> Result<Decoded, Error> {
    match format {
        InputFormat::Jpeg => jpeg::decode(bytes, way),
        InputFormat::Png => png::decode(bytes, header, way),
        InputFormat::Gif => gif::decode(bytes),
        InputFormat::WebP => webp::decode(bytes),
        InputFormat::Bmp => bmp::decode(bytes),
    }
}

/// A whole image of `width` x `height` with `channels` samples, in bytes.
fn image_bytes(width: u32, height: u32, channels: u64) -> u64 {
    u64::from(width) * u64::from(height) * channels
}
