//! WebP (lossy and lossless, the first frame of an animation) through
//! `image-webp`.

use std::io::Cursor;

use edgekit::Error;
use image_webp::WebPDecoder;

use super::{Decoded, Header, corrupt, within_budget};
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

pub fn decode(bytes: &[u8], budget: u64) -> Result<Decoded, Error> {
    let mut decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| corrupt("size overflows"))?;
    within_budget(size as u64, budget)?;
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
