//! The S3 calls the uploader makes, signed, over `edgekit::fetch`.

use std::fmt;
use std::time::{Duration, SystemTime};

use edgekit::{Body, FetchOptions, StatusCode, fetch_with};
use sha2::{Digest, Sha256};

use crate::endpoint::{Bucket, query_value};
use crate::hex::hex;
use crate::sign::{Payload, Signer};
use crate::xml;

/// The SHA-256 of no bytes: the payload hash of bodiless requests.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The largest S3 answer body read (error documents, upload ids).
const MAX_ANSWER: usize = 64 * 1024;

/// An S3 failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Error {
    /// S3 answered with an error: its HTTP status and error code.
    Refused { status: u16, code: String },
    /// S3 could not be reached or its answer was unusable.
    Unreachable(String),
}

impl S3Error {
    /// Whether a conditional write found the key taken.
    pub fn is_precondition_failed(&self) -> bool {
        matches!(self, S3Error::Refused { status: 412, .. })
            || matches!(self, S3Error::Refused { code, .. } if code == "PreconditionFailed")
    }
}

impl fmt::Display for S3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            S3Error::Refused { status, code } => {
                write!(f, "S3 refused the request: {code} ({status})")
            }
            S3Error::Unreachable(why) => write!(f, "S3 is unreachable: {why}"),
        }
    }
}

/// The bucket and the credentials to write to it.
pub struct S3 {
    bucket: Bucket,
    signer: Signer,
}

/// A multipart upload in progress.
#[derive(Debug)]
pub struct Multipart {
    /// The object's key.
    pub key: String,
    /// S3's id for the upload.
    pub upload_id: String,
    /// `(part number, etag)` of each uploaded part.
    pub parts: Vec<(u32, String)>,
}

/// Conditional writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Fail with `412` when the key exists (`If-None-Match: *`).
    IfAbsent,
    /// Replace whatever is there.
    Overwrite,
}

impl S3 {
    /// A client for `bucket` signing with `signer`.
    pub fn new(bucket: Bucket, signer: Signer) -> Self {
        Self { bucket, signer }
    }

    /// The bucket.
    pub fn bucket(&self) -> &Bucket {
        &self.bucket
    }

    /// The signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// `PutObject`: `body`, `len` bytes, whose signature covers `payload`.
    /// Returns the ETag.
    pub async fn put_object(
        &self,
        key: &str,
        body: Body,
        len: u64,
        payload: Payload<'_>,
        content_type: &str,
        write: Write,
    ) -> Result<String, S3Error> {
        let url = self.bucket.object_url(key);
        let mut headers = vec![("content-type", content_type.to_owned())];
        if write == Write::IfAbsent {
            headers.push(("if-none-match", "*".to_owned()));
        }
        let answer = self.send("PUT", &url, &headers, body, len, payload).await?;
        Ok(answer.etag)
    }

    /// What a conditional `PutObject` that failed without an answer really
    /// met. S3 may refuse such a write as soon as it has the headers and
    /// close the connection while the body is still being sent, so its
    /// `412` is lost with the connection: a key that exists now was taken.
    pub async fn recheck_conditional_put(&self, key: &str, error: S3Error) -> S3Error {
        if !matches!(error, S3Error::Unreachable(_)) {
            return error;
        }
        let url = self.bucket.object_url(key);
        match self.send_empty("HEAD", &url, &[]).await {
            Ok(_) => S3Error::Refused {
                status: 412,
                code: "PreconditionFailed".into(),
            },
            Err(_) => error,
        }
    }

