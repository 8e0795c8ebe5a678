//! JPEG, shrinking in the DCT domain (1/2, 1/4, 1/8) when the output is
//! smaller: decoding a 12 MP photo for an 800 px thumbnail then costs a
//! sixteenth of the pixels. Common JPEGs take the component's own
//! [`baseline`] decoder when shrinking; the others, and any full-size
//! decode, take `jpeg-decoder`.

use std::io::Cursor;

use edgekit::{Error, StatusCode};
use jpeg_decoder::{Decoder, PixelFormat};

use super::baseline;
use super::jpeg_header::JpegHeader;
use super::{Decoded, Header, corrupt, too_large_to_decode};
use crate::pixels::Layout;

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let h = JpegHeader::parse(bytes).ok_or_else(|| corrupt("no JPEG frame header"))?;
    if h.width == 0 || h.height == 0 {
        return Err(corrupt("zero-sized JPEG"));
    }
    Ok(Header {
        width: h.width,
        height: h.height,
        orientation: h.orientation.unwrap_or(1),
    })
}

/// The DCT scale divisor (1, 2, 4 or 8): the largest that keeps at least
/// the detail the output needs, then larger while decoding would not fit
/// the budget.
pub fn choose_scale(header: &JpegHeader, reduction: (f64, f64), budget: u64) -> Option<u32> {
    let wanted = reduction.0.min(reduction.1);
    let mut scale = [8, 4, 2]
        .into_iter()
        .find(|&s| f64::from(s) <= wanted)
        .unwrap_or(1);
    while header.decode_bytes(scale) > budget {
        if scale == 8 {
            return None;
        }
        scale *= 2;
    }
    Some(scale)
}

pub fn decode(bytes: &[u8], reduction: (f64, f64), budget: u64) -> Result<Decoded, Error> {
    let header = JpegHeader::parse(bytes).ok_or_else(|| corrupt("no JPEG frame header"))?;
    let scale = choose_scale(&header, reduction, budget).ok_or_else(|| {
        too_large_to_decode(if header.progressive {
            "a progressive JPEG keeps every coefficient while decoding"
        } else {
            "even at 1/8 scale"
        })
    })?;
    if let Some((w, h, layout, data)) = baseline::decode(bytes, scale as usize, budget) {
        return Ok(Decoded {
            pixels: layout.into_pixels(w, h, data),
            lossy: true,
        });
    }
    let mut decoder = Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(budget as usize);
    let (w, h) = (header.width.div_ceil(scale), header.height.div_ceil(scale));
    let (w, h) = decoder.scale(w as u16, h as u16).map_err(corrupt)?;
    let data = decoder.decode().map_err(corrupt)?;
    let info = decoder.info().ok_or_else(|| corrupt("no frame"))?;
    let layout = match info.pixel_format {
        PixelFormat::L8 => Layout::Gray,
        PixelFormat::RGB24 => Layout::Rgb,
        PixelFormat::CMYK32 => Layout::Cmyk,
        PixelFormat::L16 => {
            return Err(Error::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "12- and 16-bit JPEGs are not supported",
            ));
        }
    };
    let (w, h) = (u32::from(w), u32::from(h));
    if data.len() != w as usize * h as usize * layout.samples() {
        return Err(corrupt("unexpected pixel count"));
    }
    Ok(Decoded {
        pixels: layout.into_pixels(w, h, data),
        lossy: true,
    })
}
