//! Key-value stores over `wasi:keyvalue` (feature `kv`).
//!
//! A [`Store`] is a named bucket the platform keeps between requests
//! (`edgekit serve` and the test host keep them in memory, seeded from a
//! file or flags; Spin, wasmCloud and others back them with their own
//! stores). Values are bytes; [`Store::get_json`] and [`Store::set_json`]
//! store serde types as JSON.
//!
//! ```no_run
//! use edgekit::kv::Store;
//! use edgekit::{Error, Request};
//!
//! #[edgekit::edge_handler]
//! fn handle(_req: Request) -> Result<String, Error> {
//!     let store = Store::open("default")?;
//!     let visits = store.increment("visits", 1)?;
//!     Ok(format!("visit number {visits}"))
//! }
//! ```

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wasi::keyvalue as wasi;

/// An open key-value store.
///
/// ```no_run
/// let store = edgekit::kv::Store::open("default")?;
/// store.set("greeting", "hello")?;
/// assert_eq!(store.get("greeting")?.as_deref(), Some(&b"hello"[..]));
/// # Ok::<(), edgekit::kv::KvError>(())
/// ```
pub struct Store {
    bucket: wasi::Bucket,
}

impl Store {
    /// Opens the store called `name` (`"default"` is the usual one).
    ///
    /// ```no_run
    /// let store = edgekit::kv::Store::open("default")?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn open(name: &str) -> Result<Store, KvError> {
        let bucket = wasi::open(name).map_err(KvError::from_wasi)?;
        Ok(Store { bucket })
    }

    /// The value of `key`, or `None`.
    ///
    /// ```no_run
    /// # let store = edgekit::kv::Store::open("default")?;
    /// let value: Option<Vec<u8>> = store.get("key")?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        self.bucket.get(key).map_err(KvError::from_wasi)
    }

    /// Sets `key` to `value`, replacing any value it had.
    ///
    /// ```no_run
    /// # let store = edgekit::kv::Store::open("default")?;
    /// store.set("key", b"value")?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn set(&self, key: &str, value: impl AsRef<[u8]>) -> Result<(), KvError> {
        self.bucket
            .set(key, value.as_ref())
            .map_err(KvError::from_wasi)
    }

    /// Deletes `key`; deleting a missing key is not an error.
    ///
    /// ```no_run
    /// # let store = edgekit::kv::Store::open("default")?;
    /// store.delete("key")?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn delete(&self, key: &str) -> Result<(), KvError> {
        self.bucket.delete(key).map_err(KvError::from_wasi)
    }

    /// Whether `key` has a value.
    ///
    /// ```no_run
    /// # let store = edgekit::kv::Store::open("default")?;
    /// if !store.exists("key")? {
    ///     store.set("key", "first")?;
    /// }
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn exists(&self, key: &str) -> Result<bool, KvError> {
        self.bucket.exists(key).map_err(KvError::from_wasi)
    }

    /// Every key in the store, reading all pages the platform returns.
    ///
    /// ```no_run
    /// # let store = edgekit::kv::Store::open("default")?;
    /// for key in store.list_keys()? {
    ///     println!("{key}");
    /// }
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn list_keys(&self) -> Result<Vec<String>, KvError> {
        let mut keys = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.bucket.list_keys(cursor).map_err(KvError::from_wasi)?;
            keys.extend(page.keys);
            match page.cursor {
                // A cursor that does not move would loop for ever.
                Some(next) if Some(next) != cursor => cursor = Some(next),
                _ => return Ok(keys),
            }
        }
    }

    /// The value of `key` parsed as JSON into `T`.
    ///
    /// ```no_run
    /// #[derive(serde::Deserialize)]
    /// struct Todo { title: String }
    /// # let store = edgekit::kv::Store::open("default")?;
    /// let todo: Option<Todo> = store.get_json("todo:1")?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, KvError> {
        match self.get(key)? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                KvError::new(format!("{key}: stored value is not the expected JSON: {e}"))
            }),
        }
    }

    /// Stores `value` as JSON under `key`.
    ///
    /// ```no_run
    /// #[derive(serde::Serialize)]
    /// struct Todo { title: String }
    /// # let store = edgekit::kv::Store::open("default")?;
    /// store.set_json("todo:1", &Todo { title: "write docs".into() })?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn set_json<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), KvError> {
        let bytes = serde_json::to_vec(value).map_err(|e| KvError::new(e.to_string()))?;
        self.set(key, bytes)
    }

    /// Adds `delta` to the number stored under `key` (missing counts as 0)
    /// atomically, and returns the new value.
    ///
    /// ```no_run
    /// # let store = edgekit::kv::Store::open("default")?;
    /// let id = store.increment("next-id", 1)?;
    /// # Ok::<(), edgekit::kv::KvError>(())
    /// ```
    pub fn increment(&self, key: &str, delta: u64) -> Result<u64, KvError> {
        wasi::increment(&self.bucket, key, delta).map_err(KvError::from_wasi)
    }
}

/// A key-value operation failed. Returned from a handler with `?`, it is an
/// internal error (`500` with a request id; the cause goes to stderr).
///
/// ```no_run
/// match edgekit::kv::Store::open("sessions") {
///     Ok(store) => {}
///     Err(e) => eprintln!("no store: {e}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvError {
    message: String,
}

impl KvError {
    fn new(message: String) -> KvError {
        KvError { message }
    }

    fn from_wasi(error: wasi::Error) -> KvError {
        KvError::new(match error {
            wasi::Error::NoSuchStore => "no such store".to_string(),
            wasi::Error::AccessDenied => "access to the store denied".to_string(),
            wasi::Error::Other(message) => message,
        })
    }
}

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key-value store: {}", self.message)
    }
}

impl std::error::Error for KvError {}
