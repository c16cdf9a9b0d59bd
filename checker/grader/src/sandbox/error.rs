//! Why a sandbox or a job's control group could not be made, for the instructor.

use std::io;
use std::path::PathBuf;

/// Why grading cannot have the sandbox it asked for.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// bubblewrap is nowhere to be found.
    #[error("bubblewrap is not installed (on Debian or Ubuntu: `sudo apt-get install bubblewrap`)")]
    NoBwrap,
    /// `CONSISTENCY_LAB_BWRAP` names a file that is not there.
    #[error(
        "bubblewrap is not installed (on Debian or Ubuntu: `sudo apt-get install bubblewrap`): \
         {var} names {path}"
    )]
    BwrapNotAt {
        /// The variable's name.
        var: &'static str,
        /// What it names.
        path: PathBuf,
    },
    /// bubblewrap runs but cannot make its namespaces here (a container that forbids
    /// them, say).
    #[error(
        "bubblewrap is installed but cannot make a sandbox here ({said}); it needs user \
         namespaces, or root"
    )]
    BwrapRefused {
        /// The first line it said, or why it could not start.
        said: String,
    },
    /// The checker cannot find its own binary, which runs `sandbox-exec`.
    #[error("cannot find the checker's own binary: {0}")]
    NoHelper(#[source] io::Error),
}
