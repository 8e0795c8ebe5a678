//! Every call into WASI lives below this module, so that a WASI 0.3 backend
//! can be added beside it without touching the public types.

pub(crate) mod clock;
#[cfg(feature = "wasi-config")]
pub(crate) mod config_store;
pub(crate) mod fields;
pub(crate) mod incoming;
#[cfg(feature = "kv")]
pub(crate) mod keyvalue;
pub(crate) mod log;
pub(crate) mod outgoing;
pub(crate) mod respond;
pub(crate) mod stream;
pub(crate) mod wait;

pub(crate) use stream::IncomingStream;
