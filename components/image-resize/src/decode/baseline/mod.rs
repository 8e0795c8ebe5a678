//! A fast path for the most common JPEGs (baseline, 8-bit, gray or YCbCr,
//! one interleaved scan), decoded straight to 1/2, 1/4 or 1/8 of their
//! size: each 8x8 block's scaled inverse DCT uses only the coefficients the
//! smaller block needs, and subsampled chroma gets a larger inverse DCT
//! instead of upsampling, so every plane comes out at the output size. The
//! Huffman decoding reads eight bytes at a time and decodes most AC
//! coefficients with one table lookup.
//!
//! Anything else (progressive, CMYK, RGB, 12-bit, several scans, a scale
//! of 1) returns `None` and goes to `jpeg-decoder`, as does any data this
//! path cannot read: errors are reported by that decoder.

mod huffman;
mod idct;
mod segments;
mod ycbcr;

use huffman::{BitReader, Broken, HuffmanTable};
use idct::ScaledIdct;
use segments::{Component, Segments, UNZIGZAG};

use crate::pixels::Layout;

/// A decoded image: width, height, layout (gray or RGB) and samples.
pub type Image = (u32, u32, Layout, Vec<u8>);

/// How one component's blocks are turned into samples.
struct Plan<'a> {
    component: &'a Component,
    dc: &'a HuffmanTable,
    ac: &'a HuffmanTable,
    idct: ScaledIdct,
    /// Samples per block across and down.
    block: (usize, usize),
    /// For each zigzag position, the natural index to keep (64: skip).
    keep: [u8; 64],
    /// Dequantization factors, natural order.
    quant: [f32; 64],
}

/// Decodes `bytes` at `1/scale` of its size (scale 2, 4 or 8) into at most
/// `budget` bytes of samples; `None` when this path does not apply.
pub fn decode(bytes: &[u8], scale: usize, budget: u64) -> Option<Image> {
    if !matches!(scale, 2 | 4 | 8) {
        return None;
    }
    let segments = Segments::parse(bytes)?;
    let h_max = segments.components.iter().map(|c| c.h).max()?;
    let v_max = segments.components.iter().map(|c| c.v).max()?;
    let plans = segments
        .components
        .iter()
        .map(|c| plan(c, &segments, scale, (h_max, v_max)))
        .collect::<Option<Vec<_>>>()?;
    let (width, height) = (segments.width, segments.height);
    let (out_w, out_h) = (width.div_ceil(scale), height.div_ceil(scale));
    let mcus = (width.div_ceil(8 * h_max), height.div_ceil(8 * v_max));
    // Every plane has the same size at this scale: one MCU row of it.
    let (mcu_w, mcu_h) = (8 * h_max / scale, 8 * v_max / scale);
    let plane_w = mcus.0 * mcu_w;
    let channels = if plans.len() == 1 { 1 } else { 3 };
    let needed = (out_w * out_h * channels + plans.len() * plane_w * mcu_h) as u64;
    if needed > budget {
        return None;
    }
    let mut planes: Vec<Vec<u8>> = vec![vec![0u8; plane_w * mcu_h]; plans.len()];
    let mut out = Vec::with_capacity(out_w * out_h * channels);
    let mut reader = BitReader::new(bytes.get(segments.scan_start..)?);
    let mut predictors = vec![0i32; plans.len()];
    let mut coefficients = [0f32; 64];
    let mut next_restart = 0u8;
    let interval = segments.restart_interval;
    for mcu_y in 0..mcus.1 {
        for mcu_x in 0..mcus.0 {
            let index = mcu_y * mcus.0 + mcu_x;
            if interval > 0 && index > 0 && index % interval == 0 {
                reader.restart(next_restart).ok()?;
                next_restart = (next_restart + 1) % 8;
                predictors.fill(0);
            }
            for ((plan, plane), predictor) in plans.iter().zip(&mut planes).zip(&mut predictors) {
                let c = plan.component;
                for by in 0..c.v {
                    for bx in 0..c.h {
                        decode_block(&mut reader, plan, predictor, &mut coefficients).ok()?;
                        let x = (mcu_x * c.h + bx) * plan.block.0;
                        let at = by * plan.block.1 * plane_w + x;
                        plan.idct.run(&mut coefficients, &mut plane[at..], plane_w);
                    }
                }
            }
        }
        let rows = mcu_h.min(out_h - mcu_y * mcu_h);
        for row in 0..rows {
            let span = row * plane_w..row * plane_w + out_w;
            match planes.as_slice() {
                [gray] => out.extend_from_slice(&gray[span]),
                [y, cb, cr] => {
                    ycbcr::extend_rgb(&y[span.clone()], &cb[span.clone()], &cr[span], &mut out)
                }
                _ => return None,
            }
        }
    }
    let layout = if channels == 1 {
        Layout::Gray
    } else {
        Layout::Rgb
    };
    Some((out_w as u32, out_h as u32, layout, out))
}

