//! The id of the request being handled: in every log line and in the body
//! and `x-request-id` header of a `500`, so a client's report leads to the
//! log lines.

use std::sync::OnceLock;

/// This request's id: 16 hex digits from the host's random source, made on
/// first use. Each request runs in a fresh instance, so one per request.
///
/// ```no_run
/// edgekit::log::info!("handling {}", edgekit::request_id());
/// ```
pub fn request_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| format!("{:016x}", random_u64()))
}

fn random_u64() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return wasip2::random::random::get_random_u64();
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(std::time::SystemTime::now())
    }
}
