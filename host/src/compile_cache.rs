//! Compiling each component once per process.
//!
//! A test suite builds a host per test, often dozens for the same `.wasm`,
//! and `edgekit bench` several; compiling a large component takes a second
//! or more on a small machine (1.3-1.6 s for markdown and image-resize on
//! two cores). Every host has its own engine (its pool is sized by its
//! limits) and a compiled component belongs to the engine that compiled
//! it, so the cache keeps Wasmtime's serialized artifact instead: loading
//! it into another engine takes milliseconds.
//!
//! Artifacts never leave memory, so nothing outside this process can hand
//! the host code to run.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Components kept: enough for any test binary or `edgekit bench`, few
/// enough that a long `edgekit serve` session with many rebuilds stays small.
const CAPACITY: usize = 16;

/// The component's bytes and the engine settings that shape its code.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    wasm_sha256: [u8; 32],
    engine: u64,
}

impl Key {
    fn of(engine: &Engine, wasm: &[u8]) -> Key {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Key {
            wasm_sha256: Sha256::digest(wasm).into(),
            engine: hasher.finish(),
        }
    }
}

/// One component's artifact, behind its own lock: hosts built at the same
/// time for the same component wait for one compilation instead of each
/// compiling it.
type Slot = Arc<Mutex<Option<Arc<Vec<u8>>>>>;

#[derive(Default)]
struct Cache {
    slots: HashMap<Key, Slot>,
    /// Keys, oldest first, for eviction.
    order: VecDeque<Key>,
}

fn cache() -> MutexGuard<'static, Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

fn slot(key: Key) -> Slot {
    let mut cache = cache();
    if let Some(slot) = cache.slots.get(&key) {
        return slot.clone();
    }
    if cache.order.len() == CAPACITY
        && let Some(oldest) = cache.order.pop_front()
    {
        cache.slots.remove(&oldest);
    }
    cache.order.push_back(key);
    cache.slots.entry(key).or_default().clone()
}

/// Compiles `wasm` for `engine`, or loads the artifact an earlier
/// compilation in this process left for the same bytes and settings.
// The one `unsafe` in the host: Wasmtime cannot check that an artifact is
// its own output, so loading one is `unsafe`; these only come from
// `Component::serialize` in this process.
#[allow(unsafe_code)]
pub(crate) fn compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Component> {
    let slot = slot(Key::of(engine, wasm));
    let mut artifact = slot.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(bytes) = artifact.as_ref() {
        // SAFETY: `bytes` is what `Component::serialize` produced in this
        // process for the same wasm and engine settings, and it has never
        // been outside this process's memory.
        if let Ok(component) = unsafe { Component::deserialize(engine, bytes.as_slice()) } {
            return Ok(component);
        }
    }
    let component = Component::new(engine, wasm)?;
    *artifact = component.serialize().ok().map(Arc::new);
    Ok(component)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    /// The cache is one per process: these tests take turns with it.
    fn serial() -> MutexGuard<'static, ()> {
        static TURN: Mutex<()> = Mutex::new(());
        TURN.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The smallest component: the header alone.
    const EMPTY_COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";

    fn artifact_for(engine: &Engine, wasm: &[u8]) -> Option<Arc<Vec<u8>>> {
        let slot = cache().slots.get(&Key::of(engine, wasm)).cloned()?;
        let artifact = slot.lock().unwrap_or_else(PoisonError::into_inner);
        artifact.clone()
    }

    #[test]
    fn a_second_engine_loads_the_first_ones_artifact() {
        let _turn = serial();
        let first = crate::engine::new_engine(&Limits::default()).unwrap();
        let second = crate::engine::new_engine(&Limits {
            max_concurrency: 3,
            ..Limits::default()
        })
        .unwrap();
        compile(&first, EMPTY_COMPONENT).unwrap();
        let kept = artifact_for(&first, EMPTY_COMPONENT).expect("an artifact is kept");
        // Pool sizes do not shape code: the second engine finds the same one.
        let found = artifact_for(&second, EMPTY_COMPONENT).expect("same settings, same key");
        assert!(Arc::ptr_eq(&kept, &found));
        compile(&second, EMPTY_COMPONENT).unwrap();
    }

    #[test]
    fn invalid_bytes_are_an_error_every_time() {
        let _turn = serial();
        let engine = crate::engine::new_engine(&Limits::default()).unwrap();
        let bad = b"\0asm\x0d\0\x01\0\xff\xff";
        assert!(compile(&engine, bad).is_err());
        assert!(artifact_for(&engine, bad).is_none());
        assert!(compile(&engine, bad).is_err());
    }

    #[test]
    fn the_cache_keeps_at_most_its_capacity() {
        let _turn = serial();
        let engine = crate::engine::new_engine(&Limits::default()).unwrap();
        for i in 0..CAPACITY + 4 {
            // Distinct bytes, same meaning: a custom section named by `i`.
            let name = format!("{i:04}");
            let mut wasm = EMPTY_COMPONENT.to_vec();
            wasm.extend_from_slice(&[0, 1 + name.len() as u8, name.len() as u8]);
            wasm.extend_from_slice(name.as_bytes());
            compile(&engine, &wasm).unwrap();
        }
        assert!(cache().slots.len() <= CAPACITY);
        assert!(cache().order.len() <= CAPACITY);
    }
}
