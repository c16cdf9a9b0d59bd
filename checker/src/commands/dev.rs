//! `checker dev verify`: the course checks itself.
//!
//! For every exercise (or the ones named):
//!
//! - the catalog and the folders agree: `exercises/`, `checker/skeletons/`, `solutions/`
//!   and `checker/suites/` each hold a folder for it, and no folder lacks an entry;
//! - the skeleton holds a `TODO`, compiles without warnings, and fails every task of its
//!   hidden suite (a task the skeleton passes gives points for nothing);
//! - the solution passes every task, and is rustfmt- and clippy-clean;
//! - every task states its rules as numbered clauses in the README, and every clause is
//!   named by a hidden test (see [`checker_core::clauses`]): a clause no test names is
//!   a rule nothing checks;
//! - neither the skeleton nor the solution carries an integrity flag (see
//!   [`checker_core::integrity`]): they are what honest work looks like, so
//!   a pattern that flags them would flag every honest submission.
//!
//! The report lists every problem found, one line each, and exits 1 when there is any.
//!
//! `checker dev pristine` checks what only the course's own repository must keep: the
//! students' copies in `exercises/` are the skeletons. In a student's checkout they differ
//! (that is the student's work), so `dev verify`, which the README's `cargo test` runs,
//! does not look; CI runs `dev pristine` beside it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::commands::check::{DEFAULT_SEED, TEST_TIMEOUT, check_one};
use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::clauses;
use checker_core::course::{self, Course, Source};
use checker_core::integrity;
use checker_core::report::Build;

/// Verifies the course; `only` restricts it to some exercises.
pub fn verify(course: &Course, only: &[String]) -> Result<Status> {
    let mut problems = folder_problems(course);
    let selected = course.catalog.select(only)?;
    for exercise in &selected {
        println!("verifying {}", exercise.name);
        problems.extend(
            verify_exercise(course, exercise)?
                .into_iter()
                .map(|p| format!("{}: {p}", exercise.name)),
        );
    }
    if problems.is_empty() {
        println!(
            "the course is consistent: {} exercise(s) verified",
            selected.len()
        );
        return Ok(Status::Passed);
    }
    for p in &problems {
        println!("problem: {p}");
    }
    println!("{} problem(s) found", problems.len());
    Ok(Status::Failed)
}

/// Checks that every student's copy under `exercises/` is its skeleton: what the course's
/// repository ships. Exit 1, with the exercises that differ, when one does.
pub fn pristine(course: &Course) -> Result<Status> {
    let differ: Vec<&str> = course
        .catalog
        .exercises
        .iter()
        .filter(|ex| {
            let [(_, student), (_, skeleton), ..] = folders(course, &ex.name);
            !same_tree(&student, &skeleton)
        })
        .map(|ex| ex.name.as_str())
        .collect();
    if differ.is_empty() {
        println!("every exercise in {}/ is its skeleton", course::EXERCISES);
        return Ok(Status::Passed);
    }
    for name in &differ {
        println!(
            "problem: {}/{name} differs from {}/{name}: the course ships the skeleton (copy it over;              in a student's checkout this is expected and not a problem)",
            course::EXERCISES,
            course::SKELETONS
        );
    }
    Ok(Status::Failed)
}

/// The folders of the course that hold a folder per exercise, by role.
const ROLES: [&str; 4] = [
    course::EXERCISES,
    course::SKELETONS,
    course::SOLUTIONS,
    course::SUITES,
];

