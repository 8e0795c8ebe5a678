//! Resizing with `fast_image_resize` (Lanczos3, SIMD on wasm32 through
//! `simd128`), and placing the result on a padded canvas.

use edgekit::Error;
use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, MulDiv, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::budget::Ledger;
use crate::geometry::Region;
use crate::pixels::Pixels;

/// Resizes `region` of `image` to `size` (alpha-aware: colours are
/// premultiplied while filtering, in the source's own buffer rather than
/// in a copy of it).
pub fn resize(image: Pixels, region: Region, size: (u32, u32)) -> Result<Pixels, Error> {
    if is_identity(&image, region, size) {
        return Ok(image);
    }
    let pixel_type = if image.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let (width, height, alpha) = (image.width, image.height, image.alpha);
    let mut source =
        Image::from_vec_u8(width, height, image.data, pixel_type).map_err(Error::internal)?;
    let mul_div = MulDiv::default();
    if alpha {
        mul_div
            .multiply_alpha_inplace(&mut source)
            .map_err(Error::internal)?;
    }
    let mut target = Image::new(size.0, size.1, pixel_type);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(region.x, region.y, region.width, region.height)
        .use_alpha(false);
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(Error::internal)?;
    drop(source);
    if alpha {
        mul_div
            .divide_alpha_inplace(&mut target)
            .map_err(Error::internal)?;
    }
    Ok(Pixels {
        width: size.0,
        height: size.1,
        alpha,
        data: target.into_vec(),
    })
}

/// Whether resizing `region` of `image` to `size` leaves it as it is.
fn is_identity(image: &Pixels, region: Region, size: (u32, u32)) -> bool {
    region.x == 0.0
        && region.y == 0.0
        && region.width == f64::from(image.width)
        && region.height == f64::from(image.height)
        && size == (image.width, image.height)
}

/// Holds on `ledger` what [`resize`] allocates for an image of `source`
/// pixels with `channels` samples each, and releases the source: the
/// filter coefficients (Lanczos3 takes about six per source pixel of each
/// axis when shrinking, seven per output pixel when enlarging, each as an
/// `f64` and an `i16`), the vertical pass's result (the source's width by
/// the output's height) and the output.
pub fn hold_resize(
    ledger: &mut Ledger,
    source: (u32, u32),
    region: Region,
    size: (u32, u32),
    channels: u64,
) {
    let whole = region.x == 0.0
        && region.y == 0.0
        && region.width == f64::from(source.0)
        && region.height == f64::from(source.1);
    if whole && size == source {
        return;
    }
    let (sw, sh) = (u64::from(source.0), u64::from(source.1));
    let (w, h) = (u64::from(size.0), u64::from(size.1));
    let coefficients = 64 * (sw + sh) + 80 * (w + h) + (64 << 10);
    let pass = sw * h * channels + channels;
    let output = w * h * channels;
    ledger.hold(coefficients + pass + output);
    ledger.release(coefficients + pass + sw * sh * channels);
}

/// Places `image` at `offset` on a `canvas` of `background`, the image
/// composited over it. The canvas is RGB when neither has alpha.
pub fn pad(image: Pixels, canvas: (u32, u32), offset: (u32, u32), background: [u8; 4]) -> Pixels {
    if canvas == (image.width, image.height) {
        return image;
    }
    let alpha = canvas_has_alpha(image.alpha, background);
    let out_channels = if alpha { 4 } else { 3 };
    let (cw, ch) = (canvas.0 as usize, canvas.1 as usize);
    let mut data: Vec<u8> = background[..out_channels].repeat(cw * ch);
    let channels = image.channels();
    for y in 0..image.height as usize {
        let ty = y + offset.1 as usize;
        if ty >= ch {
            break;
        }
        for x in 0..(image.width as usize).min(cw.saturating_sub(offset.0 as usize)) {
            let from = (y * image.width as usize + x) * channels;
            let p = &image.data[from..from + channels];
            let a = if channels == 4 { u32::from(p[3]) } else { 255 };
            let to = (ty * cw + x + offset.0 as usize) * out_channels;
            let under = &mut data[to..to + out_channels];
            let under_a = if alpha { u32::from(under[3]) } else { 255 };
            // "Over": the image's alpha, then what shows through it.
            let out_a = a + under_a * (255 - a) / 255;
            for c in 0..3 {
                let value = (u32::from(p[c]) * a * 255 + u32::from(under[c]) * under_a * (255 - a))
                    .checked_div(out_a * 255)
                    .unwrap_or(0);
                under[c] = value.min(255) as u8;
            }
            if alpha {
                under[3] = out_a as u8;
            }
        }
    }
    Pixels {
        width: canvas.0,
        height: canvas.1,
        alpha,
        data,
    }
    .drop_opaque_alpha()
}

/// Whether a padded canvas needs alpha: the image or the background has it.
fn canvas_has_alpha(image_alpha: bool, background: [u8; 4]) -> bool {
    image_alpha || background[3] != 255
}

/// Holds on `ledger` the canvas [`pad`] makes for an image of `size` with
/// `channels` samples, and releases the image.
pub fn hold_pad(
    ledger: &mut Ledger,
    size: (u32, u32),
    canvas: (u32, u32),
    channels: u64,
    background: [u8; 4],
) -> u64 {
    if canvas == size {
        return channels;
    }
    let out_channels = if canvas_has_alpha(channels == 4, background) {
        4
    } else {
        3
    };
    ledger.hold(u64::from(canvas.0) * u64::from(canvas.1) * out_channels);
    ledger.release(u64::from(size.0) * u64::from(size.1) * channels);
    out_channels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: u32, h: u32, rgb: [u8; 3]) -> Pixels {
        Pixels {
            width: w,
            height: h,
            alpha: false,
            data: rgb.repeat((w * h) as usize),
        }
    }

    #[test]
    fn resizing_keeps_a_flat_colour_and_crops() {
        let image = solid(64, 48, [10, 200, 30]);
        let full = Region {
            x: 0.0,
            y: 0.0,
            width: 64.0,
            height: 48.0,
        };
        let out = resize(image, full, (16, 12)).unwrap();
        assert_eq!(
            (out.width, out.height, out.data.len()),
            (16, 12, 16 * 12 * 3)
        );
        assert!(out.data.chunks(3).all(|p| p == [10, 200, 30]));
        // Left half red, right half blue: a crop inside the right half, by
        // more than the filter's reach, is all blue.
        let mut halves = solid(64, 8, [255, 0, 0]);
        for y in 0..8 {
            for x in 32..64 {
                halves.data[(y * 64 + x) * 3..][..3].copy_from_slice(&[0, 0, 255]);
            }
        }
        let right = Region {
            x: 48.0,
            y: 0.0,
            width: 16.0,
            height: 8.0,
        };
        let out = resize(halves, right, (4, 2)).unwrap();
        assert!(
            out.data.chunks(3).all(|p| p == [0, 0, 255]),
            "{:?}",
            out.data
        );
    }

    #[test]
    fn padding_fills_around_the_image() {
        let image = solid(2, 1, [0, 0, 0]);
        let out = pad(image.clone(), (2, 3), (0, 1), [255, 255, 255, 255]);
        assert!(!out.alpha);
        let rows: Vec<&[u8]> = out.data.chunks(6).collect();
        assert_eq!(rows, [&[255u8; 6][..], &[0; 6], &[255; 6]]);
        let clear = pad(image, (3, 1), (1, 0), [0, 0, 0, 0]);
        assert!(clear.alpha);
        assert_eq!(clear.data, [0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 255]);
    }
}
