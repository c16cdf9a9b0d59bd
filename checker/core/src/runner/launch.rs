//! How a suite process is started: directly, or wrapped by a [`Launcher`] (the grader's
//! sandbox puts each test process inside bubblewrap).
//!
//! The runner decides what to run (the binary, its arguments, the seed) and where the
//! report socket lives; a launcher decides how. Keeping the two apart lets the same
//! protocol, timeouts and judging serve a student's own checks, which run their code
//! directly, and an instructor's grading of untrusted code, which does not.

use std::fmt;
use std::io;
use std::path::Path;
use std::process::Command;

/// One process the runner wants started.
#[derive(Clone, Copy, Debug)]
pub struct Launch<'a> {
    /// The suite binary.
    pub binary: &'a Path,
    /// Its arguments (`--list`, or `--run NAME`).
    pub args: &'a [&'a str],
    /// Environment variables it must see, on top of a launcher's own.
    pub env: &'a [(&'a str, String)],
    /// The folder holding the report socket, which the process must be able to reach.
    pub socket_dir: &'a Path,
}

/// Turns a [`Launch`] into a command. The runner then gives the command its standard
/// input, output and process group, starts it and watches it.
pub trait Launcher: fmt::Debug + Send + Sync {
    /// The command that runs `launch`.
    fn command(&self, launch: &Launch<'_>) -> io::Result<Command>;

    /// Whether the command reports a process killed by signal `n` as exit code `128 + n`
    /// (as a sandbox that waits for its child does), rather than dying of it.
    fn signals_as_exit_codes(&self) -> bool {
        false
    }
}

/// Runs the suite binary itself, with the caller's environment plus the launch's.
#[derive(Clone, Copy, Debug, Default)]
pub struct Direct;

impl Launcher for Direct {
    fn command(&self, launch: &Launch<'_>) -> io::Result<Command> {
        let mut command = Command::new(launch.binary);
        command.args(launch.args);
        for (name, value) in launch.env {
            command.env(name, value);
        }
        Ok(command)
    }
}
