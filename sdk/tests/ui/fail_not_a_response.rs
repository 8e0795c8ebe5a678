#[edgekit::edge_handler]
fn handle() -> u32 {
    42
}

fn main() {}
