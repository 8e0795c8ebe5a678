//! [`render`]: from source bytes to the encoded output, every step bounded.

use edgekit::{Error, StatusCode};

use crate::budget::{self, Ledger};
use crate::decode::{self, Way};
use crate::encode::{Pieces, encode, hold_encode};
use crate::geometry::{self, Plan, Region};
use crate::negotiate::OutputFormat;
use crate::orientation;
use crate::params::Transform;
use crate::resize;
use crate::settings::Settings;
use crate::sniff::InputFormat;

/// An encoded result.
#[derive(Debug)]
pub struct Rendered {
    /// The encoded image, in pieces.
    pub bytes: Pieces,
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

/// What rendering a source will do, decided from its header alone.
#[derive(Debug)]
pub struct Prepared {
    format: InputFormat,
    header: decode::Header,
    plan: Plan,
    upright: (u32, u32),
    way: Way,
    /// The most bytes rendering will hold at once (the source aside).
    pub peak: u64,
}

/// Reads `source`'s header, checks its size, plans the output and picks
/// the least shrinking way of decoding whose every step fits the memory
/// budget: `413` when none does, before any pixel buffer exists.
pub fn prepare(
    source: &[u8],
    transform: &Transform,
    settings: &Settings,
    webp_accepted: bool,
) -> Result<Prepared, Error> {
    let format = InputFormat::sniff(source).ok_or_else(not_an_image)?;
    let header = decode::header(source, format)?;
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
    let available = budget::available(settings.memory_limit);
    let (way, peak) = decode::ways(source, format, &header, stored_reduction)?
        .into_iter()
        .map(|way| {
            let formats = formats(&way, &plan, transform, webp_accepted);
            let peak = peak(
                &way,
                header.orientation,
                &plan,
                upright,
                transform,
                &formats,
            );
            (way, peak)
        })
        .find(|&(_, peak)| peak <= available)
        .ok_or_else(|| decode::too_large_to_decode("shrinking while decoding is not enough"))?;
    Ok(Prepared {
        format,
        header,
        plan,
        upright,
        way,
        peak,
    })
}

/// Decodes `source`, applies `transform` and encodes the result, as
/// [`prepare`]d; the source bytes are freed as soon as they are decoded.
pub fn render(
    source: Vec<u8>,
    transform: &Transform,
    settings: &Settings,
    webp_accepted: bool,
) -> Result<Rendered, Error> {
    let Prepared {
        format,
        header,
        plan,
        upright,
        way,
        ..
    } = prepare(&source, transform, settings, webp_accepted)?;
    let decoded = decode::decode(&source, format, &header, &way)?;
    drop(source);
    let lossy = decoded.lossy;
    let image = orientation::apply(decoded.pixels, header.orientation);
    let region = region_in(&plan, upright, (image.width, image.height));
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

/// The formats the answer may be encoded in: a lossy source without
/// alpha, on no transparent canvas, is never encoded losslessly by `auto`.
fn formats(
    way: &Way,
    plan: &Plan,
    transform: &Transform,
    webp_accepted: bool,
) -> Vec<OutputFormat> {
    let transparent_canvas = plan.canvas != plan.size && transform.background()[3] != 255;
    if way.lossy && way.channels == 3 && !transparent_canvas {
        vec![transform.format.resolve(webp_accepted, false)]
    } else {
        transform.format.candidates(webp_accepted)
    }
}

/// The most bytes decoding `way` and every step after it hold at once:
/// the decoder, turning the image upright, resizing, padding and the
/// costliest of the encoders the answer may use.
pub fn peak(
    way: &Way,
    orientation: u8,
    plan: &Plan,
    upright: (u32, u32),
    transform: &Transform,
    formats: &[OutputFormat],
) -> u64 {
    let mut ledger = Ledger::default();
    ledger.hold(way.peak);
    ledger.release(way.peak - way.bytes);
    let stored = way.size;
    let image = if orientation::swaps_axes(orientation) {
        (stored.1, stored.0)
    } else {
        stored
    };
    if (2..=8).contains(&orientation) {
        ledger.hold(way.bytes);
        ledger.release(way.bytes);
    }
    let region = region_in(plan, upright, image);
    resize::hold_resize(&mut ledger, image, region, plan.size, way.channels);
    let channels = resize::hold_pad(
        &mut ledger,
        plan.size,
        plan.canvas,
        way.channels,
        transform.background(),
    );
    let held = ledger.held();
    let encoders = formats.iter().map(|&format| {
        let mut encoding = ledger.clone();
        hold_encode(
            &mut encoding,
            format,
            plan.canvas,
            channels,
            transform.quality,
        );
        encoding.peak()
    });
    encoders.max().unwrap_or(held).max(ledger.peak())
}

/// `plan`'s region of the upright source, scaled to an `image` the decoder
/// may have shrunk. Clamped: scaling by the shrink factor may overshoot
/// the image by a rounding error, which the resizer would refuse.
fn region_in(plan: &Plan, upright: (u32, u32), image: (u32, u32)) -> Region {
    let (kx, ky) = (
        f64::from(image.0) / f64::from(upright.0),
        f64::from(image.1) / f64::from(upright.1),
    );
    let (iw, ih) = (f64::from(image.0), f64::from(image.1));
    let x = (plan.region.x * kx).clamp(0.0, iw - 1.0);
    let y = (plan.region.y * ky).clamp(0.0, ih - 1.0);
    Region {
        x,
        y,
        width: (plan.region.width * kx).clamp(1.0, iw - x),
        height: (plan.region.height * ky).clamp(1.0, ih - y),
    }
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
