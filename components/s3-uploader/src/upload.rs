//! Streaming an upload into the bucket: one `PutObject` when it fits in a
//! part, a multipart upload beyond, aborted on any failure.
//!
//! The client's bytes go through a [`Spool`] that part requests take them
//! from, so reading overlaps with sending. With a declared length the parts
//! are known up front and stream straight through (a little read-ahead is
//! all that is held); without one, a part is held until it is complete,
//! while the previous one is still being sent.

use std::future::poll_fn;
use std::pin::pin;
use std::task::Poll;

use edgekit::StatusCode;
use sha2::{Digest, Sha256};

use crate::content_type::{Allowed, SNIFF_BYTES};
use crate::hex::hex;
use crate::s3::{Multipart, S3, S3Error, Write};
use crate::sign::Payload;
use crate::source::{ReadError, Source};
use crate::spool::Spool;

/// Bytes read ahead of the part being sent: enough to keep both sides
/// busy, small beside a part.
const READ_AHEAD: usize = 1024 * 1024;

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
    /// The declared content type's essence, stored with the object.
    pub content_type: String,
    /// Checks against the declared type and the first bytes.
    pub allowed: &'a Allowed,
    /// The most bytes accepted.
    pub max_bytes: u64,
    /// Bytes per part (and the single-request limit).
    pub part_size: usize,
    /// Fail on an existing key, or replace it.
    pub write: Write,
    /// The body's length, when the client declared it.
    pub length: Option<u64>,
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
            // S3's codes are documented identifiers (`NoSuchBucket`);
            // anything else in their place is the storage's own text and
            // stays in the log.
            UploadError::S3(S3Error::Refused { code, .. }) if is_error_code(code) => {
                format!("the storage refused the upload: {code}")
            }
            UploadError::S3(S3Error::Refused { .. }) => "the storage refused the upload".into(),
            UploadError::S3(S3Error::Unreachable(_)) => "the storage is unreachable".into(),
        }
    }
}

/// Whether `code` looks like an S3 error code: a short identifier.
fn is_error_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// The client's bytes on their way into the spool: counted against the
/// limit and hashed, once each.
struct Intake<'a, S> {
    source: &'a mut S,
    spool: Spool,
    total: u64,
    max_bytes: u64,
    declared: Option<u64>,
    hasher: Sha256,
    ended: bool,
}

impl<S: Source> Intake<'_, S> {
    /// Moves the next chunk into the spool; `false` at the end.
    async fn read(&mut self) -> Result<bool, UploadError> {
        if self.ended {
            return Ok(false);
        }
        match self.source.next_chunk().await.map_err(UploadError::Read)? {
            Some(chunk) => {
                self.total += chunk.len() as u64;
                if self.total > self.max_bytes {
                    return Err(UploadError::TooLarge);
                }
                self.hasher.update(&chunk);
                self.spool.push(chunk);
                Ok(true)
            }
            None if self.declared.is_some_and(|length| self.total < length) => {
                Err(UploadError::Read(ReadError::bad_request(
                    "the upload ended before its declared length",
                )))
            }
            None => {
                self.ended = true;
                Ok(false)
            }
        }
    }

    /// Reads until at least `n` bytes are spooled or the body ends.
    async fn fill(&mut self, n: usize) -> Result<(), UploadError> {
        while self.spool.len() < n && self.read().await? {}
        Ok(())
    }

    /// Reads to the end, keeping fewer than `limit` bytes spooled (a body
    /// taking bytes out makes room).
    async fn read_ahead(&mut self, limit: usize) -> Result<(), UploadError> {
        loop {
            self.spool.room(limit).await;
            if !self.read().await? {
                return Ok(());
            }
        }
    }

    /// Runs `send` to its end while reading ahead up to `limit` spooled
    /// bytes. A read failure fails the body in flight (if it still waits
    /// for bytes) and is returned beside `send`'s result: it is the cause
    /// the client needs.
    async fn while_sending<T>(
        &mut self,
        limit: usize,
        send: impl Future<Output = T>,
    ) -> (T, Result<(), UploadError>) {
        let spool = self.spool.clone();
        let mut send = pin!(send);
        let mut ahead = pin!(self.read_ahead(limit));
        let mut read = None;
        let sent = poll_fn(|cx| {
            if read.is_none()
                && let Poll::Ready(result) = ahead.as_mut().poll(cx)
            {
                if result.is_err() {
                    spool.fail();
                }
                read = Some(result);
            }
            send.as_mut().poll(cx)
        })
        .await;
        (sent, read.unwrap_or(Ok(())))
    }

    /// The hex SHA-256 of everything read.
    fn sha256(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }
}

