//! GIF through the `gif` crate: the first frame, placed on the logical
//! screen as a viewer shows it.

use std::io::Cursor;
use std::num::NonZeroU64;

use edgekit::Error;
use gif::{ColorOutput, DecodeOptions, MemoryLimit};

use super::{BUDGET, Decoded, Header, corrupt, within_budget};
use crate::pixels::Pixels;

fn options() -> DecodeOptions {
    let mut options = DecodeOptions::new();
    options.set_color_output(ColorOutput::RGBA);
    options.set_memory_limit(MemoryLimit::Bytes(
        NonZeroU64::new(BUDGET).unwrap_or(NonZeroU64::MIN),
    ));
    options
}

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let decoder = options().read_info(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    if width == 0 || height == 0 {
        return Err(corrupt("zero-sized GIF"));
    }
    Ok(Header {
        width,
        height,
        orientation: 1,
    })
}

pub fn decode(bytes: &[u8], budget: u64) -> Result<Decoded, Error> {
    let mut decoder = options().read_info(Cursor::new(bytes)).map_err(corrupt)?;
    let (width, height) = (usize::from(decoder.width()), usize::from(decoder.height()));
    within_budget(width as u64 * height as u64 * 4, budget)?;
    let frame = decoder
        .read_next_frame()
        .map_err(corrupt)?
        .ok_or_else(|| corrupt("no frame"))?;
    // The frame may cover only part of the screen; the rest is transparent.
    let mut data = vec![0u8; width * height * 4];
    let (fw, fh) = (usize::from(frame.width), usize::from(frame.height));
    let (left, top) = (usize::from(frame.left), usize::from(frame.top));
    for (y, row) in frame.buffer.chunks_exact(fw * 4).take(fh).enumerate() {
        if top + y >= height || left >= width {
            break;
        }
        let visible = fw.min(width - left) * 4;
        let at = ((top + y) * width + left) * 4;
        data[at..at + visible].copy_from_slice(&row[..visible]);
    }
    let pixels = Pixels {
        width: width as u32,
        height: height as u32,
        alpha: true,
        data,
    };
    Ok(Decoded {
        pixels,
        lossy: false,
    })
}
