//! Windows bitmaps through the `image` crate's BMP decoder.

use std::io::Cursor;

use edgekit::{Error, StatusCode};
use image::codecs::bmp::BmpDecoder;
use image::{ColorType, ImageDecoder};

use super::{Decoded, Header, Shrink, Way, corrupt};
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

/// One way: the decoded samples, and for gray the RGB they become.
pub fn ways(bytes: &[u8]) -> Result<Vec<Way>, Error> {
    let decoder = BmpDecoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    let alpha = decoder.color_type().has_alpha();
    let channels = if alpha { 4 } else { 3 };
    let decoded = decoder.total_bytes();
    let converted = if matches!(decoder.color_type(), ColorType::Rgb8 | ColorType::Rgba8) {
        0
    } else {
        super::image_bytes(width, height, channels)
    };
    Ok(vec![Way {
        shrink: Shrink::None,
        size: (width, height),
        channels,
        bytes: super::image_bytes(width, height, channels),
        peak: decoded + converted + (64 << 10),
        lossy: false,
    }])
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
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
    let mut data = vec![0u8; decoder.total_bytes() as usize];
    decoder.read_image(&mut data).map_err(corrupt)?;
    Ok(Decoded {
        pixels: layout.into_pixels(width, height, data),
        lossy: false,
    })
}
