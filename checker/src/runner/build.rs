//! Building a suite against an exercise with cargo, and telling a student's compile
//! errors from the tool's own trouble.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::manifest::{self, Course};

/// How many compile errors are shown; the first ones matter, later ones often follow.
const SHOWN_ERRORS: usize = 5;

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
    #[allow(dead_code)] // part of the runner's API, used by its integration tests
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

/// One build: the runner package's files, then cargo.
pub(super) struct Job<'a> {
    /// Where the course's root manifest and lock file are.
    pub(super) course_root: &'a Path,
    /// The shared target directory.
    pub(super) target_dir: &'a Path,
    /// The cargo program.
    pub(super) cargo: &'a OsString,
    /// The exercise's name; without its leading number it names the crate in suites.
    pub(super) exercise: &'a str,
    /// The exercise's folder: only its `src/` is used.
    pub(super) exercise_dir: &'a Path,
    /// The course's manifest of the exercise (its skeleton's): what the exercise crate
    /// is called and built with.
    pub(super) manifest: &'a Path,
    /// The suite's `main.rs`.
    pub(super) suite_main: &'a Path,
}

/// Writes the runner package and builds it; returns the binary and the warnings about
/// the exercise's code.
pub(super) fn build(job: &Job<'_>) -> Result<(PathBuf, Vec<String>), BuildError> {
    let key = manifest::crate_key(job.exercise);
    if !manifest::valid_exercise_name(&key) {
        return Err(BuildError::BadExerciseName {
            name: job.exercise.to_owned(),
        });
    }
    let exercise_dir = canonical(
        job.exercise_dir,
        "an exercise crate (a folder with src/lib.rs)",
    )?;
    let lib = exercise_dir.join("src/lib.rs");
    if !lib.is_file() {
        return Err(BuildError::NotFound {
            what: "an exercise crate (a folder with src/lib.rs)",
            path: exercise_dir,
        });
    }
    let suite_main = canonical(job.suite_main, "a suite's main.rs")?;
    let course_root = canonical(job.course_root, "a course (a folder with a Cargo.toml)")?;
    let course: Course = manifest::read_course(&course_root)?;
    let declared = manifest::read_declared(&course, job.manifest)?;

    let name = format!(
        "{}-suite-{}",
        key,
        manifest::fingerprint(&[&exercise_dir, &suite_main])
    );
    let dir = manifest::runner_dir(job.target_dir, &name);
    let package_dir = dir.join("exercise");
    write_if_changed(
        &package_dir.join("Cargo.toml"),
        manifest::exercise_manifest(
            &course,
            &declared,
            &manifest::exercise_package(&name),
            &key,
            &lib,
        )
        .as_bytes(),
    )?;
    let runner = manifest::Runner {
        name: &name,
        suite_main: &suite_main,
        exercise_key: &key,
        declared: &declared,
        exercise_package_dir: &package_dir,
    };
    write_if_changed(
        &dir.join("Cargo.toml"),
        manifest::runner_manifest(&course, &runner).as_bytes(),
    )?;
    copy_lock(&course_root, &dir)?;
    cargo_build(&dir.join("Cargo.toml"), &name, job, &exercise_dir)
}

/// The absolute form of `path`, or [`BuildError::NotFound`].
fn canonical(path: &Path, what: &'static str) -> Result<PathBuf, BuildError> {
    path.canonicalize().map_err(|_| BuildError::NotFound {
        what,
        path: path.to_owned(),
    })
}

/// Writes `bytes` unless the file already holds them, so that cargo sees no change.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let io_error = |error| BuildError::Io {
        path: path.to_owned(),
        error,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    std::fs::write(path, bytes).map_err(io_error)
}

/// Gives the runner the course's lock file, so it builds with the versions the course
/// was tested with. Cargo then trims the copy to the runner's needs; a second copy
/// (`course.lock`) remembers what was copied, so the copy is redone only when the
/// course's lock file changes.
pub(crate) fn copy_lock(course_root: &Path, dir: &Path) -> Result<(), BuildError> {
    let Ok(lock) = std::fs::read(course_root.join("Cargo.lock")) else {
        return Ok(());
    };
    let remembered = dir.join("course.lock");
    if std::fs::read(&remembered).is_ok_and(|old| old == lock) {
        return Ok(());
    }
    write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    write_if_changed(&remembered, &lock)
}

/// Runs `cargo build` on the runner and reads its JSON messages.
fn cargo_build(
    manifest: &Path,
    bin: &str,
    job: &Job<'_>,
    exercise_dir: &Path,
) -> Result<(PathBuf, Vec<String>), BuildError> {
    // From the runner's own folder: cargo's configuration and rustup's toolchain file
    // are then the course's, never those of the folder being checked.
    let output = Command::new(job.cargo)
        .args(["build", "--message-format=json", "--manifest-path"])
        .arg(manifest)
        .current_dir(manifest.parent().unwrap_or(Path::new("/")))
        .env("CARGO_TARGET_DIR", job.target_dir)
        .output()
        .map_err(|error| BuildError::Cargo {
            reason: format!("cannot start {}: {error}", job.cargo.to_string_lossy()),
        })?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut binary = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-message") => {
                errors.extend(compile_error(&message["message"]));
                let ours = message["target"]["src_path"]
                    .as_str()
                    .is_some_and(|src| Path::new(src).starts_with(exercise_dir));
                if ours && message["message"]["level"] == "warning" {
                    warnings.extend(message["message"]["rendered"].as_str().map(str::to_owned));
                }
            }
            Some("compiler-artifact") if message["target"]["name"] == bin => {
                binary = message["executable"].as_str().map(PathBuf::from);
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        let more = errors.len().saturating_sub(SHOWN_ERRORS);
        errors.truncate(SHOWN_ERRORS);
        return Err(BuildError::DoesNotCompile { errors, more });
    }
    match binary {
        Some(binary) if output.status.success() => Ok((binary, warnings)),
        _ => Err(BuildError::Cargo {
            reason: cargo_complaint(&String::from_utf8_lossy(&output.stderr)),
        }),
    }
}

/// The rendered text of a compiler error; warnings and the closing "aborting due to"
/// summary are left out.
fn compile_error(message: &Value) -> Option<String> {
    let level = message["level"].as_str()?;
    let text = message["message"].as_str()?;
    if !level.starts_with("error") || text.starts_with("aborting due to") {
        return None;
    }
    message["rendered"].as_str().map(str::to_owned)
}

/// The part of cargo's standard error that explains a failure: from its first `error`
/// line on, at most 40 lines.
fn cargo_complaint(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let first = lines
        .iter()
        .position(|line| line.starts_with("error"))
        .unwrap_or(0);
    let end = lines.len().min(first + 40);
    let text = lines[first..end].join("\n");
    if text.is_empty() {
        "it failed without saying why".to_owned()
    } else {
        text
    }
}
