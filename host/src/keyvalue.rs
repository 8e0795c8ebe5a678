//! `wasi:keyvalue@0.2.0-draft` (the version `wasmtime-wasi-keyvalue` 48
//! implements, WIT vendored in `wit/keyvalue/`), backed by in-memory stores
//! that outlive each request's instance — `wasmtime-wasi-keyvalue`'s own
//! in-memory provider copies the data into each opened bucket, so nothing
//! written would reach the next request.
//!
//! Any store name opens (and creates) that store. Limits keep a guest from
//! growing the host without end: see [`KV_LIMITS`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use wasmtime::component::{HasData, Linker, Resource, ResourceTable, ResourceTableError};

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit/keyvalue",
        world: "wasi:keyvalue/imports@0.2.0-draft",
        imports: { default: trappable },
        with: {
            "wasi:keyvalue/store.bucket": super::Bucket,
        },
        trappable_error_type: {
            "wasi:keyvalue/store.error" => super::KvError,
        },
    });
}

use generated::wasi::keyvalue::{atomics, batch, store};

/// Bounds on what guests may store.
pub(crate) struct KvLimits {
    pub key_bytes: usize,
    pub value_bytes: usize,
    pub keys_per_store: usize,
    pub stores: usize,
    pub page: usize,
}

/// Keys up to 1 KiB, values up to 1 MiB (as Spin allows), 100,000 keys a
/// store, 64 stores; `list-keys` pages of 1,000.
pub(crate) const KV_LIMITS: KvLimits = KvLimits {
    key_bytes: 1024,
    value_bytes: 1 << 20,
    keys_per_store: 100_000,
    stores: 64,
    page: 1000,
};

/// The key-value stores of one host, shared by all its requests.
///
/// ```no_run
/// # async fn f() -> anyhow::Result<()> {
/// let host = edgekit_host::Host::builder("todo.wasm")
///     .kv("default", "greeting", "hello")
///     .build()
///     .await?;
/// host.send(http::Request::post("/todos").body(String::from(r#"{"title":"x"}"#))?).await?;
/// assert!(!host.kv_stores().keys("default").is_empty());
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct KvStores {
    stores: Arc<Mutex<Stores>>,
}

/// Store name → key → value; keys sorted for stable `list-keys` pages.
type Stores = HashMap<String, BTreeMap<String, Vec<u8>>>;

impl KvStores {
    /// Sets `key` in `store` (created if needed), bypassing the guest limits.
    ///
    /// ```
    /// let kv = edgekit_host::KvStores::default();
    /// kv.set("default", "a", "1");
    /// assert_eq!(kv.get("default", "a").as_deref(), Some(&b"1"[..]));
    /// ```
    pub fn set(&self, store: &str, key: &str, value: impl Into<Vec<u8>>) {
        self.lock()
            .entry(store.to_string())
            .or_default()
            .insert(key.to_string(), value.into());
    }

    /// The value of `key` in `store`.
    ///
    /// ```
    /// let kv = edgekit_host::KvStores::default();
    /// assert_eq!(kv.get("default", "missing"), None);
    /// ```
    pub fn get(&self, store: &str, key: &str) -> Option<Vec<u8>> {
        self.lock().get(store)?.get(key).cloned()
    }

