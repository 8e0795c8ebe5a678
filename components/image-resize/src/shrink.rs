//! [`Shrinker`]: shrinks an image by whole factors as its rows arrive, so a
//! large source never has to be held whole (the way libvips shrinks on load).

use crate::pixels::Pixels;

/// The largest factor per axis: keeps the sums of a block within `u32`
/// (255 * 255 * 64 * 64 < 2^32).
pub const MAX_FACTOR: u32 = 64;

/// Averages each `factor_x` x `factor_y` block of pixels into one, taking RGB
/// or RGBA rows one at a time. Colours are averaged weighted by alpha, so
/// transparent pixels do not darken the edges of what is opaque.
pub struct Shrinker {
    width: usize,
    factor_x: usize,
    factor_y: usize,
    channels: usize,
    out_width: usize,
    /// Per output pixel of the band being summed: a sum per channel.
    sums: Vec<u32>,
    rows_in_band: usize,
    out: Pixels,
}

impl Shrinker {
    /// A shrinker for `width` x `height` rows of RGB (or RGBA with `alpha`).
    pub fn new(width: u32, height: u32, alpha: bool, factor_x: u32, factor_y: u32) -> Shrinker {
        let factor_x = factor_x.clamp(1, MAX_FACTOR) as usize;
        let factor_y = factor_y.clamp(1, MAX_FACTOR) as usize;
        let channels = if alpha { 4 } else { 3 };
        let out_width = (width as usize).div_ceil(factor_x);
        let out_height = (height as usize).div_ceil(factor_y);
        Shrinker {
            width: width as usize,
            factor_x,
            factor_y,
            channels,
            out_width,
            sums: vec![0; out_width * channels],
            rows_in_band: 0,
            out: Pixels {
                width: out_width as u32,
                height: out_height as u32,
                alpha,
                data: Vec::with_capacity(out_width * out_height * channels),
            },
        }
    }

    /// Adds the next row (`width` pixels of RGB or RGBA).
    pub fn push_row(&mut self, row: &[u8]) {
        let ch = self.channels;
        let row = &row[..self.width * ch];
        if self.factor_x == 1 && self.factor_y == 1 {
            self.out.data.extend_from_slice(row);
            return;
        }
        for (block, pixels) in row.chunks(self.factor_x * ch).enumerate() {
            let sums = &mut self.sums[block * ch..block * ch + ch];
            for p in pixels.chunks_exact(ch) {
                if ch == 4 {
                    let a = u32::from(p[3]);
                    sums[0] += u32::from(p[0]) * a;
                    sums[1] += u32::from(p[1]) * a;
                    sums[2] += u32::from(p[2]) * a;
                    sums[3] += a;
                } else {
                    sums[0] += u32::from(p[0]);
                    sums[1] += u32::from(p[1]);
                    sums[2] += u32::from(p[2]);
                }
            }
        }
        self.rows_in_band += 1;
        if self.rows_in_band == self.factor_y {
            self.emit_band();
        }
    }

    /// The shrunk image (a last, partial band of rows counts as a whole one).
    pub fn finish(mut self) -> Pixels {
        if self.rows_in_band > 0 {
            self.emit_band();
        }
        self.out
    }

    fn emit_band(&mut self) {
        let ch = self.channels;
        for block in 0..self.out_width {
            let columns = self.factor_x.min(self.width - block * self.factor_x) as u32;
            let count = columns * self.rows_in_band as u32;
            let sums = &mut self.sums[block * ch..block * ch + ch];
            if ch == 4 {
                let alpha = sums[3];
                for &sum in &sums[..3] {
                    let c = (sum + alpha / 2).checked_div(alpha).unwrap_or(0);
                    self.out.data.push(c as u8);
                }
                self.out.data.push(((alpha + count / 2) / count) as u8);
            } else {
                for &sum in sums.iter() {
                    self.out.data.push(((sum + count / 2) / count) as u8);
                }
            }
            sums.fill(0);
        }
        self.rows_in_band = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shrink(width: u32, height: u32, alpha: bool, f: (u32, u32), data: &[u8]) -> Pixels {
        let ch = if alpha { 4 } else { 3 };
        let mut shrinker = Shrinker::new(width, height, alpha, f.0, f.1);
        for row in data.chunks(width as usize * ch) {
            shrinker.push_row(row);
        }
        shrinker.finish()
    }

    #[test]
    fn blocks_are_averaged_and_edges_count_what_they_have() {
        // 3x3 gray values 0..9 as RGB, shrunk 2x2: blocks of 4, 2, 2 and 1 pixels.
        let data: Vec<u8> = (0..9u8).flat_map(|v| [v * 10; 3]).collect();
        let out = shrink(3, 3, false, (2, 2), &data);
        assert_eq!((out.width, out.height), (2, 2));
        let reds: Vec<u8> = out.data.chunks(3).map(|p| p[0]).collect();
        // (0+10+30+40)/4, (20+50)/2, (60+70)/2, 80
        assert_eq!(reds, [20, 35, 65, 80]);
    }

    #[test]
    fn transparent_pixels_do_not_darken_colour() {
        // An opaque white pixel beside a transparent black one.
        let data = [255, 255, 255, 255, 0, 0, 0, 0];
        let out = shrink(2, 1, true, (2, 1), &data);
        assert_eq!(out.data, [255, 255, 255, 128]);
        let clear = shrink(2, 1, true, (2, 1), &[9, 9, 9, 0, 9, 9, 9, 0]);
        assert_eq!(clear.data, [0, 0, 0, 0]);
    }

    #[test]
    fn factor_one_passes_rows_through() {
        let data: Vec<u8> = (0..24).collect();
        let out = shrink(4, 2, false, (1, 1), &data);
        assert_eq!(out.data, data);
        assert_eq!((out.width, out.height), (4, 2));
    }

    #[test]
    fn factors_differ_per_axis() {
        let data = vec![100u8; 8 * 2 * 3];
        let out = shrink(8, 2, false, (4, 1), &data);
        assert_eq!((out.width, out.height), (2, 2));
        assert!(out.data.iter().all(|&v| v == 100));
    }
}
