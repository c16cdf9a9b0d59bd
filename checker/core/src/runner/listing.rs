//! Learning a suite's tests by running it with `--list`.
//!
//! The listing travels over the report socket like a result does. A listing read from
//! standard output could be printed by a constructor of the exercise crate, which runs
//! before `main`: it could list no tests at all and exit, and every test would be
//! skipped rather than failed.

use std::fmt;

use suite_harness::protocol::{Message, Subject};

use super::capture::Captured;
use super::outcome::{Outcome, describe, ended_without_result, forged};
use super::process::Session;

/// One test of a suite, as its listing names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// The task of the exercise the test checks.
    pub task: String,
    /// The test's name, unique in its suite.
    pub name: String,
    /// The clauses of its task it checks, by number.
    pub clauses: Vec<u32>,
}

/// Why a suite could not be run as a whole.
#[derive(Debug)]
pub enum SuiteError {
    /// The `--list` run did not deliver a complete listing.
    Listing {
        /// How that run ended, judged as a test would be.
        outcome: Outcome,
        /// Its output.
        output: Captured,
    },
    /// A test was asked for by a name the suite does not list.
    NoSuchTest {
        /// The name asked for.
        name: String,
        /// The names the suite lists.
        known: Vec<String>,
    },
    /// The operating system would not start or watch a process.
    Launch(std::io::Error),
}

impl SuiteError {
    /// Whether the error tells about the exercise, rather than about the tool: a listing
    /// that failed is the exercise's doing, since the listing code is the suite's own.
    pub fn is_student_result(&self) -> bool {
        matches!(self, SuiteError::Listing { .. })
    }
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuiteError::Listing { outcome, .. } => {
                write!(f, "the suite could not list its tests: {outcome}")
            }
            SuiteError::NoSuchTest { name, known } => {
                write!(f, "the suite has no test called `{name}`")?;
                let closest = known
                    .iter()
                    .min_by_key(|k| crate::catalog::distance(k, name))
                    .filter(|k| crate::catalog::distance(k, name) <= name.len().max(3) / 2);
                if let Some(closest) = closest {
                    write!(f, "; did you mean `{closest}`?")?;
                }
                write!(f, " (its tests: {})", known.join(", "))
            }
            SuiteError::Launch(error) => write!(f, "could not start a test process: {error}"),
        }
    }
}

impl std::error::Error for SuiteError {}

/// Reads the tests from the session of a `--list` run.
pub(super) fn read_listing(session: &Session) -> Result<Vec<TestCase>, Outcome> {
    if session.flooded {
        return Err(forged(
            "far more was sent on the report socket than a listing holds",
        ));
    }
    let mut started = false;
    let mut tests = Vec::new();
    let mut complete = false;
    for line in &session.lines {
        let message = Message::decode(line, &session.secret).map_err(|e| forged(e.to_string()))?;
        match message {
            Message::Hello(Subject::List) if !started => started = true,
            Message::Test {
                task,
                name,
                clauses,
            } if started && !complete => {
                tests.push(TestCase {
                    task,
                    name,
                    clauses,
                });
            }
            Message::End(count) if started && !complete && count == tests.len() => {
                complete = true;
            }
            other => return Err(forged(format!("an out-of-place {}", describe(&other)))),
        }
    }
    if complete {
        Ok(tests)
    } else {
        Err(ended_without_result(started, session.end))
    }
}
