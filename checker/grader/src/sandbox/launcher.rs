//! The runner's [`Launcher`] for grading: each test process inside the sandbox.

use std::io;
use std::path::Path;
use std::process::Command;

use super::{Profile, Sandbox};
use crate::confine::Limits;
use checker_core::runner::{Launch, Launcher};

/// Starts each test process of the runner inside a [`Sandbox`], with test limits.
#[derive(Clone, Debug)]
pub struct TestLauncher {
    sandbox: Sandbox,
    limits: Limits,
}

impl TestLauncher {
    /// A launcher for `sandbox` whose test processes get `limits`.
    pub fn new(sandbox: Sandbox, limits: Limits) -> Self {
        TestLauncher { sandbox, limits }
    }
}

impl Launcher for TestLauncher {
    fn command(&self, launch: &Launch<'_>) -> io::Result<Command> {
        // The report socket must be reachable by the sandbox's user.
        self.sandbox.hand_over(launch.socket_dir)?;
        let mut step = self.sandbox.step(Profile::Test);
        let binary = step.read_only(launch.binary, "/sandbox/suite");
        // Read-only: connecting to a socket needs no write access to its folder, and a
        // writable folder of the host would let a test fill the grader's disk.
        let socket_dir = launch.socket_dir.to_string_lossy().into_owned();
        step.read_only(launch.socket_dir, &socket_dir);
        step.chdir(Path::new("/tmp"));
        for (name, value) in launch.env {
            step.env(name, value);
        }
        Ok(self
            .sandbox
            .command(&step, &self.limits, &binary, launch.args))
    }

    fn signals_as_exit_codes(&self) -> bool {
        self.sandbox.is_confined()
    }
}
