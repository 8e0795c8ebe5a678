//! `MODE=proxy`: `PUT`/`POST /<key>` with the file as the body, and
//! `POST /` with a `multipart/form-data` form, streamed into the bucket.

use edgekit::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use edgekit::{Body, Error, Method, Request, Response, StatusCode};

use crate::config::KeyMode;
use crate::form::{self, FileField, Form};
use crate::key;
use crate::media_type::MediaType;
use crate::reply;
use crate::settings::Settings;
use crate::upload::{self, Destination, Plan};

/// The type of a file declared without one.
const DEFAULT_TYPE: &str = "application/octet-stream";

/// Room for a form's boundaries and headers around the file.
const FORM_OVERHEAD: u64 = 64 * 1024;

/// Handles an upload request.
pub async fn handle(request: Request, settings: &Settings) -> Result<Response, Error> {
    let (parts, body) = request.into_parts();
    if parts.method != Method::PUT && parts.method != Method::POST {
        return Err(reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "use PUT or POST",
        ));
    }
    let content_type = match parts.headers.get(CONTENT_TYPE) {
        None => DEFAULT_TYPE.to_owned(),
        Some(value) => value.to_str().map_err(|_| bad_type())?.to_owned(),
    };
    let declared_length = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let path = parts.uri.path();
    let form_boundary = form::boundary(&content_type);
    if parts.method == Method::POST && path == "/" {
        let Some(boundary) = form_boundary else {
            return Err(reply::error(
                StatusCode::BAD_REQUEST,
                "POST / takes a multipart/form-data form with a 'file' field",
            ));
        };
        if declared_length.is_some_and(|len| len > settings.max_upload_bytes + FORM_OVERHEAD) {
            return Err(too_large());
        }
        return from_form(body, &boundary, settings).await;
    }
    // Refused before a byte is read.
    if declared_length.is_some_and(|len| len > settings.max_upload_bytes) {
        return Err(too_large());
    }
    let name = key::key_from_path(path).map_err(bad_key)?;
    let content_type = essence(&content_type)?;
    let destination = destination(settings, &name)?;
    store(body, destination, content_type, declared_length, settings).await
}

async fn from_form(body: Body, boundary: &str, settings: &Settings) -> Result<Response, Error> {
    let mut form = Form::new(body, boundary);
    let (key_field, file) = form::until_file(&mut form)
        .await
        .map_err(|e| reply::error(e.status, e.message))?;
    let name = key_field
        .filter(|k| !k.is_empty())
        .or(file.filename.clone())
        .unwrap_or_default();
    let content_type = essence(file.content_type.as_deref().unwrap_or(DEFAULT_TYPE))?;
    let destination = destination(settings, &name)?;
    // The file's length is not the form's: it is found at the closing boundary.
    let plan = plan(destination, content_type, None, settings);
    let stored = upload::upload(&settings.s3, &plan, &mut FileField(&mut form))
        .await
        .map_err(reply::upload_error)?;
    Ok(reply::created(
        &stored,
        &settings.s3.bucket().object_url(&stored.key),
    ))
}

async fn store(
    mut body: Body,
    destination: Destination,
    content_type: String,
    length: Option<u64>,
    settings: &Settings,
) -> Result<Response, Error> {
    let plan = plan(destination, content_type, length, settings);
    let stored = upload::upload(&settings.s3, &plan, &mut body)
        .await
        .map_err(reply::upload_error)?;
    Ok(reply::created(
        &stored,
        &settings.s3.bucket().object_url(&stored.key),
    ))
}

fn plan(
    destination: Destination,
    content_type: String,
    length: Option<u64>,
    settings: &Settings,
) -> Plan<'_> {
    Plan {
        destination,
        content_type,
        allowed: &settings.allowed,
        max_bytes: settings.max_upload_bytes,
        part_size: settings.part_size,
        write: settings.write,
        length,
    }
}

/// Where an upload named `name` goes, by `KEY_MODE`.
pub fn destination(settings: &Settings, name: &str) -> Result<Destination, Error> {
    let prefix = &settings.key_prefix;
    Ok(match settings.key_mode {
        KeyMode::Path => Destination::Key(key::checked(prefix, name).map_err(bad_key)?),
        KeyMode::Uuid => Destination::Key(format!("{prefix}{}{}", uuid()?, key::extension(name))),
        KeyMode::Sha256 => Destination::ContentAddressed {
            prefix: prefix.clone(),
            extension: key::extension(name),
            staging: format!("{prefix}.incoming/{}", uuid()?),
        },
    })
}

fn uuid() -> Result<String, Error> {
    key::random_uuid().map_err(|e| Error::internal(e.to_string()))
}

pub fn bad_key(why: key::BadKey) -> Error {
    reply::error(StatusCode::BAD_REQUEST, format!("bad key: {why}"))
}

/// The essence of a declared type, the only form of it stored; an invalid
/// one is refused (`415`).
fn essence(declared: &str) -> Result<String, Error> {
    MediaType::parse(declared)
        .map(|t| t.essence().to_owned())
        .map_err(|_| bad_type())
}

pub fn bad_type() -> Error {
    reply::error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "the content type must be exactly one valid type/subtype",
    )
}

fn too_large() -> Error {
    reply::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "the upload is larger than the limit",
    )
}
