//! Background colours: `bg=` in hex, as CSS writes them.

/// Parses `rgb`, `rgba`, `rrggbb` or `rrggbbaa` hex, with or without a
/// leading `#`, into RGBA.
pub fn parse_hex(text: &str) -> Option<[u8; 4]> {
    let hex = text.strip_prefix('#').unwrap_or(text);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
    let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    match hex.len() {
        3 | 4 => {
            let mut rgba = [255; 4];
            for (i, c) in rgba.iter_mut().enumerate().take(hex.len()) {
                *c = digit(i)? * 17;
            }
            Some(rgba)
        }
        6 | 8 => {
            let mut rgba = [255; 4];
            for (i, c) in rgba.iter_mut().enumerate().take(hex.len() / 2) {
                *c = pair(i * 2)?;
            }
            Some(rgba)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_hex_forms_parse() {
        assert_eq!(parse_hex("fff"), Some([255, 255, 255, 255]));
        assert_eq!(parse_hex("#f008"), Some([255, 0, 0, 136]));
        assert_eq!(parse_hex("336699"), Some([0x33, 0x66, 0x99, 255]));
        assert_eq!(parse_hex("#33669900"), Some([0x33, 0x66, 0x99, 0]));
    }

    #[test]
    fn other_text_is_refused() {
        for bad in ["", "#", "ff", "fffff", "ggg", "red", "+12345", "#1234567"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
    }
}
