//! Huffman decoding of a JPEG scan: [`HuffmanTable`] (canonical codes with
//! a lookup for short ones) and [`BitReader`] (the entropy-coded bytes,
//! unstuffed, read eight at a time where no marker is near).

/// Bits looked up at once: most codes (and most AC codes with their extra
/// bits) are this short, so one table read decodes them.
const FAST_BITS: u32 = 10;

/// A DHT table: symbols by canonical code.
pub struct HuffmanTable {
    /// For each `FAST_BITS`-bit prefix: symbol and code length (0: longer code).
    fast: Vec<(u8, u8)>,
    /// For AC tables, each prefix whose code and extra bits both fit in
    /// `FAST_BITS`: the coefficient's value, its zero run and the bits taken
    /// (0: decode the slow way).
    fast_ac: Vec<(i16, u8, u8)>,
    /// Largest left-justified code of each length (index 1..=16), -1 for none.
    max_code: [i32; 17],
    /// Added to a code of each length to index `symbols`.
    delta: [i32; 17],
    symbols: Vec<u8>,
}

impl HuffmanTable {
    /// Builds a table from the 16 code-length counts and the symbols of a
    /// DHT segment. `None` for counts that do not form a prefix code.
    pub fn new(counts: &[u8; 16], symbols: &[u8], ac: bool) -> Option<HuffmanTable> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total != symbols.len() || total > 256 {
            return None;
        }
        let mut fast = vec![(0u8, 0u8); 1 << FAST_BITS];
        let mut max_code = [-1i32; 17];
        let mut delta = [0i32; 17];
        let mut code: u32 = 0;
        let mut index = 0usize;
        for len in 1..=16u32 {
            let count = u32::from(counts[len as usize - 1]);
            delta[len as usize] = index as i32 - code as i32;
            for _ in 0..count {
                if code >= 1 << len {
                    return None;
                }
                if len <= FAST_BITS {
                    let shift = FAST_BITS - len;
                    let first = (code << shift) as usize;
                    for entry in &mut fast[first..first + (1 << shift)] {
                        *entry = (symbols[index], len as u8);
                    }
                }
                code += 1;
                index += 1;
            }
            if count > 0 {
                max_code[len as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        let mut table = HuffmanTable {
            fast,
            fast_ac: Vec::new(),
            max_code,
            delta,
            symbols: symbols.to_vec(),
        };
        if ac {
            table.fast_ac = table.build_fast_ac();
        }
        Some(table)
    }

    fn build_fast_ac(&self) -> Vec<(i16, u8, u8)> {
        (0..1u32 << FAST_BITS)
            .map(|prefix| {
                let (symbol, len) = self.fast[prefix as usize];
                let (run, size) = (symbol >> 4, u32::from(symbol & 15));
                let used = u32::from(len) + size;
                if len == 0 || size == 0 || used > FAST_BITS {
                    return (0, 0, 0);
                }
                let bits = (prefix >> (FAST_BITS - used)) & ((1 << size) - 1);
                (extend(bits, size) as i16, run, used as u8)
            })
            .collect()
    }
}

/// Sign-extends `size` magnitude bits (JPEG's "EXTEND", F.2.2.1).
#[inline]
fn extend(bits: u32, size: u32) -> i32 {
    if size == 0 {
        0
    } else if bits < 1 << (size - 1) {
        bits as i32 - (1 << size) + 1
    } else {
        bits as i32
    }
}

/// Why a scan could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broken;

/// The bits of an entropy-coded segment, with the 0xFF 0x00 stuffing
/// removed. Past a marker it reads zeros (as decoders do for a scan's
/// padding); past the end of the data it fails.
pub struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Buffered bits, left-justified; the bits below `count` are zero.
    bits: u64,
    count: u32,
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    /// Reads `data` from its first byte.
    pub fn new(data: &'a [u8]) -> BitReader<'a> {
        BitReader {
            data,
            pos: 0,
            bits: 0,
            count: 0,
            at_marker: false,
        }
    }

    /// Fills the buffer to at least 57 bits.
    #[inline]
    fn refill(&mut self) -> Result<(), Broken> {
        // Eight bytes at once when none of them is 0xFF (no stuffing and
        // no marker to stop at).
        if let Some(word) = self.data.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes(word.try_into().map_err(|_| Broken)?);
            let inverted = !word;
            let has_ff =
                inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080;
            if has_ff == 0 {
                let take = (64 - self.count) / 8;
                let keep = self.count + take * 8;
                let mask = if keep >= 64 {
                    u64::MAX
                } else {
                    !(u64::MAX >> keep)
                };
                self.bits |= (word >> self.count) & mask;
                self.count = keep;
                self.pos += take as usize;
                return Ok(());
            }
        }
        while self.count <= 56 {
            let byte = if self.at_marker {
                0
            } else {
                let byte = *self.data.get(self.pos).ok_or(Broken)?;
                if byte == 0xFF {
                    match *self.data.get(self.pos + 1).ok_or(Broken)? {
                        0x00 => self.pos += 2,
                        _ => {
                            self.at_marker = true;
                            continue;
                        }
                    }
                } else {
                    self.pos += 1;
                }
                byte
            };
            self.bits |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
        Ok(())
    }

    /// Makes sure 32 bits can be peeked.
    #[inline]
    fn ensure(&mut self) -> Result<(), Broken> {
        if self.count < 32 {
            self.refill()
        } else {
            Ok(())
        }
    }

    #[inline]
    fn peek(&self, n: u32) -> u32 {
        (self.bits >> (64 - n)) as u32
    }

    #[inline]
    fn consume(&mut self, n: u32) {
        self.bits <<= n;
        self.count -= n;
    }

    /// Decodes one symbol of `table`.
    #[inline]
    pub fn symbol(&mut self, table: &HuffmanTable) -> Result<u8, Broken> {
        self.ensure()?;
        let (symbol, len) = table.fast[self.peek(FAST_BITS) as usize];
        if len > 0 {
            self.consume(u32::from(len));
            return Ok(symbol);
        }
        for len in FAST_BITS + 1..=16 {
            let code = self.peek(len) as i32;
            if code <= table.max_code[len as usize] {
                self.consume(len);
                let index = code + table.delta[len as usize];
                return table.symbols.get(index as usize).copied().ok_or(Broken);
            }
        }
        Err(Broken)
    }

    /// Reads `size` (0..=16) magnitude bits as a signed value.
    #[inline]
    pub fn receive_extend(&mut self, size: u32) -> Result<i32, Broken> {
        if size == 0 {
            return Ok(0);
        }
        self.ensure()?;
        let bits = self.peek(size);
        self.consume(size);
        Ok(extend(bits, size))
    }

    /// One AC coefficient decoded from a single lookup, when its code and
    /// extra bits are short: `(value, zero run)`.
    #[inline]
    pub fn fast_ac(&mut self, table: &HuffmanTable) -> Result<Option<(i32, u32)>, Broken> {
        self.ensure()?;
        let (value, run, used) = table.fast_ac[self.peek(FAST_BITS) as usize];
        if used == 0 {
            return Ok(None);
        }
        self.consume(u32::from(used));
        Ok(Some((i32::from(value), u32::from(run))))
    }

    /// At a restart interval: drops the buffered bits and steps over the
    /// RSTn marker that must come next.
    pub fn restart(&mut self, expected: u8) -> Result<(), Broken> {
        self.bits = 0;
        self.count = 0;
        self.at_marker = false;
        // Whatever was not loaded yet of the last byte is padding.
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
            (Some(0xFF), Some(&marker)) if marker == 0xD0 + expected => {
                self.pos += 2;
                Ok(())
            }
            _ => Err(Broken),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with codes 0 (symbol 5), 10 (symbol 7), 110 (0x12), 111 (0x00).
    fn small(ac: bool) -> HuffmanTable {
        let mut counts = [0u8; 16];
        counts[0] = 1;
        counts[1] = 1;
        counts[2] = 2;
        HuffmanTable::new(&counts, &[5, 7, 0x12, 0x00], ac).unwrap()
    }

    #[test]
    fn canonical_codes_decode_in_order() {
        let table = small(false);
        // 0 | 10 | 110 | 111 | padding ones
        let data = [0b0101_1011, 0b1111_1111, 0x00, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data);
        let symbols: Vec<u8> = (0..4).map(|_| reader.symbol(&table).unwrap()).collect();
        assert_eq!(symbols, [5, 7, 0x12, 0x00]);
    }

    #[test]
    fn stuffed_bytes_and_markers() {
        // 0xFF 0x00 is one 0xFF byte; a marker ends the data with zeros.
        let data = [0xFF, 0x00, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data);
        assert_eq!(reader.receive_extend(8).unwrap(), 255);
        assert_eq!(reader.receive_extend(16).unwrap(), extend(0, 16));
        // Without a marker, running out of data is an error.
        let mut truncated = BitReader::new(&[0x12]);
        assert_eq!(truncated.receive_extend(8), Err(Broken));
    }

    #[test]
    fn restart_markers_are_checked() {
        let data = [0b1000_0000, 0xFF, 0xD0, 0b1100_0000, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data);
        assert_eq!(reader.receive_extend(1).unwrap(), 1);
        reader.restart(0).unwrap();
        assert_eq!(reader.receive_extend(2).unwrap(), 3);
        let mut wrong = BitReader::new(&data);
        wrong.receive_extend(1).unwrap();
        assert_eq!(wrong.restart(1), Err(Broken));
    }

    #[test]
    fn fast_ac_decodes_code_and_value_at_once() {
        let table = small(true);
        // 110 (run 1, size 2) then value bits 01 (-2); then 0 (symbol 5).
        let data = [0b1100_1000, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut reader = BitReader::new(&data);
        assert_eq!(reader.fast_ac(&table).unwrap(), Some((-2, 1)));
        assert_eq!(reader.symbol(&table).unwrap(), 5);
    }

    #[test]
    fn extend_follows_the_standard() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b01, 2), -2);
        assert_eq!(extend(0b10, 2), 2);
        assert_eq!(extend(0, 0), 0);
    }

    #[test]
    fn over_full_code_lengths_are_refused() {
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(HuffmanTable::new(&counts, &[1, 2, 3], false).is_none());
    }
}
