//! Streaming an upload into the bucket: one `PutObject` when it fits in a
//! part, a multipart upload beyond, aborted on any failure. At most one part
//! is held in memory.

use bytes::Bytes;
use edgekit::StatusCode;
use sha2::{Digest, Sha256};

use crate::content_type::{Allowed, SNIFF_BYTES};
use crate::hex::hex;
use crate::part::Part;
use crate::s3::{Multipart, S3, S3Error, Write};
use crate::source::{ReadError, Source};

/// Where the object goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// This key.
    Key(String),
    /// `prefix` + the content's hex SHA-256 + `extension`, known at the end.
    ContentAddressed {
        prefix: String,
        extension: String,
        staging: String,
    },
}

/// The rules for one upload.
pub struct Plan<'a> {
    /// Where it goes.
    pub destination: Destination,
    /// The declared content type, stored with the object.
    pub content_type: String,
    /// Checks against the declared type and the first bytes.
    pub allowed: &'a Allowed,
    /// The most bytes accepted.
    pub max_bytes: u64,
    /// Bytes per part (and the single-request limit).
    pub part_size: usize,
    /// Fail on an existing key, or replace it.
    pub write: Write,
}

/// A stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// S3's ETag.
    pub etag: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Whether it went up in parts.
    pub multipart: bool,
}

/// Why an upload failed.
#[derive(Debug)]
pub enum UploadError {
    /// Reading the client's bytes failed (disconnect, bad form).
    Read(ReadError),
    /// More than the limit.
    TooLarge,
    /// A disallowed type; the reason.
    Type(String),
    /// The key exists and overwriting is off.
    Exists,
    /// S3 failed.
    S3(S3Error),
}

impl UploadError {
    /// The status answered.
    pub fn status(&self) -> StatusCode {
        match self {
            UploadError::Read(error) => error.status,
            UploadError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UploadError::Type(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            UploadError::Exists => StatusCode::CONFLICT,
            UploadError::S3(_) => StatusCode::BAD_GATEWAY,
        }
    }

    /// The message answered (S3's error code, never a credential).
    pub fn message(&self) -> String {
        match self {
            UploadError::Read(error) => error.message.clone(),
            UploadError::TooLarge => "the upload is larger than the limit".into(),
            UploadError::Type(why) => why.clone(),
            UploadError::Exists => "an object with this key already exists".into(),
            UploadError::S3(S3Error::Refused { code, .. }) => {
                format!("the storage refused the upload: {code}")
            }
            UploadError::S3(S3Error::Unreachable(_)) => "the storage is unreachable".into(),
        }
    }
}

/// Reads a part from `source`: up to `part_size` bytes (`carry` first),
/// keeping any excess in `carry`.
struct Reader<'a, S> {
    source: &'a mut S,
    carry: Option<Bytes>,
    total: u64,
    max_bytes: u64,
    hasher: Sha256,
    ended: bool,
}

impl<S: Source> Reader<'_, S> {
    /// The next chunk from the client, counted against the limit and
    /// hashed; `None` at the end.
    async fn pull(&mut self) -> Result<Option<Bytes>, UploadError> {
        if self.ended {
            return Ok(None);
        }
        match self.source.next_chunk().await.map_err(UploadError::Read)? {
            Some(chunk) => {
                self.total += chunk.len() as u64;
                if self.total > self.max_bytes {
                    return Err(UploadError::TooLarge);
                }
                self.hasher.update(&chunk);
                Ok(Some(chunk))
            }
            None => {
                self.ended = true;
                Ok(None)
            }
        }
    }

    /// The next part: `part_size` bytes, or fewer at the end, as the
    /// chunks they arrived in.
    async fn part(&mut self, part_size: usize) -> Result<Part, UploadError> {
        let mut part = Part::default();
        while part.len() < part_size {
            let chunk = match self.carry.take() {
                Some(chunk) => chunk,
                None => match self.pull().await? {
                    Some(chunk) => chunk,
                    None => break,
                },
            };
            let room = part_size - part.len();
            if chunk.len() > room {
                part.push(chunk.slice(..room));
                self.carry = Some(chunk.slice(room..));
            } else {
                part.push(chunk);
            }
        }
        Ok(part)
    }

    /// Whether more bytes follow what was read (the next chunk is kept).
    async fn has_more(&mut self) -> Result<bool, UploadError> {
        while self.carry.is_none() {
            match self.pull().await? {
                Some(chunk) if chunk.is_empty() => {}
                Some(chunk) => self.carry = Some(chunk),
                None => return Ok(false),
            }
        }
        Ok(true)
    }
}

