//! image-resize: format sniffing, headers (EXIF orientation included) and
//! every decoder, the baseline JPEG decoder at every DCT scale, the way the
//! component calls them. A source may be refused, but decoding it never
//! goes over the request's 128 MiB (issue 19): the allocator measures it.
#![no_main]

use edgekit_fuzz::{Counting, MIB};
use image_resize::decode;
use image_resize::settings::Settings;
use image_resize::sniff::InputFormat;
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: Counting = Counting::new();

/// The README: "Every request runs within 128 MiB".
const REQUEST_BUDGET: usize = 128 * MIB;

/// Reductions that make the JPEG decoder pick each DCT scale (1, 2, 4, 8)
/// and shrink-on-load factors for PNG.
const REDUCTIONS: [(f64, f64); 6] = [
    (1.0, 1.0),
    (2.0, 2.0),
    (4.0, 4.5),
    (8.0, 8.0),
    (16.0, 3.0),
    (64.0, 64.0),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, source)) = data.split_first() else {
        return;
    };
    let Some(format) = InputFormat::sniff(source) else {
        return;
    };
    let Ok(header) = decode::header(source, format) else {
        return;
    };
    assert!((1..=8).contains(&header.orientation));
    // The component refuses sources over MAX_INPUT_PIXELS before decoding.
    let limit = Settings::from_vars(&[("ORIGIN", "https://o.example")])
        .unwrap()
        .max_input_pixels;
    if u64::from(header.width) * u64::from(header.height) > limit {
        return;
    }
    let reduction = REDUCTIONS[usize::from(pick) % REDUCTIONS.len()];
    // As the component does: the least-shrunk way whose planned peak fits
    // the request's budget, or a refusal before anything is decoded.
    let Ok(ways) = decode::ways(source, format, &header, reduction) else {
        return;
    };
    let Some(way) = ways.iter().find(|way| way.peak <= REQUEST_BUDGET as u64) else {
        return;
    };
    let before = ALLOC.live();
    ALLOC.reset_peak();
    let decoded = decode::decode(source, format, &header, way);
    let used = ALLOC.peak() - before;
    assert!(
        used <= REQUEST_BUDGET,
        "decoding took {} MiB for a {}x{} {format:?}",
        used / MIB,
        header.width,
        header.height
    );
    if let Ok(decoded) = decoded {
        let p = decoded.pixels;
        assert!(p.width >= 1 && p.height >= 1);
        assert!(p.width <= header.width && p.height <= header.height);
        assert_eq!(
            p.data.len(),
            p.width as usize * p.height as usize * p.channels()
        );
    } else if let Err(e) = decoded {
        let status = e.status().as_u16();
        assert!(status == 413 || status == 422, "{status}: {e}");
    }
});
