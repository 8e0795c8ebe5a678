//! The budget against what rendering really allocates: a counting
//! allocator measures the most bytes held at once while documents of
//! every dense shape, at the 2 MiB input cap and smaller, render natively within the
//! budget of a 128 MiB component. Each is refused (`TooComplex`) or stays
//! within the budget; the peaks are printed. (The `.wasm` under a 128 MiB
//! limit is tested end to end in `tests/tests/markdown.rs`.)
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use markdown::budget::{Budget, MARGIN};
use markdown::config::{Flavor, RawHtml};
use markdown::render::Renderer;

struct Counting;
static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

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
        let held = HELD.fetch_add(new_size, Ordering::SeqCst) + new_size;
        PEAK.fetch_max(held, Ordering::SeqCst);
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        HELD.fetch_sub(layout.size(), Ordering::SeqCst);
        moved
    }
}
#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn repeat_to(unit: &str, len: usize) -> String {
    unit.repeat(len / unit.len())
}

/// The documents: each shape repeated to the input cap.
fn shapes(size: usize) -> Vec<(&'static str, String)> {
    let table_header = format!("{}|\n{}|\n", "|a".repeat(1000), "|-".repeat(1000));
    vec![
        (
            "prose",
            repeat_to("The quick brown fox jumps over the lazy dog. ", size),
        ),
        ("softbreaks", repeat_to("a\n", size)),
        ("emphasis", repeat_to("*a* ", size)),
        ("footnotes", repeat_to("[^a] ", size) + "\n\n[^a]: x\n"),
        ("table", table_header + &repeat_to("x\n", size)),
        ("links", repeat_to("[a](b) ", size)),
        ("autolinks", repeat_to("www.a.io ", size)),
        ("code", repeat_to("`a` ", size)),
        ("entities", repeat_to("&amp;", size)),
        ("escapes", repeat_to("\\*", size)),
        ("html", repeat_to("<b>", size)),
        ("html blocks", repeat_to("<div>a</div>\n\n", size)),
        ("headings", repeat_to("# a\n", size)),
        ("lists", repeat_to("- a\n", size)),
        ("ordered lists", repeat_to("1. a\n", size)),
        ("nested lists", repeat_to("- ", size / 2) + "a\n"),
        ("quotes", repeat_to("> ", size / 2) + "a\n"),
        (
            "refdefs",
            (0..size / 12)
                .map(|i| format!("[{i}]: b\n"))
                .collect::<String>(),
        ),
        ("refs", "[a]: b\n\n".to_string() + &repeat_to("[a] ", size)),
        ("brackets", repeat_to("[", size)),
        ("pipes-lines", repeat_to("|\n", size)),
        ("setext", repeat_to("a\n=\n", size)),
    ]
}

#[test]
fn every_shape_is_refused_or_within_the_budget() {
    let budget_bytes = (128u64 << 20) - MARGIN;
    let budget = Budget::of(budget_bytes);
    for raw in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
        let renderer = Renderer::new(Flavor::Gfm, raw);
        // At the cap, and at sizes the budget lets through.
        let documents = [2 << 20, 256 << 10, 128 << 10, 64 << 10]
            .into_iter()
            .flat_map(shapes);
        for (name, md) in documents {
            let before = HELD.load(Ordering::SeqCst);
            PEAK.store(before, Ordering::SeqCst);
            let start = std::time::Instant::now();
            let out = renderer.render_within(&md, &budget);
            let peak = (PEAK.load(Ordering::SeqCst) - before) as u64;
            let answer = match &out {
                Ok(rendered) => format!("{} KiB out", rendered.html.len() >> 10),
                Err(e) => format!("refused ({e:?})"),
            };
            println!(
                "{raw:?} {name}: {} KiB in, {answer}, peak {:.1} MiB, {:?}",
                md.len() >> 10,
                peak as f64 / 1048576.0,
                start.elapsed()
            );
            assert!(peak <= budget_bytes, "{raw:?} {name}: {peak} bytes");
        }
    }
}
