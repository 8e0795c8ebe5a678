//! JPEG, shrinking in the DCT domain (1/2, 1/4, 1/8) when the output is
//! smaller: decoding a 12 MP photo for an 800 px thumbnail then costs a
//! sixteenth of the pixels. Common JPEGs take the component's own
//! [`baseline`] decoder when shrinking; the others, and any full-size
//! decode, take `jpeg-decoder`.

use std::io::Cursor;

use edgekit::{Error, StatusCode};
use jpeg_decoder::{Decoder, PixelFormat};

use super::baseline;
use super::jpeg_header::{self, JpegHeader};
use super::{Decoded, Header, Shrink, Way, corrupt};
use crate::pixels::Layout;

/// The most scans a JPEG may have. Decoding costs a pass over every block
/// per scan: a small progressive file can repeat one scan thousands of
/// times and take minutes. Encoders write ten or so; 4 for a baseline
/// image whose components are stored one scan each.
pub const MAX_SCANS: usize = 64;

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let h = JpegHeader::parse(bytes).ok_or_else(|| corrupt("no JPEG frame header"))?;
    if h.width == 0 || h.height == 0 {
        return Err(corrupt("zero-sized JPEG"));
    }
    if jpeg_header::count_scans(bytes) > MAX_SCANS {
        return Err(Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the JPEG has more than {MAX_SCANS} scans"),
        ));
    }
    Ok(Header {
        width: h.width,
        height: h.height,
        orientation: h.orientation.unwrap_or(1),
    })
}

/// The DCT scales (1, 2, 4, 8) from the largest that keeps the detail the
/// output needs up to 1/8, each with what decoding at it holds: the
/// decoder's planes, coefficients and output, and the conversion of a gray
/// or CMYK output to RGB beside it.
pub fn ways(bytes: &[u8], reduction: (f64, f64)) -> Result<Vec<Way>, Error> {
    let header = JpegHeader::parse(bytes).ok_or_else(|| corrupt("no JPEG frame header"))?;
    let wanted = reduction.0.min(reduction.1);
    let first = [8, 4, 2]
        .into_iter()
        .find(|&s| f64::from(s) <= wanted)
        .unwrap_or(1);
    let ways = [1, 2, 4, 8]
        .into_iter()
        .filter(|&s| s >= first)
        .map(|scale| {
            let size = (header.width.div_ceil(scale), header.height.div_ceil(scale));
            let rgb = super::image_bytes(size.0, size.1, 3);
            let converted = if header.sampling.len() == 3 { 0 } else { rgb };
            Way {
                shrink: Shrink::Scale(scale),
                size,
                channels: 3,
                bytes: rgb,
                peak: header.decode_bytes(scale) + converted,
                lossy: true,
            }
        })
        .collect();
    Ok(ways)
}

pub fn decode(bytes: &[u8], way: &Way) -> Result<Decoded, Error> {
    let Shrink::Scale(scale) = way.shrink else {
        return Err(corrupt("not a JPEG way"));
    };
    let header = JpegHeader::parse(bytes).ok_or_else(|| corrupt("no JPEG frame header"))?;
    if let Some((w, h, layout, data)) = baseline::decode(bytes, scale as usize, way.peak) {
        return Ok(Decoded {
            pixels: layout.into_pixels(w, h, data),
            lossy: true,
        });
    }
    let mut decoder = Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(way.peak as usize);
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
