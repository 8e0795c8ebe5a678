//! What a JPEG's headers say before any pixel is decoded: its size, how it
//! is coded and sampled (to know the memory decoding will take), and its
//! EXIF orientation.

use crate::orientation;

/// The frame header (SOF) and orientation of a JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegHeader {
    /// Width in pixels, as stored.
    pub width: u32,
    /// Height in pixels, as stored.
    pub height: u32,
    /// Progressive coding: the decoder keeps every coefficient until the end.
    pub progressive: bool,
    /// Horizontal and vertical sampling factors of each component.
    pub sampling: Vec<(u8, u8)>,
    /// EXIF orientation, when there is one.
    pub orientation: Option<u8>,
}

impl JpegHeader {
    /// Reads the segments up to the first scan. `None` for data that is not
    /// a JPEG or breaks off before its frame header.
    pub fn parse(bytes: &[u8]) -> Option<JpegHeader> {
        let mut at = 2;
        if bytes.get(..2)? != [0xFF, 0xD8] {
            return None;
        }
        let mut frame: Option<JpegHeader> = None;
        let mut orientation = None;
        loop {
            // Markers may be preceded by any number of 0xFF fill bytes.
            while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
                at += 1;
            }
            if *bytes.get(at)? != 0xFF {
                return None;
            }
            let marker = *bytes.get(at + 1)?;
            at += 2;
            if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
                continue;
            }
            let len = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
            let segment = bytes.get(at + 2..at + len.max(2))?;
            match marker {
                0xE1 if segment.starts_with(b"Exif\0\0") => {
                    orientation = orientation.or_else(|| orientation::from_exif(segment));
                }
                0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                    frame = Some(frame_header(marker, segment)?);
                }
                0xDA => break,
                _ => {}
            }
            at += len;
        }
        let mut frame = frame?;
        frame.orientation = orientation;
        Some(frame)
    }

    /// Bytes the decoder needs at `1/scale` of the full size (scale 1, 2, 4
    /// or 8): the component planes and the output at that size, plus, for a
    /// progressive image, every coefficient at full size.
    pub fn decode_bytes(&self, scale: u32) -> u64 {
        let (h_max, v_max) = self.sampling.iter().fold((1, 1), |(h, v), &(ch, cv)| {
            (h.max(u64::from(ch)), v.max(u64::from(cv)))
        });
        let (w, h) = (u64::from(self.width), u64::from(self.height));
        // Blocks of each component, padded to whole MCUs.
        let mcu_w = w.div_ceil(8 * h_max);
        let mcu_h = h.div_ceil(8 * v_max);
        let blocks: u64 = self
            .sampling
            .iter()
            .map(|&(ch, cv)| mcu_w * u64::from(ch) * mcu_h * u64::from(cv))
            .sum();
        let block_side = u64::from(8 / scale.clamp(1, 8));
        let planes = blocks * block_side * block_side;
        let output_samples = match self.sampling.len() {
            1 => 1,
            4 => 4,
            _ => 3,
        };
        let output = w.div_ceil(u64::from(scale)) * h.div_ceil(u64::from(scale)) * output_samples;
        let coefficients = if self.progressive { blocks * 64 * 2 } else { 0 };
        planes + output + coefficients
    }
}

/// How many scans (SOS segments) `bytes` has, counted without decoding:
/// segments are skipped by their length, and entropy-coded data by its
/// byte stuffing (inside it, `FF` is followed only by `00` or a restart
/// marker). Counting stops at the end of the data or at EOI.
pub fn count_scans(bytes: &[u8]) -> usize {
    let mut scans = 0;
    let mut at = 2;
    while at + 1 < bytes.len() {
        if bytes[at] != 0xFF {
            at += 1;
            continue;
        }
        let marker = bytes[at + 1];
        match marker {
            // Fill bytes, stuffed zeros inside scan data, restart markers.
            0xFF => at += 1,
            0x00 | 0xD0..=0xD7 | 0x01 => at += 2,
            0xD9 => break,
            _ => {
                let Some(len) = bytes.get(at + 2..at + 4) else {
                    break;
                };
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                if marker == 0xDA {
                    scans += 1;
                }
                // The next marker search starts after the segment; scan data
                // that follows an SOS is walked byte by byte.
                at += 2 + len.max(2);
            }
        }
    }
    scans
}

