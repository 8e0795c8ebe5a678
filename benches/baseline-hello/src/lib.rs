//! What `examples/hello` does, written by hand against the `wasi` crate:
//! the yardstick the SDK's size and speed are measured against.

use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

#[path = "../../percent_decode.rs"]
mod percent_decode;
use percent_decode::percent_decode;

struct Hello;

impl Guest for Hello {
    fn handle(request: IncomingRequest, outparam: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        let name = path
            .split_once('?')
            .and_then(|(_, query)| query.split('&').find_map(|pair| pair.strip_prefix("name=")))
            .map(percent_decode)
            .unwrap_or_else(|| "world".to_owned());
        let body = format!("Hello, {name}!");

        let headers = Fields::from_list(&[
            (
                "content-type".to_owned(),
                b"text/plain; charset=utf-8".to_vec(),
            ),
            (
                "content-length".to_owned(),
                body.len().to_string().into_bytes(),
            ),
        ])
        .expect("valid headers");
        let response = OutgoingResponse::new(headers);
        let outgoing_body = response.body().expect("body");
        ResponseOutparam::set(outparam, Ok(response));
        let stream = outgoing_body.write().expect("stream");
        stream
            .blocking_write_and_flush(body.as_bytes())
            .expect("write");
        drop(stream);
        OutgoingBody::finish(outgoing_body, None).expect("finish");
    }
}

wasi::http::proxy::export!(Hello);
