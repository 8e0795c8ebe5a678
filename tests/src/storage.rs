//! [`Storage`]: the S3-compatible server (`s3s` over `s3s-fs`, SigV4 on)
//! over a fresh directory, removed when dropped, with the checks the
//! uploader's tests make of it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::s3_server::{S3Server, S3ServerOptions};

/// The access key the server accepts.
pub const ACCESS_KEY: &str = "AKIDUPLOADER";
/// The secret key the server accepts.
pub const SECRET_KEY: &str = "uploader-secret-key-never-shown";
/// The bucket it holds.
pub const BUCKET: &str = "uploads";

/// An S3 server over a fresh directory.
pub struct Storage {
    /// The server.
    pub server: S3Server,
    root: PathBuf,
}

impl Storage {
    /// Starts a server with the bucket [`BUCKET`] and the keys above.
    pub async fn start() -> Storage {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "edgekit-storage-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        let options = S3ServerOptions::new(&root, ACCESS_KEY, SECRET_KEY).domain("s3.test");
        let server = S3Server::start(options)
            .await
            .expect("the S3 server starts");
        server.create_bucket(BUCKET).unwrap();
        Storage { server, root }
    }

    /// Every key in the bucket.
    pub fn keys(&self) -> Vec<String> {
        self.server.keys(BUCKET)
    }

    /// An object's bytes.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        self.server.object(BUCKET, key)
    }

    /// Nothing stored and no multipart upload left open.
    pub fn assert_untouched(&self) {
        assert_eq!(
            self.keys(),
            Vec::<String>::new(),
            "the bucket holds nothing new"
        );
        self.assert_no_open_uploads();
    }

    /// No multipart upload is left open.
    pub fn assert_no_open_uploads(&self) {
        assert_eq!(
            self.server.open_multipart_uploads(),
            Vec::<String>::new(),
            "no multipart upload is left open"
        );
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