/// Streams `source` into the bucket following `plan`.
pub async fn upload<S: Source>(
    s3: &S3,
    plan: &Plan<'_>,
    source: &mut S,
) -> Result<Stored, UploadError> {
    let mut reader = Reader {
        source,
        carry: None,
        total: 0,
        max_bytes: plan.max_bytes,
        hasher: Sha256::new(),
        ended: false,
    };
    let first = reader.part(plan.part_size).await?;
    // The first bytes decide the type check, before anything is sent.
    plan.allowed
        .check(&plan.content_type, &first.head(SNIFF_BYTES))
        .map_err(UploadError::Type)?;
    if !reader.has_more().await? {
        return single(s3, plan, first, reader.hasher.finalize().as_slice()).await;
    }
    let key = match &plan.destination {
        Destination::Key(key) => key.clone(),
        Destination::ContentAddressed { staging, .. } => staging.clone(),
    };
    let mut upload = s3
        .create_multipart(&key, &plan.content_type)
        .await
        .map_err(UploadError::S3)?;
    match parts(s3, plan, &mut reader, &mut upload, first).await {
        Ok(etag) => {
            let sha256 = hex(&reader.hasher.finalize());
            let size = reader.total;
            finish(s3, plan, &upload.key, etag, sha256, size).await
        }
        Err(error) => {
            // The original error is what the client needs; a failed abort
            // is logged, and a bucket lifecycle rule is the backstop.
            if let Err(abort) = s3.abort(&upload).await {
                eprintln!(
                    "aborting multipart upload of {:?} failed: {abort}",
                    upload.key
                );
            }
            Err(error)
        }
    }
}

/// Uploads every part from `first` on and completes the upload.
async fn parts<S: Source>(
    s3: &S3,
    plan: &Plan<'_>,
    reader: &mut Reader<'_, S>,
    upload: &mut Multipart,
    first: Part,
) -> Result<String, UploadError> {
    let mut part = first;
    loop {
        s3.upload_part(upload, part)
            .await
            .map_err(UploadError::S3)?;
        if !reader.has_more().await? {
            break;
        }
        if upload.parts.len() as u64 >= crate::config::MAX_PARTS {
            return Err(UploadError::TooLarge);
        }
        part = reader.part(plan.part_size).await?;
    }
    let write = match plan.destination {
        Destination::Key(_) => plan.write,
        // The staging key is fresh; the final copy is what lands.
        Destination::ContentAddressed { .. } => Write::Overwrite,
    };
    s3.complete(upload, write).await.map_err(|error| {
        if error.is_precondition_failed() {
            UploadError::Exists
        } else {
            UploadError::S3(error)
        }
    })
}

/// One `PutObject` for a body that fits in a part.
async fn single(
    s3: &S3,
    plan: &Plan<'_>,
    body: Part,
    digest: &[u8],
) -> Result<Stored, UploadError> {
    let sha256 = hex(digest);
    let key = match &plan.destination {
        Destination::Key(key) => key.clone(),
        Destination::ContentAddressed {
            prefix, extension, ..
        } => format!("{prefix}{sha256}{extension}"),
    };
    let size = body.len() as u64;
    let write = match plan.destination {
        Destination::Key(_) => plan.write,
        // The same key means the same bytes: replacing them changes nothing.
        Destination::ContentAddressed { .. } => Write::Overwrite,
    };
    let etag = s3
        .put_object(&key, body, &sha256, &plan.content_type, write)
        .await
        .map_err(|error| {
            if error.is_precondition_failed() {
                UploadError::Exists
            } else {
                UploadError::S3(error)
            }
        })?;
    Ok(Stored {
        key,
        size,
        etag,
        sha256,
        multipart: false,
    })
}

/// After a completed multipart upload: content-addressed objects move from
/// their staging key to their hash.
async fn finish(
    s3: &S3,
    plan: &Plan<'_>,
    uploaded_key: &str,
    etag: String,
    sha256: String,
    size: u64,
) -> Result<Stored, UploadError> {
    let Destination::ContentAddressed {
        prefix, extension, ..
    } = &plan.destination
    else {
        return Ok(Stored {
            key: uploaded_key.to_owned(),
            size,
            etag,
            sha256,
            multipart: true,
        });
    };
    let key = format!("{prefix}{sha256}{extension}");
    let copied = s3.copy(uploaded_key, &key, &plan.content_type).await;
    let deleted = s3.delete(uploaded_key).await;
    let etag = copied.map_err(UploadError::S3)?;
    deleted.map_err(UploadError::S3)?;
    Ok(Stored {
        key,
        size,
        etag,
        sha256,
        multipart: true,
    })
}
