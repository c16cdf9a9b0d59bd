//! The course as the checker sees it: the library under the `checker` command line and
//! the grader.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`catalog`] | the course catalog: exercises, tasks, points, hints, what each is built with |
//! | [`course`] | where the course and each part of an exercise live on disk |
//! | [`clauses`] | the numbered rules of each task's statement, which hidden tests name |
//! | [`progress`] | the student's place in the course: current exercise, what is done, points, hints |
//! | [`runner`] | building hidden suites against an exercise and running each test under the trusted harness |
//! | [`report`] | from test results to tasks, points and the report of one exercise |
//! | [`integrity`] | flags for the instructor: what no honest solution needs, found in the sources |
//! | [`pages`] | the HTML page of a history check: the history and the network, drawn |
//! | [`bar`] | a text progress bar |
//! | [`digest`] | digests that never change between runs (FNV-1a) |
//! | [`files`] | writing files atomically, or only when they change |
//! | [`group`] | a child and everything it starts, as one process group killed together |
//! | [`manifests`] | the course's Cargo manifests: dependency entries, the lock file |
//! | [`style`] | colour, only on a terminal and only when `NO_COLOR` is not set |
//! | [`xml`] | escaping text for XML, HTML and SVG |
//!
//! A check goes catalog -> course (which copy, which suite) -> runner (build, then one
//! process per test) -> report (tasks and points) -> the command that prints it; a grade
//! goes through the same runner, inside the grader's sandbox (`checker-grader`).

pub mod bar;
pub mod catalog;
pub mod clauses;
pub mod course;
pub mod digest;
pub mod files;
pub mod group;
pub mod integrity;
pub mod manifests;
pub mod pages;
pub mod progress;
pub mod report;
pub mod runner;
pub mod style;
pub mod xml;

use std::process::ExitCode;

/// How a command ended, from best to worst. The exit code is the number.
///
/// A run over several files ends with the worst status of any of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything checked passed (exit code 0).
    Passed = 0,
    /// A check failed: a history is not linearizable, or the checker could not decide
    /// (exit code 1). Undecided is a failure: passing it would reward huge histories.
    Failed = 1,
    /// The tool could not do its job: bad arguments, an unreadable file, a file that does
    /// not parse (exit code 2). Clap also exits with 2 on a usage error.
    ToolError = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}