    /// The keys of `store`, sorted.
    ///
    /// ```
    /// let kv = edgekit_host::KvStores::default();
    /// kv.set("s", "b", "2");
    /// kv.set("s", "a", "1");
    /// assert_eq!(kv.keys("s"), ["a", "b"]);
    /// ```
    pub fn keys(&self, store: &str) -> Vec<String> {
        self.lock()
            .get(store)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Loads a seed file: a JSON object of stores, each an object of keys to
    /// values (strings are stored as their UTF-8 bytes, anything else as its
    /// JSON text).
    ///
    /// ```no_run
    /// let kv = edgekit_host::KvStores::default();
    /// kv.seed_file("kv.json".as_ref())?;
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn seed_file(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading key-value seed file {}", path.display()))?;
        let seed: HashMap<String, HashMap<String, serde_json::Value>> = serde_json::from_str(&text)
            .with_context(|| {
                format!(
                    "{}: expected {{\"store\": {{\"key\": \"value\"}}}}",
                    path.display()
                )
            })?;
        for (store, entries) in seed {
            for (key, value) in entries {
                let bytes = match value {
                    serde_json::Value::String(text) => text.into_bytes(),
                    other => other.to_string().into_bytes(),
                };
                self.set(&store, &key, bytes);
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stores> {
        // A panic while holding the lock cannot leave a map half-updated in
        // a way later readers care about, so a poisoned lock is still used.
        self.stores.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An open store, as the guest holds it.
pub struct Bucket {
    name: String,
}

/// `wasi:keyvalue/store.error`, as the host raises it.
pub enum KvError {
    NoSuchStore,
    Other(String),
}

impl From<ResourceTableError> for KvError {
    fn from(err: ResourceTableError) -> Self {
        KvError::Other(err.to_string())
    }
}

/// What the bindings see of a request's state.
pub(crate) struct KvView<'a> {
    pub stores: &'a KvStores,
    pub table: &'a mut ResourceTable,
}

struct HasKv;

impl HasData for HasKv {
    type Data<'a> = KvView<'a>;
}

/// Adds `wasi:keyvalue` (store, atomics, batch) to the linker.
pub(crate) fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> KvView<'_>,
) -> anyhow::Result<()> {
    store::add_to_linker::<_, HasKv>(linker, view)?;
    atomics::add_to_linker::<_, HasKv>(linker, view)?;
    batch::add_to_linker::<_, HasKv>(linker, view)?;
    Ok(())
}

impl KvView<'_> {
    fn name(&self, bucket: &Resource<Bucket>) -> Result<String, KvError> {
        Ok(self.table.get(bucket)?.name.clone())
    }

    /// Runs `f` on the bucket's store.
    fn with<R>(
        &mut self,
        bucket: &Resource<Bucket>,
        f: impl FnOnce(&mut BTreeMap<String, Vec<u8>>) -> Result<R, KvError>,
    ) -> Result<R, KvError> {
        let name = self.name(bucket)?;
        let mut stores = self.stores.lock();
        let store = stores.get_mut(&name).ok_or(KvError::NoSuchStore)?;
        f(store)
    }
}

/// Checks one write against the limits.
fn check_write(store: &BTreeMap<String, Vec<u8>>, key: &str, value: &[u8]) -> Result<(), KvError> {
    if key.len() > KV_LIMITS.key_bytes {
        return Err(KvError::Other(format!(
            "key longer than {} bytes",
            KV_LIMITS.key_bytes
        )));
    }
    if value.len() > KV_LIMITS.value_bytes {
        return Err(KvError::Other(format!(
            "value larger than {} bytes",
            KV_LIMITS.value_bytes
        )));
    }
    if !store.contains_key(key) && store.len() >= KV_LIMITS.keys_per_store {
        return Err(KvError::Other(format!(
            "store full ({} keys)",
            KV_LIMITS.keys_per_store
        )));
    }
    Ok(())
}

impl store::Host for KvView<'_> {
    fn open(&mut self, identifier: String) -> Result<Resource<Bucket>, KvError> {
        {
            let mut stores = self.stores.lock();
            if !stores.contains_key(&identifier) {
                if stores.len() >= KV_LIMITS.stores || identifier.len() > KV_LIMITS.key_bytes {
                    return Err(KvError::NoSuchStore);
                }
                stores.insert(identifier.clone(), BTreeMap::new());
            }
        }
        Ok(self.table.push(Bucket { name: identifier })?)
    }

    fn convert_error(&mut self, err: KvError) -> wasmtime::Result<store::Error> {
        Ok(match err {
            KvError::NoSuchStore => store::Error::NoSuchStore,
            KvError::Other(message) => store::Error::Other(message),
        })
    }
}

impl store::HostBucket for KvView<'_> {
    fn get(&mut self, bucket: Resource<Bucket>, key: String) -> Result<Option<Vec<u8>>, KvError> {
        self.with(&bucket, |store| Ok(store.get(&key).cloned()))
    }

    fn set(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        value: Vec<u8>,
    ) -> Result<(), KvError> {
        self.with(&bucket, |store| {
            check_write(store, &key, &value)?;
            store.insert(key, value);
            Ok(())
        })
    }

    fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> Result<(), KvError> {
        self.with(&bucket, |store| {
            store.remove(&key);
            Ok(())
        })
    }

    fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> Result<bool, KvError> {
        self.with(&bucket, |store| Ok(store.contains_key(&key)))
    }

    /// Keys in sorted order, a page at a time; the cursor is the index of
    /// the next key.
    fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        cursor: Option<u64>,
    ) -> Result<store::KeyResponse, KvError> {
        self.with(&bucket, |store| {
            let start = usize::try_from(cursor.unwrap_or(0)).unwrap_or(usize::MAX);
            let keys: Vec<String> = store
                .keys()
                .skip(start)
                .take(KV_LIMITS.page)
                .cloned()
                .collect();
            let next = start.saturating_add(keys.len());
            let cursor = (next < store.len()).then_some(next as u64);
            Ok(store::KeyResponse { keys, cursor })
        })
    }

    fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

impl atomics::Host for KvView<'_> {
    /// Values are decimal text (`"41"`), so `get` and `increment` agree.
    fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: u64,
    ) -> Result<u64, KvError> {
        self.with(&bucket, |store| {
            let current = match store.get(&key) {
                None => 0,
                Some(bytes) => std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|text| text.trim().parse::<u64>().ok())
                    .ok_or_else(|| KvError::Other(format!("{key}: not a number")))?,
            };
            let next = current
                .checked_add(delta)
                .ok_or_else(|| KvError::Other(format!("{key}: overflow")))?;
            let text = next.to_string().into_bytes();
            check_write(store, &key, &text)?;
            store.insert(key, text);
            Ok(next)
        })
    }
}

impl batch::Host for KvView<'_> {
    fn get_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> Result<Vec<Option<(String, Vec<u8>)>>, KvError> {
        self.with(&bucket, |store| {
            Ok(keys
                .into_iter()
                .map(|key| store.get(&key).cloned().map(|value| (key, value)))
                .collect())
        })
    }

    fn set_many(
        &mut self,
        bucket: Resource<Bucket>,
        key_values: Vec<(String, Vec<u8>)>,
    ) -> Result<(), KvError> {
        self.with(&bucket, |store| {
            for (key, value) in key_values {
                check_write(store, &key, &value)?;
                store.insert(key, value);
            }
            Ok(())
        })
    }

    fn delete_many(&mut self, bucket: Resource<Bucket>, keys: Vec<String>) -> Result<(), KvError> {
        self.with(&bucket, |store| {
            for key in keys {
                store.remove(&key);
            }
            Ok(())
        })
    }
}
