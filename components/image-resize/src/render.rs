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
    let region = Region {
        x: plan.region.x * kx,
        y: plan.region.y * ky,
        width: plan.region.width * kx,
        height: plan.region.height * ky,
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