/// Parses a start-of-frame segment: precision, height, width, components.
fn frame_header(marker: u8, segment: &[u8]) -> Option<JpegHeader> {
    let height = u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]);
    let width = u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]);
    let count = usize::from(*segment.get(5)?);
    let sampling = (0..count)
        .map(|i| {
            let factors = *segment.get(6 + i * 3 + 1)?;
            Some(((factors >> 4).max(1), (factors & 0x0F).max(1)))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(JpegHeader {
        width: u32::from(width),
        height: u32::from(height),
        progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
        sampling,
        orientation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, an APP0, an APP1 with EXIF orientation `o`, a SOF of `marker`
    /// with three components (4:2:0), and the start of a scan.
    fn jpeg(marker: u8, width: u16, height: u16, o: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F'];
        let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        exif.extend(o.to_be_bytes());
        exif.extend([0, 0, 0, 0, 0, 0]);
        out.extend([0xFF, 0xFF, 0xE1]);
        out.extend(((exif.len() + 2) as u16).to_be_bytes());
        out.extend(exif);
        out.extend([0xFF, marker, 0, 17, 8]);
        out.extend(height.to_be_bytes());
        out.extend(width.to_be_bytes());
        out.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        out.extend([0xFF, 0xDA, 0, 2]);
        out
    }

    #[test]
    fn frame_header_and_orientation_are_read() {
        let header = JpegHeader::parse(&jpeg(0xC0, 4000, 3000, 6)).unwrap();
        assert_eq!((header.width, header.height), (4000, 3000));
        assert!(!header.progressive);
        assert_eq!(header.sampling, [(2, 2), (1, 1), (1, 1)]);
        assert_eq!(header.orientation, Some(6));
        assert!(
            JpegHeader::parse(&jpeg(0xC2, 10, 10, 1))
                .unwrap()
                .progressive
        );
    }

    #[test]
    fn huge_declared_sizes_are_read_without_decoding() {
        let header = JpegHeader::parse(&jpeg(0xC0, 65000, 65000, 1)).unwrap();
        assert_eq!(header.width * header.height, 4_225_000_000);
    }

    #[test]
    fn truncated_or_foreign_data_has_no_header() {
        let full = jpeg(0xC0, 100, 100, 1);
        assert_eq!(JpegHeader::parse(&full[..30]), None);
        assert_eq!(JpegHeader::parse(b"\x89PNG"), None);
        assert_eq!(JpegHeader::parse(b""), None);
    }

    #[test]
    fn scans_are_counted_past_their_entropy_coded_data() {
        let mut file = jpeg(0xC2, 16, 16, 1);
        // The header ends with an SOS (its length, 2, and no body): add
        // entropy-coded data with a stuffed FF and a restart marker, then
        // two more scans and EOI.
        file.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        for _ in 0..2 {
            file.extend([0xFF, 0xDA, 0, 3, 0x01, 0xFF, 0x00, 0x99]);
        }
        file.extend([0xFF, 0xD9, 0xFF, 0xDA, 0, 2]);
        assert_eq!(count_scans(&file), 3);
        assert_eq!(count_scans(b"\xFF\xD8"), 0);
    }

    #[test]
    fn memory_estimates_follow_scale_and_coding() {
        // 4000x3008 is whole 16x16 MCUs: 4:2:0 planes take 1.5 bytes a
        // pixel, the RGB output 3.
        let pixels = 4000 * 3008;
        let baseline = JpegHeader::parse(&jpeg(0xC0, 4000, 3008, 1)).unwrap();
        assert_eq!(baseline.decode_bytes(1), pixels * 3 / 2 + pixels * 3);
        assert_eq!(baseline.decode_bytes(8), (pixels * 3 / 2 + pixels * 3) / 64);
        let progressive = JpegHeader::parse(&jpeg(0xC2, 4000, 3008, 1)).unwrap();
        assert_eq!(
            progressive.decode_bytes(8) - baseline.decode_bytes(8),
            pixels * 3 / 2 * 2
        );
    }
}
