//! The Wasmtime engine: pooling allocator, copy-on-write memory images and
//! epoch interruption driven by a ticker thread.

use crate::Limits;
use std::time::Duration;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ProfilingStrategy,
};

/// How often the epoch advances: the granularity of the execution deadline
/// and of preemption between requests sharing a thread.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Builds an engine sized for `limits` and starts its epoch ticker, which
/// stops by itself once the engine is dropped.
pub(crate) fn new_engine(limits: &Limits) -> anyhow::Result<Engine> {
    let instances = limits.max_concurrency.max(1);
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(instances)
        // A Rust component holds a few core instances (the program plus
        // small shim modules) but one linear memory.
        .total_core_instances(instances.saturating_mul(16))
        .total_tables(instances.saturating_mul(4))
        .total_memories(instances)
        .total_stacks(instances)
        .max_memory_size(limits.max_memory);

    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .memory_init_cow(true)
        .epoch_interruption(true);
    if perf_map_requested() {
        // `perf` then names the component's functions in its reports.
        config.profiler(ProfilingStrategy::PerfMap);
    }
    let engine = Engine::new(&config)?;

    let weak = engine.weak();
    std::thread::Builder::new()
        .name("edgekit-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })?;
    Ok(engine)
}

/// Whether `EDGEKIT_PERFMAP=1` asks for a `/tmp/perf-<pid>.map` of the
/// compiled components, for profiling them with Linux `perf`.
fn perf_map_requested() -> bool {
    std::env::var_os("EDGEKIT_PERFMAP").is_some_and(|value| value == "1")
}
