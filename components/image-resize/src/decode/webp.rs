//! WebP (lossy and lossless, the first frame of an animation) through
//! `image-webp`.

use std::io::Cursor;

use edgekit::Error;
use image_webp::WebPDecoder;

use super::{Decoded, Header, Shrink, Way, corrupt};
use crate::orientation;
use crate::pixels::Layout;

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let mut decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .and_then(|exif| orientation::from_exif(&exif));
    Ok(Header {
        width,
        height,
        orientation: orientation.unwrap_or(1),
    })
}

/// One way: the output buffer, and beside it the decoder's own frame (the
/// lossy decoder's YUV planes or the lossless decoder's ARGB, at most four
/// bytes a pixel), and for an animation the canvas the frame is drawn on.
pub fn ways(bytes: &[u8]) -> Result<Vec<Way>, Error> {
    let mut decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let output = decoder
        .output_buffer_size()
        .ok_or_else(|| corrupt("size overflows"))? as u64;
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let frame = super::image_bytes(width, height, 4);
    let canvas = if decoder.is_animated() { frame } else { 0 };
    Ok(vec![Way {
        shrink: Shrink::None,
        size: (width, height),
        channels,
        bytes: output,
        peak: output + frame + canvas + (64 << 10),
        lossy: decoder.is_lossy(),
    }])
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
    let mut decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| corrupt("size overflows"))?;
    let lossy = decoder.is_lossy();
    let layout = if decoder.has_alpha() {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let mut data = vec![0u8; size];
    decoder.read_image(&mut data).map_err(corrupt)?;
    Ok(Decoded {
        pixels: layout.into_pixels(width, height, data),
        lossy,
    })
}
