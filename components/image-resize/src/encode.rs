//! Encoding the output. Nothing from the source's metadata (EXIF with GPS,
//! XMP, ICC profiles, comments) is carried over: the encoders write pixels
//! and the minimum header only.

use std::io::Write;

use edgekit::Error;

use crate::budget::Ledger;
use crate::negotiate::OutputFormat;
use crate::pixels::Pixels;

/// Size of the pieces the output is written in.
pub const PIECE: usize = 1 << 20;

/// Encoded bytes in pieces of [`PIECE`]: the output grows without ever
/// being copied into a larger buffer, which for a large image would
/// briefly need room for it two or three times.
#[derive(Debug, Default)]
pub struct Pieces {
    pieces: Vec<Vec<u8>>,
}

impl Pieces {
    /// The bytes, piece by piece.
    pub fn into_pieces(self) -> Vec<Vec<u8>> {
        self.pieces
    }

    /// All the bytes in one buffer (for tests and benchmarks).
    pub fn concat(&self) -> Vec<u8> {
        self.pieces.concat()
    }

    /// The total length.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Write for Pieces {
    fn write(&mut self, mut buf: &[u8]) -> std::io::Result<usize> {
        let written = buf.len();
        while !buf.is_empty() {
            if self.pieces.last().is_none_or(|p| p.len() == PIECE) {
                self.pieces.push(Vec::with_capacity(PIECE));
            }
            let Some(piece) = self.pieces.last_mut() else {
                break;
            };
            let take = buf.len().min(PIECE - piece.len());
            piece.extend_from_slice(&buf[..take]);
            buf = &buf[take..];
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Encodes `image` as `format`; JPEG flattens alpha onto `background`.
pub fn encode(
    image: Pixels,
    format: OutputFormat,
    quality: u8,
    background: [u8; 4],
) -> Result<Pieces, Error> {
    let mut out = Pieces::default();
    match format {
        OutputFormat::Jpeg => {
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
            // Compressed in pieces: compressing the image whole first would
            // need its compressed size again.
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

/// Holds on `ledger` the most [`encode`] can allocate for an image of
/// `size` with `channels` samples, held in `held` bytes.
///
/// - JPEG: the output, at most the raw samples (twice that above quality
///   90, where noise costs more than a byte a sample), and rows of 16
///   lines per component.
/// - PNG: the output, the raw samples plus their stored-block framing in
///   the worst case, and the compressor's tables and buffers (measured at
///   under 4 MiB for a 12-megapixel image).
/// - WebP (lossless): the encoder's own RGBA copy of the image and the
///   encoded frame, both grown by doubling; then the frame is copied out.
pub fn hold_encode(
    ledger: &mut Ledger,
    format: OutputFormat,
    size: (u32, u32),
    channels: u64,
    quality: u8,
) {
    let pixels = u64::from(size.0) * u64::from(size.1);
    let raw = pixels * channels;
    let pieces = |bytes: u64| bytes.div_ceil(PIECE as u64) * PIECE as u64;
    let bytes = match format {
        OutputFormat::Jpeg => {
            let output = if quality > 90 { 2 * raw } else { raw };
            pieces(output) + u64::from(size.0) * 16 * 4 * 4 + (256 << 10)
        }
        OutputFormat::Png => pieces(raw + raw / 64 + (64 << 10)) + (8 << 20),
        OutputFormat::WebP => {
            // The RGBA copy: collected without knowing its size, its last
            // doubling holds 4 + 8 bytes a pixel. Then the frame (at most 4
            // bytes a pixel, doubling too) grows beside the copy's 8: 8 + 4
            // + 8. Then the frame is copied out.
            20 * pixels + (64 << 10)
        }
    };
    ledger.hold(bytes);
}
