//! The memory plan against what rendering really allocates: a counting
//! allocator measures the most bytes held at once while each request of
//! the list renders natively, and that must not pass the plan
//! `render::prepare` made from the header. (The `.wasm` under a 128 MiB
//! limit is tested end to end in `tests/tests/image_resize.rs`.)
//!
//! The plan describes the optimised code that ships: an unoptimised build
//! keeps temporaries the optimiser removes (a 40 MP PNG at `w=800` held
//! 34 MB against 17 MB planned at opt-level 0), so this runs in release
//! builds only: `cargo test --release -p image-resize --test memory_plan`.
//! It is not yet part of `scripts/test`: the 12 MP RGBA PNG at `w=2400`
//! holds 101.6 MiB against 98.9 MiB planned (the budget's 8 MiB margin
//! covers it; the plan must, issue 19).
#![cfg(not(debug_assertions))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use image_resize::params;
use image_resize::render::{prepare, render};
use image_resize::settings::Settings;

struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// One measurement at a time: the tests of this file share the counters.
static MEASURING: Mutex<()> = Mutex::new(());

// SAFETY: every call is passed to the system allocator unchanged; the
// counters only observe sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(held, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A move holds both blocks for a moment: count the new one first.
        let held = HELD.fetch_add(new_size, Ordering::SeqCst) + new_size;
        PEAK.fetch_max(held, Ordering::SeqCst);
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        HELD.fetch_sub(layout.size(), Ordering::SeqCst);
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn settings() -> Settings {
    Settings::from_vars(&[
        ("ORIGIN", "http://o.test"),
        ("MAX_INPUT_BYTES", "104857600"),
    ])
    .unwrap()
}

/// Renders `source` with `query`: the plan's peak and the measured one,
/// or the refusal's status.
fn measure(source: Vec<u8>, query: &str, webp: bool) -> Result<(u64, u64), u16> {
    let _alone = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let settings = settings();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let transform = params::parse(&pairs, &settings).map_err(|e| e.status().as_u16())?;
    let planned = prepare(&source, &transform, &settings, webp)
        .map_err(|e| {
            println!("{query}: {}", e.message());
            e.status().as_u16()
        })?
        .peak;
    let before = HELD.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let rendered = render(source, &transform, &settings, webp).map_err(|e| e.status().as_u16())?;
    let measured = PEAK.load(Ordering::SeqCst) - before;
    drop(rendered);
    Ok((planned, measured as u64))
}

/// Asserts the plan covers what was allocated (a little is left to the
/// budget's margin: the small allocations no plan lists).
fn assert_within_plan(name: &str, result: Result<(u64, u64), u16>) {
    match result {
        Ok((planned, measured)) => {
            println!(
                "{name}: planned {:.1} MiB, measured {:.1} MiB",
                planned as f64 / 1048576.0,
                measured as f64 / 1048576.0
            );
            assert!(
                measured <= planned + (1 << 20),
                "{name}: {measured} bytes held, {planned} planned"
            );
        }
        Err(status) => {
            println!("{name}: refused with {status}");
            assert_eq!(status, 413, "{name}");
        }
    }
}

fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

fn jpeg(width: u16, height: u16, color: jpeg_encoder::ColorType) -> Vec<u8> {
    let samples = match color {
        jpeg_encoder::ColorType::Luma => 1,
        _ => 3,
    };
    let pixels = noise(usize::from(width) * usize::from(height) * samples, 7);
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, width, height, color)
        .unwrap();
    out
}

fn png(width: u32, height: u32, color: png::ColorType) -> Vec<u8> {
    let samples = match color {
        png::ColorType::Rgba => 4,
        _ => 3,
    };
    let row = noise(width as usize * samples, 3);
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

#[test]
fn padding_to_the_largest_canvas_is_planned() {
    let small = jpeg(64, 48, jpeg_encoder::ColorType::Rgb);
    for query in [
        "w=4096&h=4096&fit=pad",
        "w=4096&h=4096&fit=pad&bg=0000",
        "w=4096&h=4096&fit=pad&format=webp",
        "w=4096&h=4096&fit=pad&format=png&bg=00000080",
    ] {
        assert_within_plan(query, measure(small.clone(), query, true));
    }
}

#[test]
fn large_rgba_pngs_are_planned() {
    let twelve = png(4000, 3000, png::ColorType::Rgba);
    for query in ["w=2400", "w=800", "w=2400&format=webp", "w=4000"] {
        assert_within_plan(query, measure(twelve.clone(), query, true));
    }
    let forty = png(7300, 5475, png::ColorType::Rgba);
    assert_within_plan("40 MP, no parameters", measure(forty.clone(), "", true));
    assert_within_plan("40 MP, w=800", measure(forty, "w=800", false));
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG declaring `width` x `height` RGBA, whose image data is never
/// looked at: it must be refused from its header.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], ihdr),
        (&b"IDAT"[..], noise(4000, 5)),
        (&b"IEND"[..], Vec::new()),
    ] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend(&data);
        out.extend(&chunk);
        out.extend(crc32(&chunk).to_be_bytes());
    }
    out
}

#[test]
fn a_png_one_pixel_high_is_refused_by_its_rows() {
    // IHDR alone says what the rows will cost: 160 MB each.
    let line = png_declaring(39_999_999, 1);
    assert_eq!(measure(line, "w=100", false), Err(413));
}

#[test]
fn gray_and_large_jpegs_are_planned() {
    let gray = jpeg(4000, 3000, jpeg_encoder::ColorType::Luma);
    for query in ["", "w=2000", "w=4000&format=png"] {
        assert_within_plan(query, measure(gray.clone(), query, false));
    }
    let forty = jpeg(7300, 5475, jpeg_encoder::ColorType::Rgb);
    for query in ["w=800", "w=4096", "w=4096&q=95", "w=4096&format=webp"] {
        assert_within_plan(query, measure(forty.clone(), query, true));
    }
}
