#[edgekit::edge_handler]
const fn handle() -> &'static str {
    "hi"
}

fn main() {}
