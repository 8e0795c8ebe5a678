//! [`Pixels`]: an 8-bit RGB or RGBA image in memory, and the conversions
//! every decoder shares.

/// An image as interleaved 8-bit samples, 3 (RGB) or 4 (RGBA) per pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Pixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether the samples are RGBA (else RGB).
    pub alpha: bool,
    /// `width * height * channels` samples, row after row.
    pub data: Vec<u8>,
}

impl Pixels {
    /// Samples per pixel: 4 with alpha, else 3.
    pub fn channels(&self) -> usize {
        if self.alpha { 4 } else { 3 }
    }

    /// Whether any pixel is less than fully opaque.
    pub fn has_transparency(&self) -> bool {
        self.alpha && self.data.chunks_exact(4).any(|p| p[3] != 255)
    }

    /// Drops a fully opaque alpha channel, so opaque images stay RGB. The
    /// samples are moved down in their own buffer: nothing is allocated.
    pub fn drop_opaque_alpha(self) -> Pixels {
        if !self.alpha || self.has_transparency() {
            return self;
        }
        self.into_rgb(|p| [p[0], p[1], p[2]])
    }

    /// Composites the image over an opaque `background` and returns RGB,
    /// in the image's own buffer.
    pub fn flatten(self, background: [u8; 3]) -> Pixels {
        if !self.alpha {
            return self;
        }
        self.into_rgb(|p| {
            let a = u32::from(p[3]);
            let blend = |c: usize| {
                let blended = u32::from(p[c]) * a + u32::from(background[c]) * (255 - a);
                ((blended + 127) / 255) as u8
            };
            [blend(0), blend(1), blend(2)]
        })
    }

    /// RGBA to RGB in place: pixel `i` moves from `4i` to `3i`, which is
    /// never ahead of where the next pixel is read.
    fn into_rgb(mut self, rgb: impl Fn(&[u8]) -> [u8; 3]) -> Pixels {
        let pixels = self.data.len() / 4;
        for i in 0..pixels {
            let out = rgb(&self.data[i * 4..i * 4 + 4]);
            self.data[i * 3..i * 3 + 3].copy_from_slice(&out);
        }
        self.data.truncate(pixels * 3);
        Pixels {
            alpha: false,
            ..self
        }
    }
}

/// The sample layouts decoders produce, before they become RGB or RGBA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One luminance sample.
    Gray,
    /// Luminance and alpha.
    GrayAlpha,
    /// Red, green, blue.
    Rgb,
    /// Red, green, blue, alpha.
    Rgba,
    /// Cyan, magenta, yellow, key (as JPEG decoders hand them out, not inverted).
    Cmyk,
}

impl Layout {
    /// Samples per pixel in this layout.
    pub fn samples(self) -> usize {
        match self {
            Layout::Gray => 1,
            Layout::GrayAlpha => 2,
            Layout::Rgb => 3,
            Layout::Rgba | Layout::Cmyk => 4,
        }
    }

    /// Whether the layout carries alpha.
    pub fn alpha(self) -> bool {
        matches!(self, Layout::GrayAlpha | Layout::Rgba)
    }

    /// Appends one row in this layout to `out` as RGB, or RGBA when the
    /// layout has alpha.
    pub fn extend_rgb(self, row: &[u8], out: &mut Vec<u8>) {
        match self {
            Layout::Rgb | Layout::Rgba => out.extend_from_slice(row),
            Layout::Gray => out.extend(row.iter().flat_map(|&l| [l, l, l])),
            Layout::GrayAlpha => {
                out.extend(row.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]))
            }
            Layout::Cmyk => out.extend(row.chunks_exact(4).flat_map(|p| {
                let k = 255 - u32::from(p[3]);
                let ink = |c: u8| ((255 - u32::from(c)) * k / 255) as u8;
                [ink(p[0]), ink(p[1]), ink(p[2])]
            })),
        }
    }

    /// Converts a whole image in this layout into [`Pixels`].
    pub fn into_pixels(self, width: u32, height: u32, data: Vec<u8>) -> Pixels {
        let data = match self {
            Layout::Rgb | Layout::Rgba => data,
            _ => {
                let channels = if self.alpha() { 4 } else { 3 };
                let mut out = Vec::with_capacity(data.len() / self.samples() * channels);
                self.extend_rgb(&data, &mut out);
                out
            }
        };
        Pixels {
            width,
            height,
            alpha: self.alpha(),
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_become_rgb_or_rgba() {
        let mut out = Vec::new();
        Layout::Gray.extend_rgb(&[7, 9], &mut out);
        assert_eq!(out, [7, 7, 7, 9, 9, 9]);
        out.clear();
        Layout::GrayAlpha.extend_rgb(&[7, 128], &mut out);
        assert_eq!(out, [7, 7, 7, 128]);
        out.clear();
        // No ink is white; full key is black; pure cyan has no red.
        Layout::Cmyk.extend_rgb(&[0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0], &mut out);
        assert_eq!(out, [255, 255, 255, 0, 0, 0, 0, 255, 255]);
    }

    #[test]
    fn flattening_blends_over_the_background() {
        let image = Pixels {
            width: 2,
            height: 1,
            alpha: true,
            data: vec![255, 0, 0, 255, 0, 0, 0, 0],
        };
        let flat = image.flatten([0, 0, 255]);
        assert_eq!(flat.data, [255, 0, 0, 0, 0, 255]);
        assert!(!flat.alpha);
    }

    #[test]
    fn opaque_alpha_is_dropped_and_real_alpha_kept() {
        let opaque = Pixels {
            width: 1,
            height: 1,
            alpha: true,
            data: vec![1, 2, 3, 255],
        };
        assert_eq!(opaque.drop_opaque_alpha().data, [1, 2, 3]);
        let clear = Pixels {
            width: 1,
            height: 1,
            alpha: true,
            data: vec![1, 2, 3, 4],
        };
        assert!(clear.drop_opaque_alpha().alpha);
    }
}
