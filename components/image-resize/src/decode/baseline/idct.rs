//! [`ScaledIdct`]: the inverse DCT of one 8x8 block straight to a smaller
//! block (8x8 down to 1x1), from its lowest frequencies only — how
//! libjpeg shrinks while decoding.

use std::f32::consts::PI;

/// The inverse DCT producing `width` x `height` samples (1, 2, 4 or 8 each)
/// from the `width` x `height` lowest-frequency coefficients.
pub struct ScaledIdct {
    width: usize,
    height: usize,
    /// `[frequency][sample]` weights across.
    across: [[f32; 8]; 8],
    /// `[frequency][sample]` weights down.
    down: [[f32; 8]; 8],
    /// The loops for this size, with constant bounds the compiler unrolls.
    kernel: Kernel,
}

type Kernel = fn(&ScaledIdct, &mut [f32; 64], &mut [u8], usize);

/// Weights of an `n`-point inverse DCT, normalised like the 8-point one of
/// JPEG, so a flat block keeps its level at any size: sample `x` of an
/// `n`-point block is the 8-point block's value at the centre of the
/// samples it stands for.
fn weights(n: usize) -> [[f32; 8]; 8] {
    let mut w = [[0f32; 8]; 8];
    for (u, row) in w.iter_mut().enumerate().take(n) {
        let c = if u == 0 {
            std::f32::consts::FRAC_1_SQRT_2
        } else {
            1.0
        };
        for (x, weight) in row.iter_mut().enumerate().take(n) {
            let angle = (2 * x + 1) as f32 * u as f32 * PI / (2 * n) as f32;
            *weight = 0.5 * c * angle.cos();
        }
    }
    w
}

/// A 1-D `N`-point inverse DCT: butterflies for 1, 2 and 4 points (six
/// multiplications instead of sixteen for 4), the weights for 8.
#[inline(always)]
fn idct_1d<const N: usize>(c: [f32; N], weights: &[[f32; 8]; 8]) -> [f32; N] {
    const HALF_SQRT_HALF: f32 = 0.353_553_38; // 0.5 * cos(pi/4)
    const A: f32 = 0.461_939_77; // 0.5 * cos(pi/8)
    const B: f32 = 0.191_341_72; // 0.5 * cos(3pi/8)
    let mut out = [0f32; N];
    match N {
        1 => out[0] = c[0] * HALF_SQRT_HALF,
        2 => {
            let (e, o) = (c[0] * HALF_SQRT_HALF, c[1] * HALF_SQRT_HALF);
            out[0] = e + o;
            out[1] = e - o;
        }
        4 => {
            let e0 = (c[0] + c[2]) * HALF_SQRT_HALF;
            let e1 = (c[0] - c[2]) * HALF_SQRT_HALF;
            let o0 = c[1] * A + c[3] * B;
            let o1 = c[1] * B - c[3] * A;
            out[0] = e0 + o0;
            out[1] = e1 + o1;
            out[2] = e1 - o1;
            out[3] = e0 - o0;
        }
        _ => {
            for (x, sample) in out.iter_mut().enumerate() {
                for (u, &f) in c.iter().enumerate() {
                    *sample += f * weights[u][x];
                }
            }
        }
    }
    out
}

/// The kernel for `W` x `H` samples: rows, then columns.
fn sized<const W: usize, const H: usize>(
    idct: &ScaledIdct,
    coefficients: &mut [f32; 64],
    out: &mut [u8],
    stride: usize,
) {
    let mut rows = [[0f32; W]; H];
    for (v, row) in rows.iter_mut().enumerate() {
        let c: &mut [f32; W] = (&mut coefficients[v * 8..v * 8 + W]).try_into().unwrap();
        // Rows of high frequencies are mostly zero.
        if c.iter().any(|&f| f != 0.0) {
            *row = idct_1d(*c, &idct.across);
            // Cleared for the next block, which sets only what it codes.
            *c = [0.0; W];
        }
    }
    for x in 0..W {
        let column = idct_1d(std::array::from_fn::<f32, H, _>(|v| rows[v][x]), &idct.down);
        for (y, value) in column.into_iter().enumerate() {
            // `as u8` saturates, so this rounds and clamps at once.
            out[y * stride + x] = (value + 128.5) as u8;
        }
    }
}

/// The kernel for each size, so the loops have constant bounds.
fn kernel(width: usize, height: usize) -> Kernel {
    macro_rules! pick {
        ($($w:literal x $h:literal),*) => {
            match (width, height) {
                $(($w, $h) => sized::<$w, $h>,)*
                _ => unreachable!("inverse DCT sizes are 1, 2, 4 or 8"),
            }
        };
    }
    pick!(
        1 x 1, 1 x 2, 1 x 4, 1 x 8, 2 x 1, 2 x 2, 2 x 4, 2 x 8,
        4 x 1, 4 x 2, 4 x 4, 4 x 8, 8 x 1, 8 x 2, 8 x 4, 8 x 8
    )
}

