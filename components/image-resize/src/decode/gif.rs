//! GIF through the `gif` crate: the first frame, placed on the logical
//! screen as a viewer shows it.

use std::io::Cursor;
use std::num::NonZeroU64;

use edgekit::Error;
use gif::{ColorOutput, DecodeOptions, MemoryLimit};

use super::{Decoded, Header, Shrink, Way, corrupt, image_bytes};
use crate::pixels::Pixels;

/// Options whose memory limit keeps a frame's buffer to `limit` bytes.
fn options(limit: u64) -> DecodeOptions {
    let mut options = DecodeOptions::new();
    options.set_color_output(ColorOutput::RGBA);
    options.set_memory_limit(MemoryLimit::Bytes(
        NonZeroU64::new(limit).unwrap_or(NonZeroU64::MIN),
    ));
    options
}

/// The logical screen's size in bytes of RGBA: the most a first frame may
/// take, since a frame larger than its screen is refused.
fn screen_bytes(bytes: &[u8]) -> Result<u64, Error> {
    let header = header(bytes)?;
    Ok(image_bytes(header.width, header.height, 4))
}

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let decoder = options(1 << 20)
        .read_info(Cursor::new(bytes))
        .map_err(corrupt)?;
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

/// One way: the frame as the decoder hands it out and the screen it is
/// placed on, both RGBA.
pub fn ways(bytes: &[u8]) -> Result<Vec<Way>, Error> {
    let header = header(bytes)?;
    let screen = screen_bytes(bytes)?;
    Ok(vec![Way {
        shrink: Shrink::None,
        size: (header.width, header.height),
        channels: 4,
        bytes: screen,
        peak: 2 * screen + (64 << 10),
        lossy: false,
    }])
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
    let screen = screen_bytes(bytes)?;
    let mut decoder = options(screen)
        .read_info(Cursor::new(bytes))
        .map_err(corrupt)?;
    let (width, height) = (usize::from(decoder.width()), usize::from(decoder.height()));
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
