//! `MODE=presign`: `POST /presign` with `{"key", "content_type", "size"}`
//! answers a presigned `PUT` URL, after the checks an upload gets.

use std::time::SystemTime;

use edgekit::{Error, Json, Method, Request, StatusCode};
use serde::Deserialize;

use crate::endpoint::query_value;
use crate::media_type::MediaType;
use crate::proxy::{bad_type, destination};
use crate::reply;
use crate::s3::Write;
use crate::settings::Settings;
use crate::sign::Payload;
use crate::upload::Destination;

/// What the client asks for.
#[derive(Deserialize)]
struct Ask {
    key: String,
    content_type: String,
    size: u64,
}

/// Handles `POST /presign`.
pub async fn handle(
    request: Request,
    settings: &Settings,
) -> Result<Json<serde_json::Value>, Error> {
    if request.method() != Method::POST {
        return Err(reply::error(StatusCode::METHOD_NOT_ALLOWED, "use POST"));
    }
    let ask: Ask = request
        .into_body()
        .limit(16 * 1024)
        .json()
        .await
        .map_err(|e| {
            // The parser's own words describe the component's insides: the
            // client gets a fixed message, the log the cause.
            let message = match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => "the request is larger than 16 KiB",
                _ => "the body must be JSON: {\"key\", \"content_type\", \"size\"}",
            };
            reply::error(e.status(), message).with_cause(e.to_string())
        })?;
    let Destination::Key(key) = destination(settings, &ask.key)? else {
        return Err(Error::internal(
            "content-addressed keys cannot be presigned",
        ));
    };
    if ask.size > settings.max_upload_bytes {
        return Err(reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the upload is larger than the limit",
        ));
    }
    let content_type = MediaType::parse(&ask.content_type)
        .map_err(|_| bad_type())?
        .essence()
        .to_owned();
    if !settings.allowed.allows(&content_type) {
        return Err(reply::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("content type {content_type:?} is not allowed"),
        ));
    }
    let url = settings.s3.bucket().object_url(&key);
    let length = ask.size.to_string();
    let mut headers = vec![
        ("content-type", content_type.as_str()),
        ("content-length", length.as_str()),
    ];
    if settings.write == Write::IfAbsent {
        headers.push(("if-none-match", "*"));
    }
    let params = settings
        .s3
        .signer()
        .query(
            "PUT",
            &url,
            &headers,
            Payload::Unsigned,
            SystemTime::now(),
            settings.presign_ttl,
        )
        .map_err(Error::internal)?;
    let query: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{name}={}", query_value(value)))
        .collect();
    let signed_headers: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(*value)))
        .collect();
    Ok(Json(serde_json::json!({
        "method": "PUT",
        "url": format!("{url}?{}", query.join("&")),
        "headers": signed_headers,
        "key": key,
        "expires_in": settings.presign_ttl.as_secs(),
    })))
}