/// The folders each exercise needs, by role.
fn folders(course: &Course, name: &str) -> [(&'static str, PathBuf); 4] {
    ROLES.map(|role| (role, course.root.join(role).join(name)))
}

fn folder_problems(course: &Course) -> Vec<String> {
    let mut problems = Vec::new();
    for ex in &course.catalog.exercises {
        for (role, dir) in folders(course, &ex.name) {
            if !dir.is_dir() {
                problems.push(format!("{}: {role}/{} is missing", ex.name, ex.name));
            }
        }
    }
    for role in ROLES {
        let Ok(entries) = std::fs::read_dir(course.root.join(role)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() && !course.catalog.exercises.iter().any(|e| e.name == name) {
                problems.push(format!(
                    "{role}/{name} has no entry in checker/catalog.toml"
                ));
            }
        }
    }
    problems
}

fn verify_exercise(course: &Course, exercise: &Exercise) -> Result<Vec<String>> {
    let [_, (_, skeleton), (_, solution), _] = folders(course, &exercise.name);
    let mut problems = Vec::new();
    if !skeleton.is_dir() || !solution.is_dir() {
        return Ok(problems);
    }
    if !contains_todo(&skeleton.join("src")) {
        problems.push("the skeleton holds no TODO".into());
    }
    let report = check_one(
        course,
        exercise,
        &Source::Folder(skeleton.clone()),
        DEFAULT_SEED,
        None,
        TEST_TIMEOUT,
        None,
    )?;
    let warnings = &report.warnings;
    match &report.build {
        Build::Failed(errors) => problems.push(format!("the skeleton does not compile:\n{errors}")),
        Build::Unlisted(why) => problems.push(format!(
            "the suite cannot list its tests with the skeleton: {why}"
        )),
        Build::Compiled => {
            if !warnings.is_empty() {
                problems.push(format!(
                    "the skeleton compiles with {} warning(s):\n{}",
                    warnings.len(),
                    warnings.join("\n")
                ));
            }
            for task in report.tasks().iter().filter(|t| t.done) {
                problems.push(format!(
                    "the skeleton passes task {:?}: its tests prove nothing",
                    task.id
                ));
            }
        }
    }
    let report = check_one(
        course,
        exercise,
        &Source::Solution,
        DEFAULT_SEED,
        None,
        TEST_TIMEOUT,
        None,
    )?;
    let readme = skeleton.join("README.md");
    match std::fs::read_to_string(&readme) {
        Ok(text) => {
            let named: Vec<(String, Vec<String>)> = report
                .tests
                .iter()
                .map(|t| (t.name.clone(), t.clauses.clone()))
                .collect();
            if report.build == Build::Compiled {
                problems.extend(clauses::problems(exercise, &text, &named));
            }
        }
        Err(error) => problems.push(format!("cannot read {}: {error}", readme.display())),
    }
    match &report.build {
        Build::Failed(errors) => problems.push(format!("the solution does not compile:\n{errors}")),
        Build::Unlisted(why) => problems.push(format!(
            "the suite cannot list its tests with the solution: {why}"
        )),
        Build::Compiled => {
            for task in report.tasks().iter().filter(|t| !t.done) {
                let why: Vec<String> = task
                    .tests
                    .iter()
                    .filter(|t| !t.passed)
                    .map(|t| format!("{}: {}", t.name, t.details))
                    .collect();
                let why = if why.is_empty() {
                    "it has no test".to_owned()
                } else {
                    why.join("\n")
                };
                problems.push(format!("the solution fails task {:?}: {why}", task.id));
            }
        }
    }
    problems.extend(tool_check(course, &solution, "rustfmt"));
    problems.extend(tool_check(course, &solution, "clippy"));
    for (role, dir) in [("skeleton", &skeleton), ("solution", &solution)] {
        for flag in integrity::scan_dir(&exercise.name, dir) {
            problems.push(format!(
                "the {role} is flagged at {}:{}: {}: {} (an honest submission like it would \
                 be flagged too)",
                flag.file, flag.line, flag.kind, flag.why
            ));
        }
    }
    Ok(problems)
}

/// Runs `cargo fmt --check` or `cargo clippy -D warnings` on the solution's package.
fn tool_check(course: &Course, dir: &Path, tool: &str) -> Option<String> {
    let manifest = dir.join("Cargo.toml");
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    match tool {
        "rustfmt" => cmd
            .args(["fmt", "--check", "--manifest-path"])
            .arg(&manifest),
        _ => cmd
            .args(["clippy", "--quiet", "--all-targets", "--manifest-path"])
            .arg(&manifest)
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", course.target_dir()),
    };
    match cmd.output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => {
            let said = String::from_utf8_lossy(if out.stdout.is_empty() {
                &out.stderr
            } else {
                &out.stdout
            })
            .into_owned();
            let said: Vec<&str> = said.lines().take(30).collect();
            Some(format!(
                "the solution is not {tool}-clean:\n{}",
                said.join("\n")
            ))
        }
        Err(e) => Some(format!("cannot run cargo {tool}: {e}")),
    }
}

fn contains_todo(dir: &Path) -> bool {
    walk(dir)
        .iter()
        .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains("TODO")))
}

/// Whether two folders hold the same files with the same contents (build output aside).
/// Whether the folders hold the same files with the same contents (build output and
/// lock files aside).
pub(crate) fn same_tree(a: &Path, b: &Path) -> bool {
    let rel = |root: &Path| {
        let mut files: Vec<PathBuf> = walk(root)
            .into_iter()
            .filter_map(|f| f.strip_prefix(root).ok().map(Path::to_path_buf))
            .collect();
        files.sort();
        files
    };
    let (fa, fb) = (rel(a), rel(b));
    fa == fb
        && fa
            .iter()
            .all(|f| std::fs::read(a.join(f)).ok() == std::fs::read(b.join(f)).ok())
}

/// Every file below `dir`, leaving out `target/` and `Cargo.lock`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == "target"))
        .flatten()
        .filter(|e| !e.file_type().is_dir() && e.file_name() != "Cargo.lock")
        .map(walkdir::DirEntry::into_path)
        .collect()
}
