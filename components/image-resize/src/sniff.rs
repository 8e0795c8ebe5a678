//! [`InputFormat`]: which decoder a source needs, told by its first bytes
//! (never by its name or `Content-Type`, which can lie).

/// The image formats the component reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// JPEG (baseline, progressive, lossless; gray, RGB, CMYK).
    Jpeg,
    /// PNG (any bit depth and colour type).
    Png,
    /// GIF (the first frame).
    Gif,
    /// WebP (lossy or lossless; the first frame).
    WebP,
    /// Windows bitmap.
    Bmp,
}

impl InputFormat {
    /// The format `bytes` start with, if it is one the component reads.
    pub fn sniff(bytes: &[u8]) -> Option<InputFormat> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(InputFormat::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(InputFormat::Png),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(InputFormat::Gif),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(InputFormat::WebP),
            [b'B', b'M', ..] => Some(InputFormat::Bmp),
            _ => None,
        }
    }

    /// Whether the format keeps every pixel exactly, so that re-encoding it
    /// lossily would be a visible change (WebP is told apart after decoding).
    pub fn is_lossless(self) -> bool {
        !matches!(self, InputFormat::Jpeg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_magic_bytes() {
        assert_eq!(
            InputFormat::sniff(b"\xFF\xD8\xFF\xE0rest"),
            Some(InputFormat::Jpeg)
        );
        assert_eq!(
            InputFormat::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(InputFormat::Png)
        );
        assert_eq!(InputFormat::sniff(b"GIF89a"), Some(InputFormat::Gif));
        assert_eq!(
            InputFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(InputFormat::WebP)
        );
        assert_eq!(InputFormat::sniff(b"BM\0\0"), Some(InputFormat::Bmp));
        assert_eq!(InputFormat::sniff(b"<html>"), None);
        assert_eq!(InputFormat::sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(InputFormat::sniff(b""), None);
    }
}
