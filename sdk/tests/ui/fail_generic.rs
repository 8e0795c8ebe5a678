#[edgekit::edge_handler]
fn handle<T>(req: T) -> &'static str {
    let _ = req;
    "hi"
}

fn main() {}
