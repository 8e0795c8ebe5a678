//! image-resize: parameter parsing and a whole render (sniff, decode,
//! orient, resize, pad, encode). Input: the query string, a newline, then
//! the source. A request may be refused, but never goes over the 128 MiB
//! the README promises (issue 19): the allocator measures it.
#![no_main]

use edgekit_fuzz::{Counting, MIB, split_at_byte};
use image_resize::params;
use image_resize::render::render;
use image_resize::settings::Settings;
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: Counting = Counting::new();

/// The README: "Every request runs within 128 MiB".
const REQUEST_BUDGET: usize = 128 * MIB;

const SETTINGS: [&[(&str, &str)]; 3] = [
    &[("ORIGIN", "https://o.example")],
    &[
        ("ORIGIN", "https://o.example"),
        ("ALLOWED_WIDTHS", "16,64,320"),
        ("PRESETS", r#"{"thumb":{"w":64,"h":64,"fit":"cover"}}"#),
    ],
    &[
        ("ORIGIN", "https://o.example"),
        ("ONLY_PRESETS", "true"),
        (
            "PRESETS",
            r#"{"thumb":{"w":64,"h":64,"fit":"pad","bg":"ff000080"}}"#,
        ),
    ],
];

fuzz_target!(|data: &[u8]| {
    let (query, source) = split_at_byte(data, b'\n');
    let Some((&pick, query)) = query.split_first() else {
        return;
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query).into_owned().collect();
    let settings = Settings::from_vars(SETTINGS[usize::from(pick % 3)]).unwrap();
    let transform = match params::parse(&pairs, &settings) {
        Ok(t) => t,
        Err(e) => {
            assert_eq!(e.status().as_u16(), 400, "{e}");
            return;
        }
    };
    if let Some(w) = transform.width {
        assert!(w >= 1 && w <= settings.max_width, "{transform:?}");
    }
    if let Some(h) = transform.height {
        assert!(h >= 1 && h <= settings.max_height, "{transform:?}");
    }
    assert!((1..=100).contains(&transform.quality));
    let before = ALLOC.live();
    ALLOC.reset_peak();
    let result = render(source.to_vec(), &transform, &settings, pick & 4 != 0);
    let used = ALLOC.peak() - before;
    assert!(
        used <= REQUEST_BUDGET,
        "the render took {} MiB for {:?}",
        used / MIB,
        transform.cache_key()
    );
    match result {
        Ok(out) => {
            assert!(!out.bytes.is_empty());
            assert!(out.size.0 >= 1 && out.size.1 >= 1);
            if let Some(w) = transform.width {
                assert!(
                    out.size.0 <= w,
                    "{:?} for {}",
                    out.size,
                    transform.cache_key()
                );
            }
        }
        Err(e) => {
            let status = e.status().as_u16();
            assert!([413, 415, 422].contains(&status), "{status}: {e}");
        }
    }
});
