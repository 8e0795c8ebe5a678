//! A command-line program: built for wasm32-wasip2 it becomes a component
//! that exports `wasi:cli/run` and no `wasi:http/incoming-handler`.

fn main() {
    println!("this component is a command, not an HTTP handler");
}
