//! Encoding the output. Nothing from the source's metadata (EXIF with GPS,
//! XMP, ICC profiles, comments) is carried over: the encoders write pixels
//! and the minimum header only.

use std::io::Write;

use edgekit::Error;

use crate::negotiate::OutputFormat;
use crate::pixels::Pixels;

/// Encodes `image` as `format`; JPEG flattens alpha onto `background`.
pub fn encode(
    image: Pixels,
    format: OutputFormat,
    quality: u8,
    background: [u8; 4],
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    match format {
        OutputFormat::Jpeg => {
            out.reserve(image.data.len() / 4);
            let image = image.flatten([background[0], background[1], background[2]]);
            jpeg_encoder::Encoder::new(&mut out, quality)
                .encode(
                    &image.data,
                    image.width as u16,
                    image.height as u16,
                    jpeg_encoder::ColorType::Rgb,
                )
                .map_err(Error::internal)?;
        }
        OutputFormat::Png => {
            // Room for the worst case up front, and the image compressed in
            // pieces: growing the output by doubling, or compressing it
            // whole first, would need two or three times its size.
            out.reserve(image.data.len() + image.data.len() / 64 + 1024);
            let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
            let color = if image.alpha {
                png::ColorType::Rgba
            } else {
                png::ColorType::Rgb
            };
            encoder.set_color(color);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fast);
            let mut writer = encoder.write_header().map_err(Error::internal)?;
            let mut stream = writer
                .stream_writer_with_size(256 * 1024)
                .map_err(Error::internal)?;
            stream.write_all(&image.data).map_err(Error::internal)?;
            stream.finish().map_err(Error::internal)?;
        }
        OutputFormat::WebP => {
            let color = if image.alpha {
                image_webp::ColorType::Rgba8
            } else {
                image_webp::ColorType::Rgb8
            };
            image_webp::WebPEncoder::new(&mut out)
                .encode(&image.data, image.width, image.height, color)
                .map_err(Error::internal)?;
        }
    }
    Ok(out)
}
