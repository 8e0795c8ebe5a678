//! Sample images for the demo origin, drawn at start-up so the repository
//! holds no binary files: a colour gradient with a grid, in several formats
//! and sizes.

use anyhow::Context;

/// The sizes served, as `(name, width, height)`.
pub(crate) const SIZES: [(&str, u32, u32); 3] = [
    ("small", 320, 240),
    ("photo", 1600, 1200),
    ("wide", 2400, 800),
];

/// The formats served, as `(file extension, content type)`.
pub(crate) const FORMATS: [(&str, &str); 3] = [
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
];

/// RGB pixels of a `width` × `height` gradient with a grid every 80 pixels.
fn pixels(width: u32, height: u32) -> Vec<u8> {
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let grid = x % 80 < 2 || y % 80 < 2;
            let r = (x * 255 / width.max(1)) as u8;
            let g = (y * 255 / height.max(1)) as u8;
            let b = 160u8.wrapping_add(((x + y) / 8) as u8 % 64);
            if grid {
                rgb.extend_from_slice(&[255, 255, 255]);
            } else {
                rgb.extend_from_slice(&[r, g, b]);
            }
        }
    }
    rgb
}

/// The image `width` × `height` encoded as `extension` (`jpg`, `png`, `webp`).
pub(crate) fn encode(extension: &str, width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let rgb = pixels(width, height);
    let mut out = Vec::new();
    match extension {
        "jpg" => {
            let (w, h) = (u16::try_from(width)?, u16::try_from(height)?);
            jpeg_encoder::Encoder::new(&mut out, 85)
                .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
                .context("encoding JPEG")?;
        }
        "png" => {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().context("encoding PNG")?;
            writer.write_image_data(&rgb).context("encoding PNG")?;
            writer.finish().context("encoding PNG")?;
        }
        "webp" => {
            image_webp::WebPEncoder::new(&mut out)
                .encode(&rgb, width, height, image_webp::ColorType::Rgb8)
                .context("encoding WebP")?;
        }
        other => anyhow::bail!("no encoder for {other}"),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_starts_with_its_signature() {
        assert_eq!(&encode("jpg", 16, 8).unwrap()[..3], b"\xff\xd8\xff");
        assert_eq!(&encode("png", 16, 8).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
        let webp = encode("webp", 16, 8).unwrap();
        assert_eq!((&webp[..4], &webp[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
    }
}
