//! Writing a [`Response`] to the host's `response-outparam`.

use http::StatusCode;
use http::header::{CONTENT_LENGTH, HeaderValue};
use wasip2::http::types::{ErrorCode, OutgoingResponse, ResponseOutparam};

use super::fields::to_fields;
use super::log::log_error;
use super::stream::send_body;
use super::wait::Wait;
use crate::Response;

/// Sends `response`: sets the outparam exactly once, then streams the body.
pub(crate) async fn respond<W: Wait>(outparam: ResponseOutparam, response: Response) {
    let (parts, body) = response.into_parts();
    let mut headers = parts.headers;
    // Rule: a Content-Length only when it is exact; none where no body may be.
    if matches!(
        parts.status,
        StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
    ) || parts.status.is_informational()
    {
        headers.remove(CONTENT_LENGTH);
    } else if let Some(len) = body.exact_len() {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }

    let outgoing = OutgoingResponse::new(to_fields(&headers));
    let body_handle = match outgoing.set_status_code(parts.status.as_u16()) {
        Ok(()) => outgoing.body().ok(),
        Err(()) => None,
    };
    let Some(outgoing_body) = body_handle else {
        let reason = format!("the host refused a {} response", parts.status.as_u16());
        log_error!("{reason}");
        ResponseOutparam::set(outparam, Err(ErrorCode::InternalError(Some(reason))));
        return;
    };
    ResponseOutparam::set(outparam, Ok(outgoing));

    send_body::<W>(outgoing_body, body, "response").await;
}
