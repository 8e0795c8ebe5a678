#[edgekit::edge_handler]
fn handle(_body: u32) -> &'static str {
    "wrong argument"
}

fn main() {}
