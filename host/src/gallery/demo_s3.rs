//! The gallery's S3-compatible server: [`S3Server`] on a loopback port,
//! storing into a fresh temporary directory, with SigV4 credentials drawn at
//! start-up and one bucket. The templates reach it as `http://s3.demo/`.

use crate::s3_server::{S3Server, S3ServerOptions};
use std::path::{Path, PathBuf};

/// The host name the templates use for the embedded S3 server.
pub const S3_HOST: &str = "s3.demo";
/// The bucket created for the demos.
pub const S3_BUCKET: &str = "uploads";

/// Prefix of the temporary directories, followed by the process id, so a
/// later gallery can remove the ones a killed gallery left behind.
const DIR_PREFIX: &str = "edgekit-gallery-s3-";

/// The running server and the credentials it accepts. Dropped, it stops and
/// its directory is removed.
pub(crate) struct DemoS3 {
    pub server: S3Server,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl DemoS3 {
    /// Starts the server in a new directory under the system's temporary
    /// directory, with a bucket named [`S3_BUCKET`].
    pub async fn start() -> anyhow::Result<DemoS3> {
        let temp = std::env::temp_dir();
        remove_stale_directories(&temp);
        let root = temp.join(format!(
            "{DIR_PREFIX}{}-{}",
            std::process::id(),
            random_text(8)?
        ));
        // The access key id is not a secret in S3 either; the prefix makes it
        // recognisable in logs.
        let access_key_id = format!("EDGEKITDEMO{}", random_text(10)?).to_ascii_uppercase();
        let secret_access_key = random_text(20)?;
        let server = S3Server::start(S3ServerOptions::new(
            &root,
            &access_key_id,
            &secret_access_key,
        ))
        .await?;
        server.create_bucket(S3_BUCKET)?;
        Ok(DemoS3 {
            server,
            access_key_id,
            secret_access_key,
        })
    }

    /// Where the objects are stored.
    pub fn root(&self) -> &Path {
        self.server.root()
    }

    /// `text` with the placeholders a `[demo]` table may use for the
    /// generated credentials replaced by them.
    pub fn substitute(&self, text: &str) -> String {
        text.replace("${S3_DEMO_ACCESS_KEY_ID}", &self.access_key_id)
            .replace("${S3_DEMO_SECRET_ACCESS_KEY}", &self.secret_access_key)
    }
}

impl Drop for DemoS3 {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.server.root());
    }
}

/// `2 * bytes` lowercase hexadecimal characters from the OS's random source
/// (never a weaker one: the credentials guard a writable bucket).
fn random_text(bytes: usize) -> anyhow::Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|e| anyhow::anyhow!("the OS's random source is unavailable: {e}"))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// Removes the directories of galleries that are no longer running (killed
/// before they could clean up). Only where `/proc` tells which processes
/// run; elsewhere they stay for the system to clear.
fn remove_stale_directories(temp: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owner_pid(&name) else {
            continue;
        };
        if pid != std::process::id() && !PathBuf::from(format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The process id in a directory name made by [`DemoS3::start`].
fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(DIR_PREFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.len() != 16 || !random.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_directories_named_by_a_gallery_have_an_owner() {
        assert_eq!(
            owner_pid("edgekit-gallery-s3-42-0123456789abcdef"),
            Some(42)
        );
        assert_eq!(owner_pid("edgekit-gallery-s3-42-short"), None);
        assert_eq!(owner_pid("edgekit-gallery-s3-x-0123456789abcdef"), None);
        assert_eq!(owner_pid("something-else-42-0123456789abcdef"), None);
    }

    #[test]
    fn credentials_differ_each_time() {
        assert_eq!(random_text(8).unwrap().len(), 16);
        assert_ne!(random_text(20).unwrap(), random_text(20).unwrap());
    }

    #[tokio::test]
    async fn the_server_has_its_bucket_and_removes_its_directory() {
        let demo = DemoS3::start().await.unwrap();
        let root = demo.root().to_path_buf();
        assert!(root.join(S3_BUCKET).is_dir());
        assert!(demo.access_key_id.starts_with("EDGEKITDEMO"));
        assert_eq!(
            demo.substitute("${S3_DEMO_ACCESS_KEY_ID}:${S3_DEMO_SECRET_ACCESS_KEY}"),
            format!("{}:{}", demo.access_key_id, demo.secret_access_key)
        );
        drop(demo);
        assert!(!root.exists());
    }
}
