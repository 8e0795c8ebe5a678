#[edgekit::edge_handler(path = "/")]
fn handle() -> &'static str {
    "hi"
}

fn main() {}
