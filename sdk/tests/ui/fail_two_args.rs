use edgekit::Request;

#[edgekit::edge_handler]
fn handle(req: Request, extra: u32) -> String {
    format!("{} {extra}", req.uri())
}

fn main() {}