/// The inverse DCT size of `c`'s blocks at `scale` so that its plane comes
/// out at the image's size; `None` when that needs more than 8x8.
fn plan<'a>(
    c: &'a Component,
    segments: &'a Segments,
    scale: usize,
    (h_max, v_max): (usize, usize),
) -> Option<Plan<'a>> {
    if h_max % c.h != 0 || v_max % c.v != 0 {
        return None;
    }
    let block = (8 / scale * (h_max / c.h), 8 / scale * (v_max / c.v));
    if !matches!(block.0, 1 | 2 | 4 | 8) || !matches!(block.1, 1 | 2 | 4 | 8) {
        return None;
    }
    let idct = ScaledIdct::new(block.0, block.1);
    let mut keep = [64u8; 64];
    for (k, &natural) in UNZIGZAG.iter().enumerate() {
        if idct.uses(usize::from(natural)) {
            keep[k] = natural;
        }
    }
    Some(Plan {
        component: c,
        dc: segments.dc_tables[c.dc].as_ref()?,
        ac: segments.ac_tables[c.ac].as_ref()?,
        idct,
        block,
        keep,
        quant: c.quant.map(f32::from),
    })
}

/// Decodes one block's coefficients (F.2.2), keeping the ones `plan` uses,
/// dequantized, in `coefficients`.
#[inline]
fn decode_block(
    reader: &mut BitReader,
    plan: &Plan,
    predictor: &mut i32,
    coefficients: &mut [f32; 64],
) -> Result<(), Broken> {
    let size = reader.symbol(plan.dc)?;
    if size > 11 {
        return Err(Broken);
    }
    *predictor = predictor.wrapping_add(reader.receive_extend(u32::from(size))?);
    coefficients[0] = *predictor as f32 * plan.quant[0];
    let mut k = 1usize;
    while k < 64 {
        let (value, run) = match reader.fast_ac(plan.ac)? {
            Some(decoded) => decoded,
            None => {
                let symbol = reader.symbol(plan.ac)?;
                let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 15));
                if size == 0 {
                    if run == 15 {
                        k += 16;
                        continue;
                    }
                    break;
                }
                (reader.receive_extend(size)?, run)
            }
        };
        k += run as usize;
        let natural = *plan.keep.get(k).ok_or(Broken)?;
        if natural < 64 {
            let i = usize::from(natural);
            coefficients[i] = value as f32 * plan.quant[i];
        }
        k += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    /// A smooth picture with some texture, `w` x `h` RGB.
    fn picture(w: usize, h: usize) -> Vec<u8> {
        let mut data = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let ripple = ((x as f32 / 5.0).sin() + (y as f32 / 7.0).cos()) * 20.0;
                let r = x as f32 * 255.0 / w as f32 + ripple;
                let g = y as f32 * 255.0 / h as f32 - ripple;
                let b = 120.0 + ((x * 7 + y * 13) % 17) as f32;
                data.extend([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8));
            }
        }
        data
    }

    fn encode(w: usize, h: usize, options: impl Fn(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = Encoder::new(&mut out, 85);
        options(&mut encoder);
        encoder
            .encode(&picture(w, h), w as u16, h as u16, ColorType::Rgb)
            .unwrap();
        out
    }

    /// `jpeg-decoder`'s result at the same scale.
    fn reference(bytes: &[u8], scale: usize) -> (u16, u16, Vec<u8>) {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().unwrap();
        let info = decoder.info().unwrap();
        let (w, h) = decoder
            .scale(
                info.width.div_ceil(scale as u16),
                info.height.div_ceil(scale as u16),
            )
            .unwrap();
        (w, h, decoder.decode().unwrap())
    }

    /// Mean absolute error of `decoded` (RGB or gray at 1/`scale`) against
    /// the box-averaged `source` (RGB, `w` x `h`), whole blocks only.
    fn error(
        decoded: &[u8],
        out_w: usize,
        gray: bool,
        source: &[u8],
        (w, h): (usize, usize),
        scale: usize,
    ) -> f64 {
        let (mut sum, mut n) = (0.0, 0.0);
        for y in 0..h / scale {
            for x in 0..w / scale {
                for c in 0..if gray { 1 } else { 3 } {
                    let mut truth = 0.0;
                    for yy in 0..scale {
                        for xx in 0..scale {
                            truth +=
                                f64::from(source[((y * scale + yy) * w + x * scale + xx) * 3 + c]);
                        }
                    }
                    truth /= (scale * scale) as f64;
                    let at = (y * out_w + x) * if gray { 1 } else { 3 } + c;
                    sum += (f64::from(decoded[at]) - truth).abs();
                    n += 1.0;
                }
            }
        }
        sum / n
    }

    /// Decodes with this path and with `jpeg-decoder` at the same scale:
    /// the same size, and at least as close to the source shrunk by box
    /// averaging (chroma here gets its own inverse DCT at the output size,
    /// where `jpeg-decoder` upsamples it from half size).
    fn like_reference(bytes: &[u8], source: &[u8], size: (usize, usize), scale: usize) {
        let (w, h, layout, ours) = decode(bytes, scale, u64::MAX).expect("the fast path applies");
        let (rw, rh, theirs) = reference(bytes, scale);
        assert_eq!((w, h), (u32::from(rw), u32::from(rh)), "scale {scale}");
        assert_eq!(ours.len(), theirs.len());
        assert_eq!(layout.samples() * (w * h) as usize, ours.len());
        let gray = layout == Layout::Gray;
        let ours = error(&ours, w as usize, gray, source, size, scale);
        let theirs = error(&theirs, w as usize, gray, source, size, scale);
        assert!(
            ours < 3.0 && ours <= theirs + 0.25,
            "scale {scale}: error {ours}, jpeg-decoder's {theirs}"
        );
    }

    #[test]
    fn every_common_sampling_decodes_like_jpeg_decoder() {
        for sampling in [
            SamplingFactor::R_4_2_0,
            SamplingFactor::R_4_2_2,
            SamplingFactor::R_4_4_4,
            SamplingFactor::R_4_4_0,
        ] {
            // Sizes that are not whole MCUs.
            let bytes = encode(203, 141, |e| e.set_sampling_factor(sampling));
            for scale in [2, 4, 8] {
                like_reference(&bytes, &picture(203, 141), (203, 141), scale);
            }
        }
    }

    #[test]
    fn gray_and_restart_intervals() {
        let mut gray = Vec::new();
        // Red in every channel: the source compared with is gray too.
        let gray_source: Vec<u8> = picture(99, 77).chunks(3).flat_map(|p| [p[0]; 3]).collect();
        let luma: Vec<u8> = gray_source.chunks(3).map(|p| p[0]).collect();
        Encoder::new(&mut gray, 90)
            .encode(&luma, 99, 77, ColorType::Luma)
            .unwrap();
        for scale in [2, 4, 8] {
            like_reference(&gray, &gray_source, (99, 77), scale);
        }
        let restarts = encode(160, 120, |e| e.set_restart_interval(3));
        assert!(restarts.windows(2).any(|w| w == [0xFF, 0xD3]));
        for scale in [2, 4, 8] {
            like_reference(&restarts, &picture(160, 120), (160, 120), scale);
        }
    }

    #[test]
    fn other_jpegs_are_left_to_the_general_decoder() {
        let progressive = encode(64, 64, |e| e.set_progressive(true));
        assert!(decode(&progressive, 4, u64::MAX).is_none());
        let baseline = encode(64, 64, |_| {});
        assert!(decode(&baseline, 1, u64::MAX).is_none());
        assert!(decode(&baseline, 4, 100).is_none(), "over the budget");
        // `jpeg-encoder` writes 4:1:1 as one scan per component.
        let scans = encode(64, 64, |e| e.set_sampling_factor(SamplingFactor::R_4_1_1));
        assert_eq!(scans.windows(2).filter(|w| w == &[0xFF, 0xDA]).count(), 3);
        assert!(decode(&scans, 4, u64::MAX).is_none());
    }

    #[test]
    fn truncated_data_and_broken_restarts_are_refused() {
        let bytes = encode(128, 96, |_| {});
        let scan = Segments::parse(&bytes).unwrap().scan_start;
        for cut in [scan + 10, bytes.len() / 2, bytes.len() - 3] {
            assert!(decode(&bytes[..cut], 2, u64::MAX).is_none(), "cut at {cut}");
        }
        // A restart marker out of sequence.
        let restarts = encode(160, 120, |e| e.set_restart_interval(3));
        let at = restarts.windows(2).position(|w| w == [0xFF, 0xD1]).unwrap();
        let mut swapped = restarts.clone();
        swapped[at + 1] = 0xD5;
        assert!(decode(&restarts, 2, u64::MAX).is_some());
        assert!(decode(&swapped, 2, u64::MAX).is_none());
    }

    /// The decoder reads untrusted bytes: every prefix of a file, and the
    /// file with any one byte changed (headers, tables and scan alike),
    /// decodes or is refused, and never panics (a panic would trap the
    /// component).
    #[test]
    fn damaged_files_never_panic() {
        let files = [
            encode(40, 24, |_| {}),
            encode(40, 24, |e| e.set_sampling_factor(SamplingFactor::R_4_2_2)),
            encode(40, 24, |e| e.set_restart_interval(1)),
        ];
        for bytes in &files {
            for scale in [2, 4, 8] {
                for cut in 0..bytes.len() {
                    let _ = decode(&bytes[..cut], scale, u64::MAX);
                }
                for at in 0..bytes.len() {
                    for value in [0x00, 0xFF, bytes[at] ^ 0x10] {
                        let mut damaged = bytes.clone();
                        damaged[at] = value;
                        let _ = decode(&damaged, scale, u64::MAX);
                    }
                }
            }
        }
    }
}
