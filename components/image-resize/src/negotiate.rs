//! Choosing the output format: what the client asked for, what it accepts,
//! and what the image needs.

/// The encoders the component has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Lossy JPEG (alpha is flattened onto the background).
    Jpeg,
    /// Lossless PNG, with alpha.
    Png,
    /// Lossless WebP, with alpha.
    WebP,
}

impl OutputFormat {
    /// The `Content-Type` of the format.
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::WebP => "image/webp",
        }
    }

    /// Whether the format keeps alpha.
    pub fn has_alpha(self) -> bool {
        !matches!(self, OutputFormat::Jpeg)
    }
}

/// What `format=` (or `DEFAULT_FORMAT`) asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatChoice {
    /// Pick from `Accept` and the image.
    Auto,
    /// Always JPEG.
    Jpeg,
    /// Always PNG.
    Png,
    /// Always WebP.
    Webp,
}

impl FormatChoice {
    /// Parses a `format=` value; `jpg` is accepted for `jpeg`.
    pub fn parse(text: &str) -> Option<FormatChoice> {
        match text {
            "auto" => Some(FormatChoice::Auto),
            "jpeg" | "jpg" => Some(FormatChoice::Jpeg),
            "png" => Some(FormatChoice::Png),
            "webp" => Some(FormatChoice::Webp),
            _ => None,
        }
    }

    /// A stable name, for cache keys.
    pub fn name(self) -> &'static str {
        match self {
            FormatChoice::Auto => "auto",
            FormatChoice::Jpeg => "jpeg",
            FormatChoice::Png => "png",
            FormatChoice::Webp => "webp",
        }
    }

    /// Every format [`resolve`](Self::resolve) may give, before the image
    /// is decoded.
    pub fn candidates(self, webp_accepted: bool) -> Vec<OutputFormat> {
        let lossless = self.resolve(webp_accepted, true);
        let lossy = self.resolve(webp_accepted, false);
        if lossless == lossy {
            vec![lossy]
        } else {
            vec![lossy, lossless]
        }
    }

    /// The format to encode: an explicit choice as is; `auto` keeps
    /// transparent and lossless images lossless (WebP when the client
    /// accepts it, else PNG) and sends photos as JPEG. With only a lossless
    /// WebP encoder, WebP is the smaller choice exactly when lossless output
    /// is needed: for photos a JPEG is several times smaller.
    pub fn resolve(self, webp_accepted: bool, needs_lossless: bool) -> OutputFormat {
        match self {
            FormatChoice::Jpeg => OutputFormat::Jpeg,
            FormatChoice::Png => OutputFormat::Png,
            FormatChoice::Webp => OutputFormat::WebP,
            FormatChoice::Auto if !needs_lossless => OutputFormat::Jpeg,
            FormatChoice::Auto if webp_accepted => OutputFormat::WebP,
            FormatChoice::Auto => OutputFormat::Png,
        }
    }
}

/// Whether an `Accept` header lists `image/webp` with a non-zero quality
/// (`*/*` does not count: browsers that decode WebP say so explicitly).
pub fn accepts_webp(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        media.eq_ignore_ascii_case("image/webp") && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_lists_are_read() {
        assert!(accepts_webp("image/avif,image/webp,image/apng,*/*;q=0.8"));
        assert!(accepts_webp("IMAGE/WEBP;q=0.5"));
        assert!(!accepts_webp("image/webp;q=0"));
        assert!(!accepts_webp("*/*"));
        assert!(!accepts_webp("image/*"));
        assert!(!accepts_webp(""));
    }

    #[test]
    fn auto_keeps_lossless_images_lossless() {
        let auto = FormatChoice::Auto;
        assert_eq!(auto.resolve(true, false), OutputFormat::Jpeg);
        assert_eq!(auto.resolve(true, true), OutputFormat::WebP);
        assert_eq!(auto.resolve(false, true), OutputFormat::Png);
        assert_eq!(FormatChoice::Png.resolve(true, false), OutputFormat::Png);
        assert_eq!(FormatChoice::parse("jpg"), Some(FormatChoice::Jpeg));
        assert_eq!(FormatChoice::parse("avif"), None);
    }
}
