//! [`Timeouts`]: how long an origin fetch may take, step by step and in
//! all, and the [`Deadline`] that enforces the total while the body is read.

use std::time::{Duration, Instant};

use edgekit::{Error, FetchOptions, StatusCode};

/// The deadlines of one origin fetch (`CONNECT_TIMEOUT`,
/// `FIRST_BYTE_TIMEOUT`, `BETWEEN_BYTES_TIMEOUT`, `TOTAL_TIMEOUT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting.
    pub connect: Duration,
    /// From the request sent to the response's head.
    pub first_byte: Duration,
    /// The longest pause inside the body.
    pub between_bytes: Duration,
    /// From the start of the fetch to the body's last byte.
    pub total: Duration,
}

/// The longest any of them may be set to.
const MAX_SECONDS: u32 = 3600;

impl Timeouts {
    /// Checks each setting (1 to 3600 seconds); an error names the key.
    pub fn from_seconds(
        connect: u32,
        first_byte: u32,
        between_bytes: u32,
        total: u32,
    ) -> Result<Timeouts, &'static str> {
        let check = |key, seconds: u32| match (1..=MAX_SECONDS).contains(&seconds) {
            true => Ok(Duration::from_secs(u64::from(seconds))),
            false => Err(key),
        };
        Ok(Timeouts {
            connect: check("CONNECT_TIMEOUT", connect)?,
            first_byte: check("FIRST_BYTE_TIMEOUT", first_byte)?,
            between_bytes: check("BETWEEN_BYTES_TIMEOUT", between_bytes)?,
            total: check("TOTAL_TIMEOUT", total)?,
        })
    }

    /// The host's timeouts for the fetch, none longer than the total.
    pub fn fetch_options(&self) -> FetchOptions {
        FetchOptions::new()
            .connect_timeout(self.connect.min(self.total))
            .first_byte_timeout(self.first_byte.min(self.total))
            .between_bytes_timeout(self.between_bytes.min(self.total))
    }

    /// The deadline of a fetch starting now.
    pub fn start(&self) -> Deadline {
        Deadline {
            at: Instant::now() + self.total,
            between_bytes: self.between_bytes.min(self.total),
        }
    }
}

/// When a fetch must have finished. It is checked as each piece of the
/// body arrives: a body that trickles is cut off at the first piece past
/// it, and one that stops is cut off by the between-bytes timeout, so the
/// answer comes at most `BETWEEN_BYTES_TIMEOUT` after the deadline.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    between_bytes: Duration,
}

impl Deadline {
    /// A `504` once the deadline has passed.
    pub fn check(&self) -> Result<(), Error> {
        match Instant::now() > self.at {
            true => Err(timed_out()),
            false => Ok(()),
        }
    }

    /// Whether a body that failed to read, its last piece having been
    /// read at `last`, failed by a timeout: the total passed, or it had
    /// paused for at least half the between-bytes timeout (the host's error
    /// does not say which it was, and its clock starts when the piece
    /// reached the host, before the component read it).
    pub fn timed_out_since(&self, last: Instant) -> bool {
        Instant::now() > self.at || last.elapsed() * 2 >= self.between_bytes
    }
}

/// The `504` for an origin that took too long.
pub fn timed_out() -> Error {
    Error::new(StatusCode::GATEWAY_TIMEOUT, "origin: too slow to answer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_timeout_is_checked_by_key() {
        let t = Timeouts::from_seconds(5, 15, 10, 30).unwrap();
        assert_eq!(t.total, Duration::from_secs(30));
        assert_eq!(Timeouts::from_seconds(0, 1, 1, 1), Err("CONNECT_TIMEOUT"));
        assert_eq!(Timeouts::from_seconds(1, 1, 1, 3601), Err("TOTAL_TIMEOUT"));
    }

    #[test]
    fn a_deadline_passes() {
        let t = Timeouts::from_seconds(1, 1, 1, 1).unwrap();
        let deadline = t.start();
        assert!(deadline.check().is_ok());
        let passed = Deadline {
            at: Instant::now() - Duration::from_millis(1),
            between_bytes: Duration::from_secs(1),
        };
        assert_eq!(passed.check().unwrap_err().status(), 504);
        assert!(passed.timed_out_since(Instant::now()));
        assert!(!deadline.timed_out_since(Instant::now()));
        assert!(deadline.timed_out_since(Instant::now() - Duration::from_secs(1)));
    }
}
