//! The memory budget: how many bytes a request may still allocate, and a
//! [`Ledger`] that adds up, step by step, what rendering will hold, before
//! any of it is allocated.
//!
//! Rendering is planned from the source's header: every buffer the steps
//! make (decoder, colour conversion, rotation, resizer, canvas, encoder) is
//! held and released on a ledger in the order the steps make and free them.
//! When the ledger's peak is over what is [`available`], the decoder is
//! asked to shrink more while decoding, and when even that does not fit,
//! the request gets `413` with nothing allocated.

/// Linear memory that allocations may not count on: the allocator's
/// rounding and the small allocations no plan lists (headers, tables,
/// row buffers of a few kilobytes).
pub const MARGIN: u64 = 8 << 20;

/// Bytes held, and the most held at once, over a sequence of steps.
///
/// ```
/// use image_resize::budget::Ledger;
/// let mut ledger = Ledger::default();
/// ledger.hold(10);
/// ledger.hold(5);
/// ledger.release(10);
/// ledger.hold(7);
/// assert_eq!((ledger.held(), ledger.peak()), (12, 15));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    held: u64,
    peak: u64,
}

impl Ledger {
    /// A buffer of `bytes` is allocated.
    pub fn hold(&mut self, bytes: u64) {
        self.held = self.held.saturating_add(bytes);
        self.peak = self.peak.max(self.held);
    }

    /// A buffer of `bytes` is freed.
    pub fn release(&mut self, bytes: u64) {
        self.held = self.held.saturating_sub(bytes);
    }

    /// Bytes held now.
    pub fn held(&self) -> u64 {
        self.held
    }

    /// The most bytes held at once.
    pub fn peak(&self) -> u64 {
        self.peak
    }
}

/// Linear memory the component already has: the source, the code's data
/// and stack, and whatever earlier allocations grew it to. Memory never
/// shrinks, and a freed gap may be too small for a later buffer, so none
/// of it counts as free.
#[cfg(target_arch = "wasm32")]
pub fn in_use() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

/// Natively (unit tests, benchmarks) nothing is in use yet.
#[cfg(not(target_arch = "wasm32"))]
pub fn in_use() -> u64 {
    0
}

/// What a request may still allocate under a `limit` on linear memory.
pub fn available(limit: u64) -> u64 {
    limit.saturating_sub(in_use()).saturating_sub(MARGIN)
}
