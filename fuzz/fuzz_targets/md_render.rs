//! markdown: a whole render, in every flavor and raw-HTML mode, the
//! sanitizer and the nesting guard included. In the `escape` and
//! `sanitize` modes no active content comes out. The memory budget
//! (issue 19: no document under the 2 MiB cap may exceed the 128 MiB limit)
//! is checked per input byte, since fuzzed documents are small: the
//! component's budget is scaled to each document (64 bytes per input byte,
//! the limit over the cap); a document may be refused, but one rendered of
//! 4 KiB or more may use at most that much. The worst ratio seen is printed.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};

use edgekit_fuzz::{Counting, MIB};
use libfuzzer_sys::fuzz_target;
use markdown::budget::Budget;
use markdown::config::{Flavor, RawHtml};
use markdown::render::Renderer;

#[global_allocator]
static ALLOC: Counting = Counting::new();

/// The memory limit the README's figures are measured against.
const MEMORY_LIMIT: usize = 128 * MIB;

/// `MAX_INPUT_BYTES`' default.
const MAX_INPUT_BYTES: usize = 2 * MIB;

/// Memory per input byte that keeps a document at the cap within the
/// limit: 64.
const BUDGET_PER_BYTE: usize = MEMORY_LIMIT / MAX_INPUT_BYTES;

/// Documents from this size on are held to [`BUDGET_PER_BYTE`]; below it,
/// the render's fixed cost dominates.
const PER_BYTE_FROM: usize = 4096;

/// The most bytes of memory per input byte seen so far.
static WORST_PER_BYTE: AtomicUsize = AtomicUsize::new(0);

const MODES: [RawHtml; 3] = [RawHtml::Escape, RawHtml::Sanitize, RawHtml::Allow];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let flavor = if pick & 1 == 0 {
        Flavor::Gfm
    } else {
        Flavor::CommonMark
    };
    let mode = MODES[usize::from(pick >> 1) % 3];
    let renderer = if pick & 8 == 0 {
        Renderer::new(flavor, mode)
    } else {
        Renderer::spec(flavor, mode)
    };
    // The component's budget, scaled to this document as the 128 MiB limit
    // is to the 2 MiB cap: a document it refuses is fine, one it renders
    // must stay within it.
    let budget = Budget::of((text.len() * BUDGET_PER_BYTE).max(MIB) as u64);
    let before = ALLOC.live();
    ALLOC.reset_peak();
    let Ok(rendered) = renderer.render_within(text, &budget) else {
        return;
    };
    let used = ALLOC.peak() - before;
    assert!(
        used <= MEMORY_LIMIT,
        "{} MiB for {} bytes",
        used / MIB,
        text.len()
    );
    if text.len() >= PER_BYTE_FROM {
        let per_byte = used / text.len();
        if per_byte > WORST_PER_BYTE.fetch_max(per_byte, Ordering::Relaxed) {
            eprintln!(
                "WORST_PER_BYTE {per_byte} ({used} bytes for {})",
                text.len()
            );
        }
        assert!(
            per_byte <= BUDGET_PER_BYTE,
            "{per_byte} bytes of memory per input byte ({} MiB for {} bytes): \
             at the {} MiB cap, over the {} MiB limit",
            used / MIB,
            text.len(),
            MAX_INPUT_BYTES / MIB,
            MEMORY_LIMIT / MIB
        );
    }
    if mode != RawHtml::Allow
        && let Some(bad) = active(&rendered.html)
    {
        panic!("{mode:?} let active content through: {bad}");
    }
});

/// Elements that run or load active content.
const ACTIVE: [&str; 8] = [
    "script", "iframe", "object", "embed", "style", "svg", "math", "base",
];

/// The first active element, event handler or `javascript:` URL in `html`
/// (tags read with quoted attribute values skipped over).
fn active(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset + 1;
        at = start;
        let name_len = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - start);
        if name_len == 0 {
            continue;
        }
        let name = html[start..start + name_len].to_ascii_lowercase();
        if ACTIVE.contains(&name.as_str()) {
            return Some(format!("<{name}"));
        }
        for (attr, value) in attributes(&html[start + name_len..]) {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                return Some(format!("<{name} {attr}="));
            }
            let value: String = value
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction")
                && (value.starts_with("javascript:") || value.starts_with("vbscript:"))
            {
                return Some(format!("<{name} {attr}={value}"));
            }
        }
    }
    None
}

/// The `name=value` attributes of a tag, from just after its name to its
/// `>` (HTML's attribute syntax, simplified: the output is well formed).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() || rest.starts_with('>') {
            return out;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            out.push((name, ""));
            continue;
        };
        let after_eq = after_eq.trim_start();
        let (value, after) = match after_eq.chars().next() {
            Some(q @ ('"' | '\'')) => match after_eq[1..].find(q) {
                Some(end) => (&after_eq[1..1 + end], &after_eq[2 + end..]),
                None => (&after_eq[1..], ""),
            },
            _ => {
                let end = after_eq
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(after_eq.len());
                (&after_eq[..end], &after_eq[end..])
            }
        };
        out.push((name, value));
        rest = after;
    }
}
