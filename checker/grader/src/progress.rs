//! What `checker grade` shows while it works: on a terminal, one line redrawn with a
//! progress bar, what is being graded and an estimate of the time left; elsewhere (a CI
//! log, a file), one line per submission as it finishes.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use checker_core::bar::bar;

/// The state of a grading run, as shown.
#[derive(Debug)]
pub struct Progress {
    total: u32,
    done: u32,
    started: Instant,
    /// Submissions finished by this run (not kept from an earlier one), for the estimate.
    graded: u32,
    /// What each job is grading.
    current: BTreeMap<usize, String>,
    terminal: bool,
}

impl Progress {
    /// A run of `total` submissions of which `kept` were graded by an earlier run.
    pub fn new(total: u32, kept: u32) -> Self {
        Progress {
            total,
            done: kept,
            started: Instant::now(),
            graded: 0,
            current: BTreeMap::new(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Job `slot` started on `submission`.
    pub fn start(&mut self, slot: usize, submission: &str) {
        self.current.insert(slot, submission.to_owned());
        self.draw();
    }

    /// Job `slot` finished `submission` with `line` to say about it.
    pub fn finish(&mut self, slot: usize, line: &str) {
        self.current.remove(&slot);
        self.done += 1;
        self.graded += 1;
        if self.terminal {
            // The finished line goes above the bar, which is drawn again below it.
            eprint!("\r\x1b[2K{line}\n");
            self.draw();
        } else {
            eprintln!("[{}/{}] {line}", self.done, self.total);
        }
    }

    /// Draws the bar again, for its clock and estimate.
    pub fn tick(&self) {
        self.draw();
    }

    /// Clears the bar, before the summary is printed.
    pub fn close(&self) {
        if self.terminal {
            eprint!("\r\x1b[2K");
            _ = std::io::stderr().flush();
        }
    }

    /// The estimate of the time left: the pace of this run so far, over what is left.
    pub fn left(&self) -> Option<Duration> {
        if self.graded == 0 {
            return None;
        }
        let remaining = self.total.saturating_sub(self.done);
        Some(self.started.elapsed() / self.graded * remaining)
    }

    /// The status line.
    pub fn line(&self) -> String {
        let left = self.left().map_or_else(
            || "estimating the time left".to_owned(),
            |d| format!("about {} left", clock(d)),
        );
        let now: Vec<&str> = self.current.values().map(String::as_str).collect();
        format!(
            "{} {}/{}  {} elapsed, {left}  grading {}",
            bar(self.done, self.total, 24),
            self.done,
            self.total,
            clock(self.started.elapsed()),
            if now.is_empty() {
                "-".to_owned()
            } else {
                now.join(", ")
            }
        )
    }

    fn draw(&self) {
        if self.terminal {
            eprint!("\r\x1b[2K{}", self.line());
            _ = std::io::stderr().flush();
        }
    }
}

/// `1m05s`, `42s`.
pub fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_as_minutes_and_seconds() {
        assert_eq!(clock(Duration::from_secs(42)), "42s");
        assert_eq!(clock(Duration::from_secs(65)), "1m05s");
    }

    #[test]
    fn the_line_counts_kept_submissions_and_names_the_current_ones() {
        let mut progress = Progress::new(4, 1);
        progress.terminal = false;
        progress.current.insert(0, "alice".into());
        progress.current.insert(1, "bob".into());
        let line = progress.line();
        assert!(line.contains(" 1/4 "), "{line}");
        assert!(line.contains("estimating the time left"), "{line}");
        assert!(line.ends_with("grading alice, bob"), "{line}");
        assert_eq!(progress.left(), None);
        progress.graded = 1;
        progress.done = 2;
        assert!(progress.left().is_some());
    }
}
