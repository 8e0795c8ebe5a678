use edgekit::{Request, StatusCode};

#[edgekit::edge_handler]
fn any_name_at_all(req: Request) -> (StatusCode, String) {
    (StatusCode::OK, req.uri().path().to_owned())
}

fn main() {
    // The handler stays an ordinary, callable function.
    let _ = any_name_at_all;
}
