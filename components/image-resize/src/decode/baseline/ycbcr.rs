//! YCbCr (JFIF, full range) to RGB, in 16-bit fixed point.

/// Appends `y.len()` RGB pixels made from the same-length `y`, `cb`, `cr`.
pub fn extend_rgb(y: &[u8], cb: &[u8], cr: &[u8], out: &mut Vec<u8>) {
    const ONE_HALF: i32 = 1 << 15;
    let start = out.len();
    out.resize(start + y.len() * 3, 0);
    let pixels = out[start..].chunks_exact_mut(3);
    for (pixel, ((&y, &cb), &cr)) in pixels.zip(y.iter().zip(cb).zip(cr)) {
        let y = (i32::from(y) << 16) + ONE_HALF;
        let cb = i32::from(cb) - 128;
        let cr = i32::from(cr) - 128;
        // 1.402, 0.344136, 0.714136, 1.772 times 65536.
        pixel[0] = clamp((y + 91_881 * cr) >> 16);
        pixel[1] = clamp((y - 22_554 * cb - 46_802 * cr) >> 16);
        pixel[2] = clamp((y + 116_130 * cb) >> 16);
    }
}

#[inline]
fn clamp(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_colours() {
        let mut out = Vec::new();
        // Gray, white, and pure red as JFIF codes it (76, 85, 255).
        extend_rgb(&[128, 255, 76], &[128, 128, 85], &[128, 128, 255], &mut out);
        assert_eq!(&out[..6], &[128, 128, 128, 255, 255, 255]);
        let red = &out[6..];
        assert!(red[0] >= 253 && red[1] <= 2 && red[2] <= 2, "{red:?}");
    }
}