    /// `CreateMultipartUpload`.
    pub async fn create_multipart(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<Multipart, S3Error> {
        let url = self.bucket.object_url_with_query(key, "uploads=");
        let headers = [("content-type", content_type.to_owned())];
        let answer = self.send_empty("POST", &url, &headers).await?;
        let upload_id = xml::element(&answer.body, "UploadId")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                S3Error::Unreachable("no UploadId in CreateMultipartUpload's answer".into())
            })?;
        Ok(Multipart {
            key: key.to_owned(),
            upload_id,
            parts: Vec::new(),
        })
    }

    /// `UploadPart`: the next part of `upload`, `len` bytes. Its payload is
    /// `UNSIGNED-PAYLOAD` (the headers stay signed): the part streams out
    /// as it is read, before its hash could be known, and hashing every
    /// byte a second time in the guest would halve the throughput.
    pub async fn upload_part(
        &self,
        upload: &mut Multipart,
        body: Body,
        len: u64,
    ) -> Result<(), S3Error> {
        let number = upload.parts.len() as u32 + 1;
        let url = self.bucket.object_url_with_query(
            &upload.key,
            &format!(
                "partNumber={number}&uploadId={}",
                query_value(&upload.upload_id)
            ),
        );
        let answer = self
            .send("PUT", &url, &[], body, len, Payload::Unsigned)
            .await?;
        upload.parts.push((number, answer.etag));
        Ok(())
    }

    /// `CompleteMultipartUpload`. Returns the ETag.
    pub async fn complete(&self, upload: &Multipart, write: Write) -> Result<String, S3Error> {
        let url = self.bucket.object_url_with_query(
            &upload.key,
            &format!("uploadId={}", query_value(&upload.upload_id)),
        );
        let mut document = String::from("<CompleteMultipartUpload>");
        for (number, etag) in &upload.parts {
            document.push_str(&format!(
                "<Part><PartNumber>{number}</PartNumber><ETag>{}</ETag></Part>",
                xml::escape(etag)
            ));
        }
        document.push_str("</CompleteMultipartUpload>");
        let mut headers = vec![("content-type", "application/xml".to_owned())];
        if write == Write::IfAbsent {
            headers.push(("if-none-match", "*".to_owned()));
        }
        let sha256 = hex(&Sha256::digest(document.as_bytes()));
        let len = document.len() as u64;
        let answer = self
            .send(
                "POST",
                &url,
                &headers,
                Body::from(document),
                len,
                Payload::Sha256(&sha256),
            )
            .await?;
        // A failure can come as a `200` whose body is an `<Error>`.
        if xml::root_is(&answer.body, "Error") {
            return Err(S3Error::Refused {
                status: 200,
                code: xml::element(&answer.body, "Code").unwrap_or_else(|| "InternalError".into()),
            });
        }
        Ok(xml::element(&answer.body, "ETag").map_or(answer.etag, |etag| unquote(&etag)))
    }

    /// `AbortMultipartUpload`: S3 drops the parts.
    pub async fn abort(&self, upload: &Multipart) -> Result<(), S3Error> {
        let url = self.bucket.object_url_with_query(
            &upload.key,
            &format!("uploadId={}", query_value(&upload.upload_id)),
        );
        self.send_empty("DELETE", &url, &[]).await.map(drop)
    }

    /// `CopyObject` within the bucket. Returns the ETag.
    pub async fn copy(&self, from: &str, to: &str, content_type: &str) -> Result<String, S3Error> {
        let url = self.bucket.object_url(to);
        let source = format!("/{}", self.bucket.object_path(from));
        let headers = [
            ("x-amz-copy-source", source),
            ("x-amz-metadata-directive", "REPLACE".to_owned()),
            ("content-type", content_type.to_owned()),
        ];
        let answer = self.send_empty("PUT", &url, &headers).await?;
        if xml::root_is(&answer.body, "Error") {
            return Err(S3Error::Refused {
                status: 200,
                code: xml::element(&answer.body, "Code").unwrap_or_else(|| "InternalError".into()),
            });
        }
        Ok(xml::element(&answer.body, "ETag").map_or(answer.etag, |etag| unquote(&etag)))
    }

    /// `DeleteObject`.
    pub async fn delete(&self, key: &str) -> Result<(), S3Error> {
        let url = self.bucket.object_url(key);
        self.send_empty("DELETE", &url, &[]).await.map(drop)
    }

    /// A request without a body.
    async fn send_empty(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Answer, S3Error> {
        let payload = Payload::Sha256(EMPTY_SHA256);
        self.send(method, url, headers, Body::empty(), 0, payload)
            .await
    }

    /// Signs and sends a request whose body is `len` bytes.
    async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Body,
        len: u64,
        payload: Payload<'_>,
    ) -> Result<Answer, S3Error> {
        let plain: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let signed = self
            .signer
            .headers(method, url, &plain, payload, SystemTime::now())
            .map_err(|e| S3Error::Unreachable(e.to_string()))?;
        let mut request = http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        for (name, value) in &signed {
            request = request.header(name.as_str(), value.as_str());
        }
        // Always said explicitly: S3-compatible servers check the length of
        // a signed payload, and a streamed part or a bodyless DELETE would
        // otherwise have none.
        request = request.header("content-length", len.to_string());
        let request = request
            .body(body)
            .map_err(|e| S3Error::Unreachable(e.to_string()))?;
        let options = FetchOptions::new()
            .connect_timeout(Duration::from_secs(10))
            .first_byte_timeout(Duration::from_secs(120))
            .between_bytes_timeout(Duration::from_secs(60));
        let response = fetch_with(request, &options)
            .await
            .map_err(|e| S3Error::Unreachable(e.to_string()))?;
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(unquote)
            .unwrap_or_default();
        let body = response
            .into_body()
            .limit(MAX_ANSWER)
            .bytes()
            .await
            .map_err(|e| S3Error::Unreachable(format!("reading S3's answer: {e}")))?;
        let body = String::from_utf8_lossy(&body).into_owned();
        if !status.is_success() {
            let code = xml::element(&body, "Code").unwrap_or_else(|| fallback_code(status));
            return Err(S3Error::Refused {
                status: status.as_u16(),
                code,
            });
        }
        Ok(Answer { etag, body })
    }
}

impl Bucket {
    /// `bucket/key`, encoded, as `x-amz-copy-source` names an object.
    fn object_path(&self, key: &str) -> String {
        let url = self.object_url(key);
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
        if self.is_path_style() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.name())
        }
    }
}

struct Answer {
    etag: String,
    body: String,
}

fn unquote(etag: &str) -> String {
    etag.trim().trim_matches('"').to_owned()
}

/// A code for error answers without an XML body (`HEAD`, some proxies).
fn fallback_code(status: StatusCode) -> String {
    match status.as_u16() {
        403 => "AccessDenied".into(),
        404 => "NotFound".into(),
        412 => "PreconditionFailed".into(),
        other => format!("HTTP{other}"),
    }
}
