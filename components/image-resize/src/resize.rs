//! Resizing with `fast_image_resize` (Lanczos3, SIMD on wasm32 through
//! `simd128`), and placing the result on a padded canvas.

use edgekit::Error;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::geometry::Region;
use crate::pixels::Pixels;

/// Resizes `region` of `image` to `size` (alpha-aware: colours are
/// premultiplied while filtering).
pub fn resize(image: Pixels, region: Region, size: (u32, u32)) -> Result<Pixels, Error> {
    let whole = region.x == 0.0
        && region.y == 0.0
        && region.width == f64::from(image.width)
        && region.height == f64::from(image.height);
    if whole && size == (image.width, image.height) {
        return Ok(image);
    }
    let pixel_type = if image.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let source = ImageRef::new(image.width, image.height, &image.data, pixel_type)
        .map_err(Error::internal)?;
    let mut target = Image::new(size.0, size.1, pixel_type);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(region.x, region.y, region.width, region.height);
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(Error::internal)?;
    Ok(Pixels {
        width: size.0,
        height: size.1,
        alpha: image.alpha,
        data: target.into_vec(),
    })
}

/// Places `image` at `offset` on a `canvas` of `background` (RGBA), the
/// image composited over it.
pub fn pad(image: Pixels, canvas: (u32, u32), offset: (u32, u32), background: [u8; 4]) -> Pixels {
    if canvas == (image.width, image.height) {
        return image;
    }
    let (cw, ch) = (canvas.0 as usize, canvas.1 as usize);
    let mut data: Vec<u8> = background.repeat(cw * ch);
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
            let to = (ty * cw + x + offset.0 as usize) * 4;
            let under = &mut data[to..to + 4];
            let under_a = u32::from(under[3]);
            // "Over": the image's alpha, then what shows through it.
            let out_a = a + under_a * (255 - a) / 255;
            for c in 0..3 {
                let value = (u32::from(p[c]) * a * 255 + u32::from(under[c]) * under_a * (255 - a))
                    .checked_div(out_a * 255)
                    .unwrap_or(0);
                under[c] = value.min(255) as u8;
            }
            under[3] = out_a as u8;
        }
    }
    Pixels {
        width: canvas.0,
        height: canvas.1,
        alpha: true,
        data,
    }
    .drop_opaque_alpha()
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
