//! What the watch mode's parts tell each other: the keys it reads, the events its loop
//! waits for (keys, saves, a check's progress and end), and the jobs the checks' thread
//! takes. A module of its own so that the state ([`super::app`]), the checks' thread
//! ([`super::worker`]) and the file watcher ([`super::saves`]) depend on it and not on
//! each other.

use std::path::PathBuf;

use checker_core::catalog::Exercise;
use checker_core::report::ExerciseReport;

/// A key, as the watch mode reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A letter or other character.
    Char(char),
    /// Arrows, pages and the ends of the body.
    Up,
    /// The down arrow.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Ctrl-C, which raw mode delivers as a key rather than a signal.
    Interrupt,
}

/// What the watch mode waits for.
pub enum Event {
    /// A key was pressed.
    Key(Key),
    /// The terminal changed size.
    Resize,
    /// Files under `exercises/` were saved.
    Saved(Vec<PathBuf>),
    /// The check with this number started (earlier ones asked for meanwhile were dropped).
    Started(u64),
    /// A line about how far the check with this number is.
    Progress {
        /// The check.
        id: u64,
        /// What it is doing.
        line: String,
    },
    /// A check ended.
    Checked(Box<Done>),
}

/// A check asked for.
pub struct Job {
    /// Its number: later checks have larger ones.
    pub id: u64,
    /// The exercise to check.
    pub exercise: Exercise,
}

/// A check that ended.
pub struct Done {
    /// The number of its job.
    pub id: u64,
    /// Its report, or why the checker itself could not check (one line).
    pub report: Result<ExerciseReport, String>,
    /// The exercise, by name.
    pub exercise: String,
}
