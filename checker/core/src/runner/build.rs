//! Building a suite against an exercise with cargo, and telling a student's compile
//! errors from the tool's own trouble.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::error::BuildError;
use super::manifest::{self, CourseManifest};
use crate::files::write_if_changed;
use crate::manifests::copy_lock;

/// How many compile errors are shown; the first ones matter, later ones often follow.
const SHOWN_ERRORS: usize = 5;

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
    /// Told how far cargo is, when someone wants to know.
    pub(super) observer: Option<&'a super::Observer>,
    /// Whether the suite and the exercise are built optimised.
    pub(super) optimised: manifest::Optimised,
}

/// What a build made.
pub(super) struct Made {
    /// The suite binary.
    pub(super) binary: PathBuf,
    /// The compiler's warnings about the exercise's code.
    pub(super) warnings: Vec<String>,
    /// The runner package's folder, where the runner keeps what it learns between runs.
    pub(super) dir: PathBuf,
}

/// Writes the runner package and builds it.
pub(super) fn build(job: &Job<'_>) -> Result<Made, BuildError> {
    let key = crate::catalog::crate_key(job.exercise);
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
    let course: CourseManifest = manifest::read_course(&course_root)?;
    let declared = manifest::read_declared(&course, job.manifest)?;

    let name = format!(
        "{}-suite-{}",
        key,
        crate::digest::of_paths(&[&exercise_dir, &suite_main])
    );
    let dir = manifest::runner_dir(job.target_dir, &name);
    let package_dir = dir.join("exercise");
    write_manifest(
        &package_dir,
        &manifest::exercise_manifest(
            &course,
            &declared,
            &manifest::exercise_package(&name),
            &key,
            &lib,
        ),
    )?;
    let library_dir = dir.join(manifest::SUITE_LIBRARY);
    let has_bridge = manifest::bridge_of(&suite_main).is_some();
    let runner = manifest::RunnerPackage {
        name: &name,
        suite_main: &suite_main,
        exercise_key: &key,
        declared: &declared,
        exercise_package_dir: &package_dir,
        suite_package_dir: has_bridge.then_some(library_dir.as_path()),
        optimised: job.optimised,
    };
    if has_bridge {
        write_manifest(
            &library_dir,
            &manifest::suite_library_manifest(&course, &runner),
        )?;
    }
    write_manifest(&dir, &manifest::runner_manifest(&course, &runner))?;
    copy_lock(&course_root, &dir).map_err(|error| BuildError::Io {
        path: dir.join("Cargo.lock"),
        error,
    })?;
    let (binary, warnings) = cargo_build(&dir.join("Cargo.toml"), &name, job, &exercise_dir)?;
    Ok(Made {
        binary,
        warnings,
        dir,
    })
}

/// Writes `text` as the `Cargo.toml` of the package in `dir`, unless it is already that.
fn write_manifest(dir: &Path, text: &str) -> Result<(), BuildError> {
    let path = dir.join("Cargo.toml");
    write_if_changed(&path, text.as_bytes()).map_err(|error| BuildError::Io { path, error })
}

/// The absolute form of `path`, or [`BuildError::NotFound`].
fn canonical(path: &Path, what: &'static str) -> Result<PathBuf, BuildError> {
    path.canonicalize().map_err(|_| BuildError::NotFound {
        what,
        path: path.to_owned(),
    })
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
    let mut command = Command::new(job.cargo);
    command
        .args(["build", "--message-format=json", "--manifest-path"])
        .arg(manifest)
        .current_dir(manifest.parent().unwrap_or(Path::new("/")))
        .env("CARGO_TARGET_DIR", job.target_dir);
    let output = match job.observer {
        None => command.output(),
        Some(observer) => observed_output(command, observer),
    }
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

/// Runs cargo with its progress bar written to a pipe, telling `observer` each state of
/// it as it comes, and returns cargo's output as [`Command::output`] would.
fn observed_output(
    mut command: Command,
    observer: &super::Observer,
) -> std::io::Result<std::process::Output> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command
        // Cargo draws its progress bar only on a terminal unless told otherwise, and
        // needs a width when it cannot ask the terminal for one.
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "400")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    // Standard output (the JSON messages) is read beside, so that neither pipe fills.
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout_pipe.read_to_end(&mut out).map(|_| out)
    });
    let mut stderr = Vec::new();
    let mut chunk = [0u8; 4096];
    let mut pending = Vec::new();
    loop {
        let n = stderr_pipe.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        stderr.extend_from_slice(&chunk[..n]);
        pending.extend_from_slice(&chunk[..n]);
        // The bar is redrawn after a carriage return; other lines end in a newline.
        while let Some(end) = pending.iter().position(|&b| b == b'\r' || b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            if let Some(activity) = progress_line(&String::from_utf8_lossy(&line)) {
                observer(&activity);
            }
        }
    }
    let stdout = reader
        .join()
        .map_err(|_| std::io::Error::other("the reader of cargo's output stopped"))??;
    let status = child.wait()?;
    // What is left of the bar is no complaint of cargo's.
    let stderr = String::from_utf8_lossy(&stderr)
        .split(['\r', '\n'])
        .filter(|line| progress_line(line).is_none() && !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    Ok(std::process::Output {
        status,
        stdout,
        stderr,
    })
}

/// Cargo's progress bar, `    Building [=====>     ] 37/98: tokio, serde`, read.
fn progress_line(line: &str) -> Option<super::Activity> {
    let rest = line.trim_start().strip_prefix("Building [")?;
    let (_, counts) = rest.split_once("] ")?;
    let (counts, now) = counts.split_once(':').unwrap_or((counts, ""));
    let (done, total) = counts.trim().split_once('/')?;
    Some(super::Activity::Compiling {
        done: done.parse().ok()?,
        total: total.parse().ok()?,
        now: now.trim().to_owned(),
    })
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

#[cfg(test)]
mod tests {
    use super::progress_line;
    use crate::runner::Activity;

    #[test]
    fn cargos_progress_bar_is_read_and_nothing_else_is() {
        assert_eq!(
            progress_line("    Building [========>        ] 37/98: tokio, serde(build)      "),
            Some(Activity::Compiling {
                done: 37,
                total: 98,
                now: "tokio, serde(build)".into()
            })
        );
        assert_eq!(
            progress_line("    Building [                 ] 0/3"),
            Some(Activity::Compiling {
                done: 0,
                total: 3,
                now: String::new()
            })
        );
        assert_eq!(progress_line("   Compiling ryu v1.0.23"), None);
        assert_eq!(progress_line("error: could not compile `x`"), None);
    }
}
