//! Windows bitmaps through the `image` crate's BMP decoder.

use std::io::Cursor;

use edgekit::{Error, StatusCode};
use image::codecs::bmp::BmpDecoder;
use image::{ColorType, ImageDecoder};

use super::{Decoded, Header, corrupt, within_budget};
use crate::pixels::Layout;

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let decoder = BmpDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    Ok(Header {
        width,
        height,
        orientation: 1,
    })
}

pub fn decode(bytes: &[u8], budget: u64) -> Result<Decoded, Error> {
    let decoder = BmpDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let layout = match decoder.color_type() {
        ColorType::L8 => Layout::Gray,
        ColorType::La8 => Layout::GrayAlpha,
        ColorType::Rgb8 => Layout::Rgb,
        ColorType::Rgba8 => Layout::Rgba,
        _ => {
            return Err(Error::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "this kind of BMP is not supported",
            ));
        }
    };
    within_budget(decoder.total_bytes(), budget)?;
    let mut data = vec![0u8; decoder.total_bytes() as usize];
    decoder.read_image(&mut data).map_err(corrupt)?;
    Ok(Decoded {
        pixels: layout.into_pixels(width, height, data),
        lossy: false,
    })
}
