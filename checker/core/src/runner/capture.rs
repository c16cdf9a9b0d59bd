//! Keeping the end of a test's output, bounded in size.
//!
//! A test that prints in an endless loop must not fill the checker's memory, and the
//! end of the output, where a failure usually shows, matters most; so only the last
//! [`KEPT`] bytes are kept, and how many came before is counted.

use std::fmt;

/// How many bytes of output are kept per test.
pub const KEPT: usize = 64 * 1024;

/// What a test process wrote to standard output and standard error, interleaved as
/// written (both go to one channel), keeping only the end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    /// The last bytes of the output, as text (invalid UTF-8 replaced).
    pub text: String,
    /// How many earlier bytes were dropped.
    pub dropped: u64,
}

impl fmt::Display for Captured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dropped > 0 {
            writeln!(f, "[{} earlier bytes of output not kept]", self.dropped)?;
        }
        f.write_str(&self.text)
    }
}

/// A buffer that keeps the last `limit` bytes pushed into it.
#[derive(Debug)]
pub(super) struct Tail {
    bytes: Vec<u8>,
    limit: usize,
    dropped: u64,
}

impl Tail {
    /// An empty buffer keeping at most `limit` bytes.
    pub(super) fn new(limit: usize) -> Self {
        Tail {
            bytes: Vec::new(),
            limit,
            dropped: 0,
        }
    }

    /// Appends `chunk`, dropping the oldest bytes beyond the limit.
    pub(super) fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
        // Trimming only once the buffer holds twice the limit keeps the cost of a
        // flood linear; trimming on every push would move the buffer each time.
        if self.bytes.len() >= 2 * self.limit.max(1) {
            self.trim();
        }
    }

    /// The output kept so far.
    pub(super) fn snapshot(&mut self) -> Captured {
        self.trim();
        Captured {
            text: String::from_utf8_lossy(&self.bytes).into_owned(),
            dropped: self.dropped,
        }
    }

    fn trim(&mut self) {
        let excess = self.bytes.len().saturating_sub(self.limit);
        self.bytes.drain(..excess);
        self.dropped += excess as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_bytes_and_counts_the_rest() {
        let mut tail = Tail::new(4);
        for chunk in [&b"abc"[..], b"defg", b"", b"hij"] {
            tail.push(chunk);
        }
        let captured = tail.snapshot();
        assert_eq!(captured.text, "ghij");
        assert_eq!(captured.dropped, 6);
        assert_eq!(
            captured.to_string(),
            "[6 earlier bytes of output not kept]\nghij"
        );
    }

    #[test]
    fn short_output_is_kept_whole() {
        let mut tail = Tail::new(KEPT);
        tail.push(b"all of it\n");
        let captured = tail.snapshot();
        assert_eq!(captured.text, "all of it\n");
        assert_eq!(captured.dropped, 0);
        assert_eq!(captured.to_string(), "all of it\n");
    }
}
