//! [`render`]: from source bytes to the encoded output, every step bounded.

use edgekit::{Error, StatusCode};

use crate::decode;
use crate::encode::encode;
use crate::geometry::{self, Region};
use crate::negotiate::OutputFormat;
use crate::orientation;
use crate::params::Transform;
use crate::resize;
use crate::settings::Settings;
use crate::sniff::InputFormat;

/// An encoded result.
#[derive(Debug)]
pub struct Rendered {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: OutputFormat,
    /// Its size in pixels.
    pub size: (u32, u32),
}

/// A `415` for bytes that are no image the component reads.
pub fn not_an_image() -> Error {
    Error::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "not an image in a supported format (JPEG, PNG, GIF, WebP, BMP)",
    )
}

/// Decodes `source`, applies `transform` and encodes the result. The
/// source's size is checked from its header before any pixel buffer exists;
/// the source bytes are freed as soon as they are decoded.
pub fn render(
    source: Vec<u8>,
    transform: &Transform,
    settings: &Settings,
    webp_accepted: bool,
) -> Result<Rendered, Error> {
    let format = InputFormat::sniff(&source).ok_or_else(not_an_image)?;
    let header = decode::header(&source, format)?;
    let pixels = u64::from(header.width) * u64::from(header.height);
    if pixels > settings.max_input_pixels {
        return Err(Error::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the image is {}x{} ({pixels} pixels), over the limit of {} pixels",
                header.width, header.height, settings.max_input_pixels
            ),
        ));
    }
    let swaps = orientation::swaps_axes(header.orientation);
    let upright = if swaps {
        (header.height, header.width)
    } else {
        (header.width, header.height)
    };
    let plan = geometry::plan(
        upright,
        transform,
        (settings.max_width, settings.max_height),
    );
    let (rx, ry) = plan.reduction();
    let stored_reduction = if swaps { (ry, rx) } else { (rx, ry) };
    let decoded = decode::decode(&source, format, &header, stored_reduction)?;
    drop(source);
    let lossy = decoded.lossy;
    let image = orientation::apply(decoded.pixels, header.orientation);
    // The decoder may have shrunk the image: the region scales with it.
    let (kx, ky) = (
        f64::from(image.width) / f64::from(upright.0),
        f64::from(image.height) / f64::from(upright.1),
    );
    // Clamped: scaling by the shrink factor may overshoot the image by a
    // rounding error, which the resizer would refuse.
    let (iw, ih) = (f64::from(image.width), f64::from(image.height));
    let x = (plan.region.x * kx).clamp(0.0, iw - 1.0);
    let y = (plan.region.y * ky).clamp(0.0, ih - 1.0);
    let region = Region {
        x,
        y,
        width: (plan.region.width * kx).clamp(1.0, iw - x),
        height: (plan.region.height * ky).clamp(1.0, ih - y),
    };
    let resized = resize::resize(image, region, plan.size)?;
    let background = transform.background();
    let placed = resize::pad(resized, plan.canvas, plan.offset, background).drop_opaque_alpha();
    let needs_lossless = !lossy || placed.alpha;
    let format = transform.format.resolve(webp_accepted, needs_lossless);
    let size = (placed.width, placed.height);
    let bytes = encode(placed, format, transform.quality, background)?;
    Ok(Rendered {
        bytes,
        format,
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiate::FormatChoice;
    use crate::params::{Fit, Gravity};

    fn settings() -> Settings {
        Settings::from_vars(&[("ORIGIN", "http://o.test")]).unwrap()
    }

    fn width(w: u32) -> Transform {
        Transform {
            width: Some(w),
            height: None,
            fit: Fit::ScaleDown,
            gravity: Gravity::CENTER,
            background: None,
            format: FormatChoice::Jpeg,
            quality: 80,
        }
    }

    #[test]
    fn a_40_megapixel_jpeg_shrunk_on_load_keeps_its_region_inside() {
        // 7300 / 8 is not whole: the shrunk image is 913 wide, and the
        // region scaled to it must not overshoot by a rounding error.
        let (w, h) = (7300u16, 5475u16);
        let pixels = vec![128u8; usize::from(w) * usize::from(h) * 3];
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 50)
            .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let rendered = render(jpeg, &width(800), &settings(), false).unwrap();
        assert_eq!(rendered.size, (800, 600));
        assert_eq!(rendered.format, OutputFormat::Jpeg);
    }

    #[test]
    fn not_an_image_is_415() {
        let error = render(b"plain text".to_vec(), &width(10), &settings(), false).unwrap_err();
        assert_eq!(error.status(), 415);
    }
}
