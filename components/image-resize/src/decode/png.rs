//! PNG through the `png` crate, row by row: rows are shrunk as they arrive,
//! so a 40 MP PNG never exists whole in memory.

use std::io::Cursor;

use edgekit::Error;
use png::{ColorType, Decoder, Transformations};

use super::{Decoded, Header, corrupt, too_large_to_decode};
use crate::orientation;
use crate::pixels::Layout;
use crate::shrink::{MAX_FACTOR, Shrinker};

fn reader(bytes: &[u8]) -> Result<png::Reader<Cursor<&[u8]>>, Error> {
    let mut decoder = Decoder::new(Cursor::new(bytes));
    // Every bit depth and palette becomes 8-bit gray, gray+alpha, RGB or RGBA.
    decoder.set_transformations(Transformations::normalize_to_color8());
    decoder.read_info().map_err(corrupt)
}

pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    let mut decoder = Decoder::new(Cursor::new(bytes));
    let info = decoder.read_header_info().map_err(corrupt)?;
    let (width, height) = (info.width, info.height);
    // The size is known from IHDR alone: a file that breaks off later is
    // still refused by size first, and found corrupt only when decoded.
    let orientation = reader(bytes).ok().and_then(|r| {
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
/// does the rest with a sharp filter), larger when the shrunk image would
/// not fit the budget.
pub fn choose_factors(
    width: u32,
    height: u32,
    channels: u64,
    reduction: (f64, f64),
    budget: u64,
) -> (u32, u32) {
    let factor = |r: f64| ((r / 2.0).floor() as u32).clamp(1, MAX_FACTOR);
    let (mut fx, mut fy) = (factor(reduction.0), factor(reduction.1));
    let bytes = |fx: u32, fy: u32| {
        u64::from(width.div_ceil(fx)) * u64::from(height.div_ceil(fy)) * channels
    };
    while bytes(fx, fy) > budget && fx < MAX_FACTOR && fy < MAX_FACTOR {
        fx += 1;
        fy += 1;
    }
    (fx, fy)
}

pub fn decode(
    bytes: &[u8],
    header: &Header,
    reduction: (f64, f64),
    budget: u64,
) -> Result<Decoded, Error> {
    let mut reader = reader(bytes)?;
    let layout = match reader.output_color_type().0 {
        ColorType::Grayscale => Layout::Gray,
        ColorType::GrayscaleAlpha => Layout::GrayAlpha,
        ColorType::Rgb => Layout::Rgb,
        ColorType::Rgba => Layout::Rgba,
        ColorType::Indexed => return Err(corrupt("palette was not expanded")),
    };
    let channels = if layout.alpha() { 4 } else { 3 };
    let (width, height) = (header.width, header.height);
    let (fx, fy) = choose_factors(width, height, channels, reduction, budget);
    let mut shrinker = Shrinker::new(width, height, layout.alpha(), fx, fy);
    let mut row_rgb = Vec::with_capacity(width as usize * channels as usize);
    if reader.info().interlaced {
        // Adam7 rows arrive in seven passes: the image is assembled whole.
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| too_large_to_decode("interlaced"))?;
        if size as u64 > budget {
            return Err(too_large_to_decode("interlaced PNGs are decoded whole"));
        }
        let mut whole = vec![0; size];
        let info = reader.next_frame(&mut whole).map_err(corrupt)?;
        for row in whole.chunks_exact(info.line_size).take(height as usize) {
            row_rgb.clear();
            layout.extend_rgb(row, &mut row_rgb);
            shrinker.push_row(&row_rgb);
        }
    } else {
        let mut rows = 0;
        while let Some(row) = reader.next_row().map_err(corrupt)? {
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
    use crate::decode::BUDGET;

    #[test]
    fn factors_leave_the_last_halving_to_the_resize() {
        assert_eq!(choose_factors(1000, 750, 3, (5.0, 5.0), BUDGET), (2, 2));
        assert_eq!(choose_factors(1000, 750, 3, (1.5, 1.5), BUDGET), (1, 1));
        assert_eq!(choose_factors(1000, 750, 3, (40.0, 20.0), BUDGET), (20, 10));
    }

    #[test]
    fn factors_grow_until_the_image_fits_the_budget() {
        // 40 MP RGBA kept at full size would need 160 MB.
        let (fx, fy) = choose_factors(7300, 5480, 4, (1.0, 1.0), BUDGET);
        assert!(u64::from(7300u32.div_ceil(fx)) * u64::from(5480u32.div_ceil(fy)) * 4 <= BUDGET);
        assert_eq!((fx, fy), (2, 2));
        // A smaller budget (a large source beside it) shrinks further.
        assert_eq!(choose_factors(7300, 5480, 4, (1.0, 1.0), 8 << 20), (5, 5));
    }
}
