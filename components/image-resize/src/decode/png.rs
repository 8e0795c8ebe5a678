//! PNG through the `png` crate, row by row: rows are shrunk as they arrive,
//! so a 40 MP PNG never exists whole in memory.

use std::io::Cursor;

use edgekit::Error;
use png::{BitDepth, ColorType, Decoder, DecodingError, Limits, Transformations};

use super::{Decoded, Header, Shrink, Way, corrupt, too_large_to_decode};
use crate::orientation;
use crate::pixels::Layout;
use crate::shrink::{MAX_FACTOR, Shrinker};

/// What the `png` crate may allocate beyond its rows: its palette,
/// transparency and EXIF chunks (text and colour-profile chunks, which
/// inflate, are skipped unread).
const CHUNK_ALLOWANCE: usize = 1 << 20;

/// A reader that skips the chunks whose data would be inflated (`zTXt`,
/// `iTXt`, `iCCP`): nothing of them is used, and each could inflate to
/// many megabytes. `limit` bounds what the decoder allocates.
fn reader(bytes: &[u8], limit: usize) -> Result<png::Reader<Cursor<&[u8]>>, Error> {
    let mut decoder = Decoder::new_with_limits(Cursor::new(bytes), Limits { bytes: limit });
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    // Every bit depth and palette becomes 8-bit gray, gray+alpha, RGB or RGBA.
    decoder.set_transformations(Transformations::normalize_to_color8());
    decoder.read_info().map_err(png_error)
}

/// The decoder's limit is this component's memory budget: over it is `413`.
fn png_error(error: DecodingError) -> Error {
    match error {
        DecodingError::LimitsExceeded => too_large_to_decode("PNG"),
        other => corrupt(other),
    }
}

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let mut decoder = Decoder::new(Cursor::new(bytes));
    let info = decoder.read_header_info().map_err(corrupt)?;
    let (width, height) = (info.width, info.height);
    // The size is known from IHDR alone: a file that breaks off later is
    // still refused by size first, and found corrupt only when decoded.
    let orientation = reader(bytes, CHUNK_ALLOWANCE).ok().and_then(|r| {
        r.info()
            .exif_metadata
            .as_deref()
            .and_then(orientation::from_exif)
    });
    Ok(Header {
        width,
        height,
        orientation: orientation.unwrap_or(1),
    })
}

/// The whole shrink factor per axis: half the reduction (the final resize
/// does the rest with a sharp filter).
pub fn first_factors(reduction: (f64, f64)) -> (u32, u32) {
    let factor = |r: f64| ((r / 2.0).floor() as u32).clamp(1, MAX_FACTOR);
    (factor(reduction.0), factor(reduction.1))
}

/// The shrink factors from [`first_factors`] up to [`MAX_FACTOR`], each
/// with what decoding holds: the decoder's rows (its unfiltering buffer
/// keeps several raw rows and grows to a power of two above four of them,
/// plus a scratch row and the row converted to 8 bits), the row as RGB, the shrinker's sums (a `u32` per sample of an
/// output row) and the shrunk image; for an interlaced PNG, the whole
/// image as well, which its passes are assembled into.
pub fn ways(bytes: &[u8], header: &Header, reduction: (f64, f64)) -> Result<Vec<Way>, Error> {
    let reader = reader(bytes, CHUNK_ALLOWANCE)?;
    let info = reader.info();
    let bits = u64::from(info.color_type.samples() as u8) * bit_depth(info.bit_depth);
    let interlaced = info.interlaced;
    let (color, _) = reader.output_color_type();
    let channels: u64 = match color {
        ColorType::GrayscaleAlpha | ColorType::Rgba => 4,
        _ => 3,
    };
    let (width, height) = (header.width, header.height);
    let w = u64::from(width);
    let raw_row = (w * bits).div_ceil(8) + 1;
    let decoder_rows = 12 * raw_row + 4 * w + CHUNK_ALLOWANCE as u64;
    let rgb_row = w * channels;
    let whole = if interlaced {
        super::image_bytes(width, height, 4)
    } else {
        0
    };
    let (fx, fy) = first_factors(reduction);
    let ways = (0..MAX_FACTOR)
        .map(|step| ((fx + step).min(MAX_FACTOR), (fy + step).min(MAX_FACTOR)))
        .take_while(|&(x, y)| x < MAX_FACTOR || y < MAX_FACTOR)
        .chain(std::iter::once((MAX_FACTOR, MAX_FACTOR)))
        .map(|(x, y)| {
            let size = (width.div_ceil(x), height.div_ceil(y));
            let out = super::image_bytes(size.0, size.1, channels);
            let sums = u64::from(size.0) * channels * 4;
            Way {
                shrink: Shrink::Blocks(x, y),
                size,
                channels,
                bytes: out,
                peak: decoder_rows + rgb_row + sums + out + whole,
                lossy: false,
            }
        })
        .collect();
    Ok(ways)
}

fn bit_depth(depth: BitDepth) -> u64 {
    match depth {
        BitDepth::One => 1,
        BitDepth::Two => 2,
        BitDepth::Four => 4,
        BitDepth::Eight => 8,
        BitDepth::Sixteen => 16,
    }
}

pub fn decode(bytes: &[u8], header: &Header, way: &Way) -> Result<Decoded, Error> {
    let Shrink::Blocks(fx, fy) = way.shrink else {
        return Err(corrupt("not a PNG way"));
    };
    let mut reader = reader(bytes, way.peak as usize)?;
    let layout = match reader.output_color_type().0 {
        ColorType::Grayscale => Layout::Gray,
        ColorType::GrayscaleAlpha => Layout::GrayAlpha,
        ColorType::Rgb => Layout::Rgb,
        ColorType::Rgba => Layout::Rgba,
        ColorType::Indexed => return Err(corrupt("palette was not expanded")),
    };
    let channels = if layout.alpha() { 4 } else { 3 };
    let (width, height) = (header.width, header.height);
    let mut shrinker = Shrinker::new(width, height, layout.alpha(), fx, fy);
    let mut row_rgb = Vec::with_capacity(width as usize * channels);
    if reader.info().interlaced {
        // Adam7 rows arrive in seven passes: the image is assembled whole.
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| too_large_to_decode("interlaced PNG"))?;
        let mut whole = vec![0; size];
        let info = reader.next_frame(&mut whole).map_err(png_error)?;
        for row in whole.chunks_exact(info.line_size).take(height as usize) {
            row_rgb.clear();
            layout.extend_rgb(row, &mut row_rgb);
            shrinker.push_row(&row_rgb);
        }
    } else {
        let mut rows = 0;
        while let Some(row) = reader.next_row().map_err(png_error)? {
            row_rgb.clear();
            layout.extend_rgb(row.data(), &mut row_rgb);
            shrinker.push_row(&row_rgb);
            rows += 1;
        }
        if rows != height {
            return Err(corrupt("missing rows"));
        }
    }
    Ok(Decoded {
        pixels: shrinker.finish(),
        lossy: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_leave_the_last_halving_to_the_resize() {
        assert_eq!(first_factors((5.0, 5.0)), (2, 2));
        assert_eq!(first_factors((1.5, 1.5)), (1, 1));
        assert_eq!(first_factors((40.0, 20.0)), (20, 10));
    }
}
