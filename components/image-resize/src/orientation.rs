//! EXIF orientation: reading the tag, and turning pixels upright.

use crate::pixels::Pixels;

/// Reads the orientation (1–8) from an EXIF block that starts at its TIFF
/// header (`II*\0` or `MM\0*`), or with the `Exif\0\0` prefix of a JPEG
/// APP1 segment. Anything malformed counts as "no orientation".
pub fn from_exif(exif: &[u8]) -> Option<u8> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big_endian = match tiff.get(..4)? {
        b"II*\0" => false,
        b"MM\0*" => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        // Tag 0x0112 Orientation, type SHORT, value inline.
        (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3)
            .then(|| u16_at(entry + 8))
            .flatten()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| (1..=8).contains(v))
    })
}

/// Whether an orientation swaps width and height (a quarter turn).
pub fn swaps_axes(orientation: u8) -> bool {
    (5..=8).contains(&orientation)
}

/// Turns `image`, stored with EXIF `orientation`, upright.
pub fn apply(image: Pixels, orientation: u8) -> Pixels {
    if !(2..=8).contains(&orientation) {
        return image;
    }
    let (w, h) = (image.width as usize, image.height as usize);
    let (out_w, out_h) = if swaps_axes(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    let ch = image.channels();
    let mut data = vec![0u8; image.data.len()];
    for y in 0..out_h {
        for x in 0..out_w {
            // Where the upright pixel (x, y) is stored in the source.
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let from = (sy * w + sx) * ch;
            let to = (y * out_w + x) * ch;
            data[to..to + ch].copy_from_slice(&image.data[from..from + ch]);
        }
    }
    Pixels {
        width: out_w as u32,
        height: out_h as u32,
        alpha: image.alpha,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exif(big_endian: bool, orientation: u16) -> Vec<u8> {
        type Bytes2 = fn(u16) -> [u8; 2];
        type Bytes4 = fn(u32) -> [u8; 4];
        let (u16b, u32b): (Bytes2, Bytes4) = if big_endian {
            (u16::to_be_bytes, u32::to_be_bytes)
        } else {
            (u16::to_le_bytes, u32::to_le_bytes)
        };
        let mut out = if big_endian {
            b"MM\0*".to_vec()
        } else {
            b"II*\0".to_vec()
        };
        out.extend(u32b(8));
        out.extend(u16b(2));
        // Another tag first (ImageWidth, LONG), then Orientation.
        out.extend(u16b(0x0100));
        out.extend(u16b(4));
        out.extend(u32b(1));
        out.extend(u32b(640));
        out.extend(u16b(0x0112));
        out.extend(u16b(3));
        out.extend(u32b(1));
        out.extend(u16b(orientation));
        out.extend([0, 0]);
        out.extend(u32b(0));
        out
    }

    #[test]
    fn orientation_is_read_in_both_byte_orders() {
        assert_eq!(from_exif(&exif(false, 6)), Some(6));
        assert_eq!(from_exif(&exif(true, 8)), Some(8));
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(exif(true, 3));
        assert_eq!(from_exif(&app1), Some(3));
    }

    #[test]
    fn malformed_exif_has_no_orientation() {
        assert_eq!(from_exif(&exif(false, 9)), None);
        assert_eq!(from_exif(b"II*\0\xff\xff\xff\xff"), None);
        assert_eq!(from_exif(&exif(false, 6)[..20]), None);
        assert_eq!(from_exif(b"nonsense"), None);
    }

    fn numbered(w: u32, h: u32) -> Pixels {
        let data = (0..w * h).flat_map(|i| [i as u8, 0, 0]).collect();
        Pixels {
            width: w,
            height: h,
            alpha: false,
            data,
        }
    }

    fn reds(p: &Pixels) -> Vec<u8> {
        p.data.chunks(3).map(|c| c[0]).collect()
    }

    #[test]
    fn every_orientation_turns_upright() {
        // Stored 3x2:  0 1 2 / 3 4 5
        let cases: [(u8, (u32, u32), [u8; 6]); 8] = [
            (1, (3, 2), [0, 1, 2, 3, 4, 5]),
            (2, (3, 2), [2, 1, 0, 5, 4, 3]),
            (3, (3, 2), [5, 4, 3, 2, 1, 0]),
            (4, (3, 2), [3, 4, 5, 0, 1, 2]),
            (5, (2, 3), [0, 3, 1, 4, 2, 5]),
            (6, (2, 3), [3, 0, 4, 1, 5, 2]),
            (7, (2, 3), [5, 2, 4, 1, 3, 0]),
            (8, (2, 3), [2, 5, 1, 4, 0, 3]),
        ];
        for (orientation, size, expected) in cases {
            let upright = apply(numbered(3, 2), orientation);
            assert_eq!(
                (upright.width, upright.height),
                size,
                "orientation {orientation}"
            );
            assert_eq!(reds(&upright), expected, "orientation {orientation}");
        }
    }
}
