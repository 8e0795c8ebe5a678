//! [`S3Server`]: a real S3-compatible server (`s3s` over `s3s-fs`) on a
//! local address, with SigV4 authentication, storing objects as files under
//! a directory.
//!
//! Nothing here is specific to tests: the caller chooses the directory, the
//! address, the credentials and the virtual-host domain. Buckets are the
//! directory's sub-folders, objects the files in them.
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! use edgekit_host::s3_server::{S3Server, S3ServerOptions};
//! let server = S3Server::start(S3ServerOptions::new("/tmp/s3-data", "AKID", "SECRET")).await?;
//! server.create_bucket("uploads")?;
//! println!("S3 endpoint: {}", server.endpoint());
//! # Ok(()) }
//! ```

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::access::{S3Access, S3AccessContext};
use s3s::auth::SimpleAuth;
use s3s::host::MultiDomain;
use s3s::path::S3Path;
use s3s::service::S3ServiceBuilder;
use s3s::{S3Result, s3_error};
use tokio::net::TcpListener;

/// How to start an [`S3Server`].
#[derive(Debug, Clone)]
pub struct S3ServerOptions {
    /// The directory holding the buckets (created if missing).
    pub root: PathBuf,
    /// The address to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The access key id requests must be signed with.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
    /// A base domain for virtual-hosted-style requests
    /// (`bucket.<domain>`); path-style requests always work.
    pub domain: Option<String>,
}

impl S3ServerOptions {
    /// Options for a server on a free loopback port.
    pub fn new(root: impl Into<PathBuf>, access_key_id: &str, secret_access_key: &str) -> Self {
        Self {
            root: root.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            domain: None,
        }
    }

    /// Accepts virtual-hosted-style requests under `domain`.
    pub fn domain(mut self, domain: &str) -> Self {
        self.domain = Some(domain.into());
        self
    }
}

/// A running S3 server; dropped, it stops accepting connections.
pub struct S3Server {
    addr: SocketAddr,
    root: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl S3Server {
    /// Starts serving; fails if the directory or the address is unusable.
    pub async fn start(options: S3ServerOptions) -> io::Result<S3Server> {
        std::fs::create_dir_all(&options.root)?;
        let root = options.root.canonicalize()?;
        let fs = s3s_fs::FileSystem::new(&root).map_err(|e| io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(
            options.access_key_id,
            options.secret_access_key,
        ));
        builder.set_access(ExistingBuckets { root: root.clone() });
        if let Some(domain) = &options.domain {
            let host =
                MultiDomain::new([domain.as_str()]).map_err(|e| io::Error::other(e.to_string()))?;
            builder.set_host(host);
        }
        let service = builder.build();
        let listener = TcpListener::bind(options.addr).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let connections = ConnBuilder::new(TokioExecutor::new());
            while let Ok((socket, _)) = listener.accept().await {
                let connection = connections
                    .serve_connection(TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
        });
        Ok(S3Server { addr, root, task })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, the endpoint clients use.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The directory holding the buckets.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates a bucket (an empty folder), if it does not exist.
    pub fn create_bucket(&self, name: &str) -> io::Result<()> {
        std::fs::create_dir_all(self.root.join(name))
    }

    /// The bytes of an object, if it exists.
    pub fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let path = self.root.join(bucket).join(key);
        path.is_file().then(|| std::fs::read(path).ok()).flatten()
    }

    /// Every object key in a bucket, sorted.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else if let Ok(relative) = path.strip_prefix(base) {
                    out.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let base = self.root.join(bucket);
        let mut keys = Vec::new();
        walk(&base, &base, &mut keys);
        keys.sort();
        keys
    }

    /// The ids of multipart uploads that were started and neither completed
    /// nor aborted, with any of their parts still stored.
    pub fn open_multipart_uploads(&self) -> Vec<String> {
        let mut open: Vec<String> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(id) = name
                    .strip_prefix(".upload-")
                    .and_then(|n| n.strip_suffix(".json"))
                {
                    Some(id.to_owned())
                } else {
                    name.strip_prefix(".upload_id-")
                        .and_then(|n| n.split_once(".part-"))
                        .map(|(id, _)| id.to_owned())
                }
            })
            .collect();
        open.sort();
        open.dedup();
        open
    }
}

/// Signed requests only, and only to buckets that exist: `s3s-fs` alone
/// would create a missing bucket's folder on the first `PutObject`, where S3
/// answers `NoSuchBucket`.
struct ExistingBuckets {
    root: PathBuf,
}

#[async_trait::async_trait]
impl S3Access for ExistingBuckets {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        if cx.credentials().is_none() {
            return Err(s3_error!(AccessDenied, "Signature is required"));
        }
        let bucket = match cx.s3_path() {
            S3Path::Bucket { bucket } | S3Path::Object { bucket, .. } => bucket,
            S3Path::Root => return Ok(()),
        };
        let creates = cx.s3_op().name() == "CreateBucket";
        if !creates && !self.root.join(&**bucket).is_dir() {
            return Err(s3_error!(NoSuchBucket));
        }
        Ok(())
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