/// Streams `source` into the bucket following `plan`.
pub async fn upload<S: Source>(
    s3: &S3,
    plan: &Plan<'_>,
    source: &mut S,
) -> Result<Stored, UploadError> {
    let spool = Spool::default();
    let mut intake = Intake {
        source,
        spool: spool.clone(),
        total: 0,
        max_bytes: plan.max_bytes,
        declared: plan.length,
        hasher: Sha256::new(),
        ended: false,
    };
    // The first bytes decide the type check, before anything is sent.
    intake.fill(SNIFF_BYTES).await?;
    plan.allowed
        .check(&plan.content_type, &spool.head(SNIFF_BYTES))
        .map_err(UploadError::Type)?;
    let part_size = plan.part_size as u64;
    match (plan.length, &plan.destination) {
        // Known to fit in one request, and the key does not depend on the
        // bytes: they stream straight through.
        (Some(length), Destination::Key(key)) if length > 0 && length <= part_size => {
            return streamed_single(s3, plan, &mut intake, key, length).await;
        }
        (Some(length), _) if length > part_size => {}
        // Otherwise one byte past a part tells whether a single request
        // does.
        _ => {
            intake.fill(plan.part_size + 1).await?;
            if intake.ended {
                return buffered_single(s3, plan, &mut intake).await;
            }
        }
    }
    let key = match &plan.destination {
        Destination::Key(key) => key.clone(),
        Destination::ContentAddressed { staging, .. } => staging.clone(),
    };
    let mut upload = s3
        .create_multipart(&key, &plan.content_type)
        .await
        .map_err(UploadError::S3)?;
    match parts(s3, plan, &mut intake, &mut upload).await {
        Ok(etag) => {
            let sha256 = intake.sha256();
            finish(s3, plan, &upload.key, etag, sha256, intake.total).await
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

/// Uploads every part and completes the upload. With a declared length a
/// part's request starts at once and takes the bytes as they come; without
/// one, a part is sent once it is complete (or the body ended).
async fn parts<S: Source>(
    s3: &S3,
    plan: &Plan<'_>,
    intake: &mut Intake<'_, S>,
    upload: &mut Multipart,
) -> Result<String, UploadError> {
    let mut sent = 0u64;
    let limit = match plan.length {
        Some(_) => READ_AHEAD,
        None => plan.part_size + READ_AHEAD,
    };
    loop {
        let len = match plan.length {
            Some(length) => (length - sent).min(plan.part_size as u64),
            None => {
                intake.fill(plan.part_size).await?;
                intake.spool.len().min(plan.part_size) as u64
            }
        };
        if len == 0 {
            break;
        }
        if upload.parts.len() as u64 >= crate::config::MAX_PARTS {
            return Err(UploadError::TooLarge);
        }
        let body = intake.spool.body(len);
        let (uploaded, read) = intake
            .while_sending(limit, s3.upload_part(upload, body, len))
            .await;
        read?;
        uploaded.map_err(UploadError::S3)?;
        sent += len;
    }
    let write = match plan.destination {
        Destination::Key(_) => plan.write,
        // The staging key is fresh; the final copy is what lands.
        Destination::ContentAddressed { .. } => Write::Overwrite,
    };
    s3.complete(upload, write).await.map_err(conflict_or_s3)
}

/// One `PutObject` of a declared length, streamed as it is read: its
/// payload is `UNSIGNED-PAYLOAD`, since the hash is only known at the end.
async fn streamed_single<S: Source>(
    s3: &S3,
    plan: &Plan<'_>,
    intake: &mut Intake<'_, S>,
    key: &str,
    length: u64,
) -> Result<Stored, UploadError> {
    let body = intake.spool.body(length);
    let put = s3.put_object(
        key,
        body,
        length,
        Payload::Unsigned,
        &plan.content_type,
        plan.write,
    );
    let (etag, read) = intake.while_sending(READ_AHEAD, put).await;
    read?;
    let etag = settle(s3, key, plan.write, etag).await?;
    Ok(Stored {
        key: key.to_owned(),
        size: intake.total,
        etag,
        sha256: intake.sha256(),
        multipart: false,
    })
}

/// One `PutObject` of a body read whole (it ended within a part): its
/// SHA-256 is known, so it is signed.
async fn buffered_single<S: Source>(
    s3: &S3,
    plan: &Plan<'_>,
    intake: &mut Intake<'_, S>,
) -> Result<Stored, UploadError> {
    let sha256 = intake.sha256();
    let key = match &plan.destination {
        Destination::Key(key) => key.clone(),
        Destination::ContentAddressed {
            prefix, extension, ..
        } => format!("{prefix}{sha256}{extension}"),
    };
    let write = match plan.destination {
        Destination::Key(_) => plan.write,
        // The same key means the same bytes: replacing them changes nothing.
        Destination::ContentAddressed { .. } => Write::Overwrite,
    };
    let size = intake.total;
    let body = intake.spool.body(size);
    let put = s3
        .put_object(
            &key,
            body,
            size,
            Payload::Sha256(&sha256),
            &plan.content_type,
            write,
        )
        .await;
    let etag = settle(s3, &key, write, put).await?;
    Ok(Stored {
        key,
        size,
        etag,
        sha256,
        multipart: false,
    })
}

/// A single `PutObject`'s outcome, with a conditional write that lost its
/// answer rechecked (see [`S3::recheck_conditional_put`]).
async fn settle(
    s3: &S3,
    key: &str,
    write: Write,
    put: Result<String, S3Error>,
) -> Result<String, UploadError> {
    let put = match put {
        Err(e) if write == Write::IfAbsent => Err(s3.recheck_conditional_put(key, e).await),
        other => other,
    };
    put.map_err(conflict_or_s3)
}

fn conflict_or_s3(error: S3Error) -> UploadError {
    if error.is_precondition_failed() {
        UploadError::Exists
    } else {
        UploadError::S3(error)
    }
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
