//! What `checker grade` shows while it works: on a terminal, a bar (indicatif's) with the
//! count, the time spent, an estimate of the time left and what each job is grading,
//! with each finished submission's line printed above it; elsewhere (a CI log, a file),
//! one line per submission as it finishes.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The state of a grading run, as shown.
#[derive(Debug)]
pub struct RunProgress {
    bar: ProgressBar,
    total: u64,
    done: u64,
    /// What each job is grading.
    current: BTreeMap<usize, String>,
    terminal: bool,
}

impl RunProgress {
    /// A run of `total` submissions of which `kept` were graded by an earlier run.
    pub fn new(total: u32, kept: u32) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let target = if terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(u64::from(total)), target);
        // The count already includes what earlier runs kept, but the pace (and so the
        // estimate) is this run's: indicatif measures it from the steps it sees.
        bar.set_position(u64::from(kept));
        bar.reset_eta();
        bar.set_style(
            ProgressStyle::with_template(
                "[{bar:24}] {pos}/{len}  {elapsed} elapsed, about {eta} left  grading {msg}",
            )
            .expect("the template is valid")
            .progress_chars("#>-"),
        );
        // The clock moves even while every job is busy with one long submission.
        bar.enable_steady_tick(Duration::from_secs(1));
        RunProgress {
            bar,
            total: u64::from(total),
            done: u64::from(kept),
            current: BTreeMap::new(),
            terminal,
        }
    }

    /// Job `slot` started on `submission`.
    pub fn start(&mut self, slot: usize, submission: &str) {
        self.current.insert(slot, submission.to_owned());
        self.bar.set_message(self.grading());
    }

    /// Job `slot` finished `submission` with `line` to say about it.
    pub fn finish(&mut self, slot: usize, line: &str) {
        self.current.remove(&slot);
        self.done += 1;
        if self.terminal {
            // Printed above the bar, which is drawn again below it.
            self.bar.println(line);
        } else {
            eprintln!("[{}/{}] {line}", self.done, self.total);
        }
        self.bar.set_message(self.grading());
        self.bar.inc(1);
    }

    /// Clears the bar, before the summary is printed.
    pub fn close(&self) {
        self.bar.finish_and_clear();
    }

    /// What the jobs are grading, for the bar.
    fn grading(&self) -> String {
        if self.current.is_empty() {
            "-".to_owned()
        } else {
            let now: Vec<&str> = self.current.values().map(String::as_str).collect();
            now.join(", ")
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
    fn the_count_includes_kept_submissions_and_the_message_names_the_current_ones() {
        let mut progress = RunProgress::new(4, 1);
        assert_eq!(progress.bar.position(), 1);
        progress.start(0, "alice");
        progress.start(1, "bob");
        assert_eq!(progress.bar.message(), "alice, bob");
        progress.finish(0, "alice: 5/5 points");
        assert_eq!(progress.bar.position(), 2);
        assert_eq!(progress.bar.message(), "bob");
        progress.finish(1, "bob: 0/5 points");
        assert_eq!(progress.bar.message(), "-");
        progress.close();
    }
}
