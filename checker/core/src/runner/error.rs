//! Why a suite could not be built, told apart: a result for the student (the exercise
//! does not compile) or the trouble of the tool or its setup.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a suite could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// The exercise (or the suite, or the course) is not where it was said to be.
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Where.
        path: PathBuf,
    },
    /// The exercise name cannot name a crate, or is taken by a course crate.
    BadExerciseName {
        /// The name given.
        name: String,
    },
    /// The exercise (with the suite) does not compile.
    DoesNotCompile {
        /// The first errors, as the compiler renders them.
        errors: Vec<String>,
        /// How many more errors there were.
        more: usize,
    },
    /// The course's root manifest lacks what a runner needs.
    Course {
        /// What is missing.
        reason: String,
    },
    /// Cargo could not be started, or failed other than by compile errors.
    Cargo {
        /// What cargo said, or why it could not start.
        reason: String,
    },
    /// A file of the runner package could not be written.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: io::Error,
    },
}

impl BuildError {
    /// Whether the error is a result for the student (the exercise does not compile)
    /// rather than trouble of the tool or its setup.
    pub fn is_student_result(&self) -> bool {
        matches!(self, BuildError::DoesNotCompile { .. })
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NotFound { what, path } => {
                write!(f, "{} is not {what}", path.display())
            }
            BuildError::BadExerciseName { name } => write!(
                f,
                "`{name}` cannot name an exercise: use lowercase letters, digits, `-` and `_`, \
                 with a letter after any leading number (`01_linearizable`), and no name of a \
                 course crate"
            ),
            BuildError::DoesNotCompile { errors, more } => {
                f.write_str("the exercise does not compile:\n")?;
                for error in errors {
                    write!(f, "\n{}\n", error.trim_end())?;
                }
                match more {
                    0 => Ok(()),
                    1 => f.write_str("\n(and 1 more error)"),
                    more => write!(f, "\n(and {more} more errors)"),
                }
            }
            BuildError::Course { reason } => write!(f, "the course cannot build suites: {reason}"),
            BuildError::Cargo { reason } => write!(f, "cargo could not build the suite: {reason}"),
            BuildError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for BuildError {}
