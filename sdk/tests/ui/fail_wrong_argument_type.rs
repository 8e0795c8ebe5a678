#[edgekit::edge_handler]
fn handle(body: String) -> String {
    body
}

fn main() {}
