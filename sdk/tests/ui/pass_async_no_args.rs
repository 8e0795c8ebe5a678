#[edgekit::edge_handler]
async fn handle() -> Result<edgekit::Json<u32>, edgekit::Error> {
    Ok(edgekit::Json(42))
}

fn main() {}
