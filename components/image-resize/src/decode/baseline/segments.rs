//! [`Segments`]: what a baseline JPEG's marker segments set up before its
//! scan — quantization and Huffman tables, frame, restart interval, colour
//! transform — and where the entropy-coded data begins.

use super::huffman::HuffmanTable;

/// Natural (row-major) index of each coefficient in zigzag order.
pub const UNZIGZAG: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// A frame component and the tables its scan uses.
pub struct Component {
    /// Horizontal sampling factor.
    pub h: usize,
    /// Vertical sampling factor.
    pub v: usize,
    /// Quantization table, natural order.
    pub quant: [u16; 64],
    /// DC Huffman table index.
    pub dc: usize,
    /// AC Huffman table index.
    pub ac: usize,
}

/// A frame component as SOF declares it: id, sampling factors and
/// quantization table.
type FrameComponent = (u8, usize, usize, usize);

/// A frame: width, height and components.
type Frame = (usize, usize, Vec<FrameComponent>);

/// Everything before the entropy-coded data of a single-scan baseline JPEG.
pub struct Segments {
    pub width: usize,
    pub height: usize,
    /// In scan order (which is frame order).
    pub components: Vec<Component>,
    pub dc_tables: [Option<HuffmanTable>; 4],
    pub ac_tables: [Option<HuffmanTable>; 4],
    /// MCUs between restart markers (0: none).
    pub restart_interval: usize,
    /// Offset of the entropy-coded data.
    pub scan_start: usize,
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *bytes.get(at)?,
        *bytes.get(at + 1)?,
    ])))
}

impl Segments {
    /// Reads the segments up to the first scan. `None` unless the JPEG is
    /// baseline or extended sequential Huffman-coded, 8-bit, gray or
    /// YCbCr, with all components in one interleaved scan — the common
    /// kind this decoder handles; everything else goes to the general one.
    pub fn parse(bytes: &[u8]) -> Option<Segments> {
        if bytes.get(..2)? != [0xFF, 0xD8] {
            return None;
        }
        let mut at = 2;
        let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
        let mut dc_tables: [Option<HuffmanTable>; 4] = Default::default();
        let mut ac_tables: [Option<HuffmanTable>; 4] = Default::default();
        let mut frame: Option<Frame> = None;
        let mut restart_interval = 0;
        let mut adobe_transform = None;
        loop {
            while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
                at += 1;
            }
            if *bytes.get(at)? != 0xFF {
                return None;
            }
            let marker = *bytes.get(at + 1)?;
            at += 2;
            let len = be16(bytes, at)?;
            let segment = bytes.get(at + 2..at.checked_add(len)?)?;
            match marker {
                0xC0 | 0xC1 => frame = Some(parse_frame(segment)?),
                // Progressive, lossless, arithmetic, hierarchical.
                0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
                0xC4 => parse_huffman(segment, &mut dc_tables, &mut ac_tables)?,
                0xDB => parse_quant(segment, &mut quant)?,
                0xDD => restart_interval = be16(segment, 0)?,
                0xEE if segment.starts_with(b"Adobe") => adobe_transform = segment.get(11).copied(),
                0xDA => {
                    let (width, height, frame_components) = frame?;
                    let rgb_ids = frame_components.iter().map(|c| c.0).eq(*b"RGB");
                    // Three components are YCbCr unless said otherwise
                    // (libjpeg's rule); those stay with the general decoder.
                    if frame_components.len() == 3 && (adobe_transform == Some(0) || rgb_ids) {
                        return None;
                    }
                    let mut components = parse_scan(segment, &frame_components, &quant)?;
                    // A scan of one component has one block per MCU,
                    // whatever sampling factors the frame declares (A.2.2).
                    if let [only] = components.as_mut_slice() {
                        (only.h, only.v) = (1, 1);
                    }
                    return Some(Segments {
                        width,
                        height,
                        components,
                        dc_tables,
                        ac_tables,
                        restart_interval,
                        scan_start: at + len,
                    });
                }
                0xD8 | 0xD9 | 0x01 | 0xD0..=0xD7 => return None,
                _ => {}
            }
            at += len;
        }
    }
}

/// SOF0/SOF1: size and `(id, h, v, quantization table)` per component.
fn parse_frame(segment: &[u8]) -> Option<Frame> {
    if *segment.first()? != 8 {
        return None;
    }
    let height = be16(segment, 1)?;
    let width = be16(segment, 3)?;
    let count = usize::from(*segment.get(5)?);
    if width == 0 || height == 0 || !matches!(count, 1 | 3) {
        return None;
    }
    let components = (0..count)
        .map(|i| {
            let c = segment.get(6 + i * 3..9 + i * 3)?;
            let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
            let tq = usize::from(c[2]);
            ((1..=4).contains(&h) && (1..=4).contains(&v) && tq < 4).then_some((c[0], h, v, tq))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((width, height, components))
}

fn parse_huffman(
    mut segment: &[u8],
    dc: &mut [Option<HuffmanTable>; 4],
    ac: &mut [Option<HuffmanTable>; 4],
) -> Option<()> {
    while !segment.is_empty() {
        let class_id = *segment.first()?;
        let counts: [u8; 16] = segment.get(1..17)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = segment.get(17..17 + total)?;
        let (class, id) = (class_id >> 4, usize::from(class_id & 15));
        if id >= 4 || class > 1 {
            return None;
        }
        let table = HuffmanTable::new(&counts, symbols, class == 1)?;
        if class == 0 {
            dc[id] = Some(table);
        } else {
            ac[id] = Some(table);
        }
        segment = &segment[17 + total..];
    }
    Some(())
}

fn parse_quant(mut segment: &[u8], quant: &mut [Option<[u16; 64]>; 4]) -> Option<()> {
    while !segment.is_empty() {
        let precision_id = *segment.first()?;
        let (wide, id) = (precision_id >> 4, usize::from(precision_id & 15));
        if id >= 4 || wide > 1 {
            return None;
        }
        let size = if wide == 1 { 128 } else { 64 };
        let values = segment.get(1..1 + size)?;
        let mut table = [0u16; 64];
        for (k, &natural) in UNZIGZAG.iter().enumerate() {
            table[usize::from(natural)] = if wide == 1 {
                u16::from_be_bytes([values[2 * k], values[2 * k + 1]])
            } else {
                u16::from(values[k])
            };
        }
        quant[id] = Some(table);
        segment = &segment[1 + size..];
    }
    Some(())
}

/// SOS: the scan must hold every frame component, in frame order, with the
/// whole spectrum (a sequential, interleaved scan).
fn parse_scan(
    segment: &[u8],
    frame: &[FrameComponent],
    quant: &[Option<[u16; 64]>; 4],
) -> Option<Vec<Component>> {
    let count = usize::from(*segment.first()?);
    if count != frame.len() {
        return None;
    }
    let tail = segment.get(1 + count * 2..4 + count * 2)?;
    if tail != [0, 63, 0] {
        return None;
    }
    frame
        .iter()
        .enumerate()
        .map(|(i, &(id, h, v, tq))| {
            let spec = segment.get(1 + i * 2..3 + i * 2)?;
            let (dc, ac) = (usize::from(spec[1] >> 4), usize::from(spec[1] & 15));
            (spec[0] == id && dc < 4 && ac < 4).then_some(())?;
            Some(Component {
                h,
                v,
                quant: quant[tq]?,
                dc,
                ac,
            })
        })
        .collect()
}
