//! SigV4 signing of S3 requests, in headers or in a presigned URL, with
//! the AWS SDK's own signer (`aws-sigv4`).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

/// What the signature says about the body.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The body's SHA-256, hex: the server checks the bytes against it.
    Sha256(&'a str),
    /// `UNSIGNED-PAYLOAD`: presigned URLs, whose body is not known yet,
    /// and bodies streamed before their hash is known. The headers (and
    /// the declared length) stay signed.
    Unsigned,
}

/// Signs requests for one set of credentials, region and service.
///
/// ```ignore
/// let signer = Signer::new("AKID", "secret", None, "us-east-1");
/// let signed = signer.headers("PUT", "https://b.s3.amazonaws.com/k", &[], Payload::Sha256(&hash), SystemTime::now())?;
/// ```
pub struct Signer {
    identity: Identity,
    region: String,
    profile: Profile,
}

/// How the canonical request is formed: S3's way, or (for the AWS test
/// suite) the generic way other services use.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// The service name in the credential scope.
    pub service: &'static str,
    /// Encode the (already encoded) path a second time.
    pub double_encode: bool,
    /// Remove `.`/`..` segments and duplicate slashes before signing.
    pub normalize_path: bool,
    /// Add `x-amz-content-sha256` (S3 requires it).
    pub content_sha256_header: bool,
    /// Sign the session token (`false`: add it after signing).
    pub sign_session_token: bool,
}

impl Profile {
    /// S3: single encoding, no path normalization, `x-amz-content-sha256`.
    pub const S3: Profile = Profile {
        service: "s3",
        double_encode: false,
        normalize_path: false,
        content_sha256_header: true,
        sign_session_token: true,
    };
}

/// A signing failure (an unusable header or URL).
#[derive(Debug)]
pub struct SignError(String);

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "signing failed: {}", self.0)
    }
}

impl std::error::Error for SignError {}

impl Signer {
    /// A signer for S3 in `region`.
    pub fn new(
        access_key_id: &str,
        secret: &str,
        session_token: Option<&str>,
        region: &str,
    ) -> Self {
        Self::with_profile(access_key_id, secret, session_token, region, Profile::S3)
    }

    /// A signer with another [`Profile`].
    pub fn with_profile(
        access_key_id: &str,
        secret: &str,
        session_token: Option<&str>,
        region: &str,
        profile: Profile,
    ) -> Self {
        let credentials = Credentials::new(
            access_key_id,
            secret,
            session_token.map(str::to_owned),
            None,
            "s3-uploader",
        );
        Self {
            identity: credentials.into(),
            region: region.to_owned(),
            profile,
        }
    }

    /// The headers that sign the request (`authorization`, `x-amz-date`,
    /// `x-amz-content-sha256`, `x-amz-security-token`), to add to it.
    /// `headers` are the ones it will carry besides `host`.
    pub fn headers(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        payload: Payload<'_>,
        time: SystemTime,
    ) -> Result<Vec<(String, String)>, SignError> {
        let instructions = self.sign(method, url, headers, payload, time, None)?;
        Ok(instructions
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect())
    }

    /// The query parameters of a presigned URL valid for `expires_in`;
    /// `headers` (besides `host`) are signed too, so the uploader must send
    /// them unchanged.
    pub fn query(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        payload: Payload<'_>,
        time: SystemTime,
        expires_in: Duration,
    ) -> Result<Vec<(String, String)>, SignError> {
        let instructions = self.sign(method, url, headers, payload, time, Some(expires_in))?;
        Ok(instructions
            .params()
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.to_string()))
            .collect())
    }

    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        payload: Payload<'_>,
        time: SystemTime,
        expires_in: Option<Duration>,
    ) -> Result<aws_sigv4::http_request::SigningInstructions, SignError> {
        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = if self.profile.double_encode {
            PercentEncodingMode::Double
        } else {
            PercentEncodingMode::Single
        };
        settings.uri_path_normalization_mode = if self.profile.normalize_path {
            UriPathNormalizationMode::Enabled
        } else {
            UriPathNormalizationMode::Disabled
        };
        settings.payload_checksum_kind = if self.profile.content_sha256_header {
            PayloadChecksumKind::XAmzSha256
        } else {
            PayloadChecksumKind::NoHeader
        };
        settings.session_token_mode = if self.profile.sign_session_token {
            SessionTokenMode::Include
        } else {
            SessionTokenMode::Exclude
        };
        if let Some(expires_in) = expires_in {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(expires_in);
            // A presigned URL's body is sent later by someone else: no
            // `x-amz-content-sha256` header for them to reproduce.
            settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
        }
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(self.profile.service)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| SignError(e.to_string()))?
            .into();
        let body = match payload {
            Payload::Sha256(hex) => SignableBody::Precomputed(hex.to_owned()),
            Payload::Unsigned => SignableBody::UnsignedPayload,
        };
        let request = SignableRequest::new(method, url, headers.iter().copied(), body)
            .map_err(|e| SignError(e.to_string()))?;
        let (instructions, _signature) = sign(request, &params)
            .map_err(|e| SignError(e.to_string()))?
            .into_parts();
        Ok(instructions)
    }
}

#[cfg(test)]
mod suite;
