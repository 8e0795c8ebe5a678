//! A `wasi:http` component that misbehaves on request, to test that the
//! host enforces its limits and keeps serving afterwards.
//!
//! | path | behaviour |
//! |---|---|
//! | `/` | 200 `ok` |
//! | `/alloc` | allocates and touches memory until growth is refused |
//! | `/spin` | loops forever |
//! | `/trap` | panics (an abort, so a trap) |
//! | `/fetch?n=100&url=http://api.test/` | makes `n` sequential GETs to `url`; 200 with `<ok> of <n> succeeded` and the first error code, or 502 when none succeeded |
//! | `/log` | prints a line to stdout and to stderr |
//! | `/env?name=KEY` | 200 with the value of environment variable `KEY`, 404 if unset |
//!
//! Query values are used as written (no percent-decoding).

use std::hint::black_box;
use std::io::Write as _;
use wasip2::exports::http::incoming_handler::Guest;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingRequest, Method, OutgoingBody, OutgoingRequest, OutgoingResponse,
    ResponseOutparam, Scheme,
};

struct Misbehave;

wasip2::http::proxy::export!(Misbehave);

impl Guest for Misbehave {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let target = request.path_with_query().unwrap_or_default();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        match path {
            "/" => respond(out, 200, "ok"),
            "/alloc" => alloc_forever(),
            "/spin" => spin_forever(),
            "/trap" => panic!("/trap asked for a trap"),
            "/fetch" => fetch(out, query),
            "/log" => {
                println!("misbehave says hello on stdout");
                eprintln!("misbehave says hello on stderr");
                respond(out, 200, "logged");
            }
            "/env" => match std::env::var(param(query, "name").unwrap_or_default()) {
                Ok(value) => respond(out, 200, &value),
                Err(_) => respond(out, 404, "unset"),
            },
            _ => respond(out, 404, "not found"),
        }
    }
}

fn alloc_forever() -> ! {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        // Filled with non-zero bytes so every page is really written.
        hoard.push(vec![1; 1 << 20]);
        black_box(&hoard);
    }
}

fn spin_forever() -> ! {
    let mut n = 0u64;
    loop {
        n = black_box(n.wrapping_add(1));
    }
}

fn fetch(out: ResponseOutparam, query: &str) {
    let n: u32 = param(query, "n").and_then(|n| n.parse().ok()).unwrap_or(1);
    let url = param(query, "url").unwrap_or("http://api.test/");
    let mut succeeded = 0;
    let mut first_error = None;
    for _ in 0..n {
        match get(url) {
            Ok(()) => succeeded += 1,
            Err(code) => {
                first_error.get_or_insert(code);
            }
        }
    }
    let text = format!("{succeeded} of {n} succeeded; first error: {first_error:?}");
    respond(out, if succeeded > 0 { 200 } else { 502 }, &text);
}

/// One GET that counts as a success when any response arrives.
fn get(url: &str) -> Result<(), ErrorCode> {
    let (scheme, rest) = match url.split_once("://") {
        Some(("https", rest)) => (Scheme::Https, rest),
        Some((_, rest)) => (Scheme::Http, rest),
        None => (Scheme::Http, url),
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    };
    let request = OutgoingRequest::new(Fields::new());
    let invalid = || ErrorCode::HttpRequestUriInvalid;
    request.set_method(&Method::Get).map_err(|()| invalid())?;
    request.set_scheme(Some(&scheme)).map_err(|()| invalid())?;
    request
        .set_authority(Some(authority))
        .map_err(|()| invalid())?;
    request
        .set_path_with_query(Some(path))
        .map_err(|()| invalid())?;
    let response = outgoing_handler::handle(request, None)?;
    response.subscribe().block();
    match response.get() {
        Some(Ok(Ok(_response))) => Ok(()),
        Some(Ok(Err(code))) => Err(code),
        Some(Err(())) | None => Err(ErrorCode::InternalError(Some("response lost".into()))),
    }
}

fn param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn respond(out: ResponseOutparam, status: u16, text: &str) {
    let response = OutgoingResponse::new(Fields::new());
    // Statuses here are all valid.
    let _ = response.set_status_code(status);
    let Ok(body) = response.body() else {
        return;
    };
    ResponseOutparam::set(out, Ok(response));
    if let Ok(mut stream) = body.write()
        && stream.write_all(text.as_bytes()).is_ok()
    {
        let _ = stream.blocking_flush();
    }
    let _ = OutgoingBody::finish(body, None);
}