impl ScaledIdct {
    /// An inverse DCT to `width` x `height` samples (each 1, 2, 4 or 8;
    /// panics otherwise).
    pub fn new(width: usize, height: usize) -> ScaledIdct {
        ScaledIdct {
            width,
            height,
            across: weights(width),
            down: weights(height),
            kernel: kernel(width, height),
        }
    }

    /// Whether the coefficient at natural index `i` (row-major 8x8) is used.
    pub fn uses(&self, i: usize) -> bool {
        i % 8 < self.width && i / 8 < self.height
    }

    /// Writes the block of dequantized `coefficients` (natural order) to
    /// `out`, `stride` bytes per row, level-shifted and clamped to 0..=255,
    /// and clears the coefficients it used.
    pub fn run(&self, coefficients: &mut [f32; 64], out: &mut [u8], stride: usize) {
        (self.kernel)(self, coefficients, out, stride);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full 8x8 inverse DCT by its definition (A.3.3).
    fn reference(coefficients: &[f32; 64]) -> [f32; 64] {
        let mut out = [0f32; 64];
        for y in 0..8 {
            for x in 0..8 {
                let mut sum = 0.0;
                for v in 0..8 {
                    for u in 0..8 {
                        let cu = if u == 0 { 0.5f32.sqrt() } else { 1.0 };
                        let cv = if v == 0 { 0.5f32.sqrt() } else { 1.0 };
                        sum += cu
                            * cv
                            * coefficients[v * 8 + u]
                            * ((2 * x + 1) as f32 * u as f32 * PI / 16.0).cos()
                            * ((2 * y + 1) as f32 * v as f32 * PI / 16.0).cos();
                    }
                }
                out[y * 8 + x] = sum / 4.0 + 128.0;
            }
        }
        out
    }

    fn block() -> [f32; 64] {
        let mut c = [0f32; 64];
        for (i, v) in c.iter_mut().enumerate() {
            *v = ((i * 37 % 23) as f32 - 11.0) * 40.0 / (1 + i / 4) as f32;
        }
        c
    }

    #[test]
    fn full_size_matches_the_definition() {
        let c = block();
        let mut out = [0u8; 64];
        ScaledIdct::new(8, 8).run(&mut c.clone(), &mut out, 8);
        let expected = reference(&c);
        for (got, want) in out.iter().zip(expected) {
            assert!((f32::from(*got) - want.clamp(0.0, 255.0)).abs() <= 0.5001);
        }
    }

    #[test]
    fn a_flat_block_keeps_its_level_at_every_size() {
        let mut c = [0f32; 64];
        c[0] = 8.0 * 72.0; // level 128 + 72
        for n in [1, 2, 4, 8] {
            let mut out = [0u8; 64];
            ScaledIdct::new(n, n).run(&mut c.clone(), &mut out, 8);
            for y in 0..n {
                assert!(out[y * 8..y * 8 + n].iter().all(|&v| v == 200), "{n}");
            }
        }
    }

    #[test]
    fn smaller_blocks_sample_the_low_frequencies() {
        // Only the lowest frequencies: the 4x4 result is the 8x8 one at
        // the centres of each 2x2 group.
        let mut c = [0f32; 64];
        c[0] = 100.0;
        c[1] = 80.0;
        c[8] = -60.0;
        c[9] = 30.0;
        let mut small = [0u8; 16];
        let mut used = c;
        ScaledIdct::new(4, 4).run(&mut used, &mut small, 4);
        assert!(used.iter().all(|&v| v == 0.0), "cleared");
        let centre = |x: usize, y: usize| {
            let u = (x as f32 * 2.0 + 0.5) * PI / 8.0;
            let v = (y as f32 * 2.0 + 0.5) * PI / 8.0;
            c[0] / 8.0
                + 0.5f32.sqrt() / 4.0
                    * (c[1] * (u + PI / 16.0).cos() + c[8] * (v + PI / 16.0).cos())
                + c[9] / 4.0 * (u + PI / 16.0).cos() * (v + PI / 16.0).cos()
                + 128.0
        };
        for y in 0..4 {
            for x in 0..4 {
                let want = centre(x, y);
                assert!(
                    (f32::from(small[y * 4 + x]) - want).abs() <= 0.5001,
                    "{x},{y}"
                );
            }
        }
    }

    #[test]
    fn only_the_low_frequencies_are_used() {
        let idct = ScaledIdct::new(2, 4);
        assert!(idct.uses(0) && idct.uses(1) && idct.uses(8) && idct.uses(25));
        assert!(!idct.uses(2) && !idct.uses(32));
    }
}
