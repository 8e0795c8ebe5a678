//! What the tests that start `edgekit serve` share.

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::sync::mpsc;
use std::time::Duration;

/// The first line `child` prints on its piped stdout (the one saying where
/// it listens), or `None` if none comes within `timeout`. The rest of its
/// stdout keeps being read, so the server never blocks on a full pipe.
pub fn first_stdout_line(child: &mut Child, timeout: Duration) -> Option<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = sender.send(lines.next().and_then(Result::ok));
        lines.for_each(drop);
    });
    receiver.recv_timeout(timeout).ok().flatten()
}
