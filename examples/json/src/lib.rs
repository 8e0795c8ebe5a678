//! `POST /` with a JSON object answers the same object plus
//! `"echoed": true`. Malformed JSON is a `400` and a body over 64 KiB a
//! `413`, both with a JSON `{"error": ...}`.

use edgekit::{Error, Json, Method, Request, StatusCode};
use serde_json::{Map, Value};

/// Requests larger than this are refused before they are read whole.
const MAX_BODY: usize = 64 * 1024;

#[edgekit::edge_handler]
async fn echo_json(req: Request) -> Result<Json<Map<String, Value>>, Error> {
    if req.method() != Method::POST {
        return Err(Error::new(StatusCode::METHOD_NOT_ALLOWED, "use POST").json());
    }
    let mut object: Map<String, Value> = req.into_body().limit(MAX_BODY).json().await?;
    object.insert("echoed".into(), Value::Bool(true));
    Ok(Json(object))
}
