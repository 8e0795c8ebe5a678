struct Server;

impl Server {
    #[edgekit::edge_handler]
    fn handle(&self) -> &'static str {
        "hi"
    }
}

fn main() {}
