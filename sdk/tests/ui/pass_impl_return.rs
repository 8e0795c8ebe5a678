use edgekit::{IntoResponse, Request};

#[edgekit::edge_handler]
fn handle(_req: Request) -> impl IntoResponse {
    edgekit::Html("<p>hi</p>")
}

fn main() {}
