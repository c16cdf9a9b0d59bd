//! `checker dev mutants [EXERCISE...]`: mutation testing of the hidden suites.
//!
//! A hidden suite is only as good as the mistakes it catches. Mutation testing makes the
//! mistakes mechanically: [cargo-mutants](https://mutants.rs) lists small changes to the
//! reference solution (an operator flipped, a constant changed, a function body replaced
//! by a default), and each one is checked here with the exercise's hidden suite, exactly
//! as a student's copy is. A mutant the suite fails is *caught*; one it passes in full is
//! *missed* (a test is missing, or the change cannot be told apart from correct
//! behaviour: an equivalent mutant); one that does not compile is *unviable*.
//!
//! cargo-mutants only generates the mutants (`--list --json`); the suite is run by the
//! checker, because a solution crate's own tests are not its hidden suite, and because a
//! mutant that fails to compile must be told apart from one the suite catches. Every
//! mutant of an exercise is written into one scratch copy of the solution, in turn, so
//! that cargo rebuilds only what changed.
//!
//! The report goes to standard output and to `target/mutants/NAME.md` (with each missed
//! mutant's diff); it is a benchmark, not a test: a run takes minutes per exercise.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::check::{DEFAULT_SEED, check_one};
use super::reset::copy_tree;
use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::course::{Course, Source};
use checker_core::report::Build;

/// The environment variable naming the cargo-mutants program.
pub const MUTANTS_VAR: &str = "CARGO_MUTANTS";

/// One mutant, as `cargo mutants --list --json` describes it.
#[derive(Clone, Debug, Deserialize)]
pub struct Mutant {
    /// `file:line:column: what changed`.
    pub name: String,
    /// The file, relative to the course root.
    pub file: String,
    /// The replaced text's place.
    pub span: Span,
    /// What replaces it.
    pub replacement: String,
    /// The change as a unified diff, for people.
    #[serde(default)]
    pub diff: String,
}

/// A place in a file: lines from 1, columns from 1 (in characters), the end excluded.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Span {
    /// Where the replaced text starts.
    pub start: Position,
    /// Where it ends (excluded).
    pub end: Position,
}

/// A line and a column, both from 1.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Position {
    /// The line.
    pub line: usize,
    /// The column, in characters.
    pub column: usize,
}

/// What the hidden suite made of one mutant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some task failed: the tasks not done.
    Caught(Vec<String>),
    /// Every task passed.
    Missed,
    /// It does not compile.
    Unviable,
}

/// Runs the mutants of `only` (every exercise when empty).
pub fn run(course: &Course, only: &[String], timeout: Duration) -> Result<Status> {
    let program = find_program(&course.root)?;
    let selected = course.catalog.select(only)?;
    let out_dir = course.target_dir().join("mutants");
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let mut any_missed = false;
    for exercise in selected {
        let started = Instant::now();
        let mutants = list(course, exercise, &program)?;
        println!("{}: {} mutants", exercise.name, mutants.len());
        let mut results = Vec::new();
        for (index, mutant) in mutants.iter().enumerate() {
            let verdict = judge(course, exercise, mutant, timeout)?;
            println!(
                "  [{}/{}] {}: {}",
                index + 1,
                mutants.len(),
                mutant.name,
                describe(&verdict)
            );
            results.push((mutant.clone(), verdict));
        }
        let report = report(exercise, &results, started.elapsed());
        any_missed |= results.iter().any(|(_, v)| *v == Verdict::Missed);
        let path = out_dir.join(format!("{}.md", exercise.name));
        std::fs::write(&path, &report)
            .with_context(|| format!("cannot write {}", path.display()))?;
        print!("{}", summary_line(exercise, &results));
        println!("  report: {}", path.display());
    }
    Ok(if any_missed {
        Status::Failed
    } else {
        Status::Passed
    })
}

/// The cargo-mutants program: `CARGO_MUTANTS`, `cargo-mutants` on the `PATH`, or the one
/// `scripts/mutants.sh` installs into `target/tools/bin`.
fn find_program(root: &Path) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(MUTANTS_VAR) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let installed = root.join("target/tools/bin");
    std::env::split_paths(&path)
        .chain(std::iter::once(installed))
        .map(|dir| dir.join("cargo-mutants"))
        .find(|candidate| candidate.is_file())
        .context(
            "cargo-mutants is not installed: run scripts/mutants.sh, which installs it, or \
             `cargo install cargo-mutants` (or name it in CARGO_MUTANTS)",
        )
}

/// The mutants of the exercise's reference solution.
fn list(course: &Course, exercise: &Exercise, program: &Path) -> Result<Vec<Mutant>> {
    let solution = course.exercise_dir(exercise, &Source::Solution);
    let package = package_name(&solution.join("Cargo.toml"))?;
    let output = Command::new(program)
        .args(["mutants", "--list", "--json", "--package", &package])
        .current_dir(&course.root)
        .output()
        .with_context(|| format!("cannot start {}", program.display()))?;
    if !output.status.success() {
        bail!(
            "exercise {}: cargo-mutants could not list the mutants: {}",
            exercise.name,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .next()
                .unwrap_or("it said nothing")
        );
    }
    serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "exercise {}: cannot read cargo-mutants' list of mutants",
            exercise.name
        )
    })
}

/// The package name a manifest declares.
fn package_name(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
    table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{} names no package", manifest.display()))
}

/// Checks one mutant with the hidden suite, in the exercise's scratch copy.
fn judge(
    course: &Course,
    exercise: &Exercise,
    mutant: &Mutant,
    timeout: Duration,
) -> Result<Verdict> {
    let solution = course.exercise_dir(exercise, &Source::Solution);
    let scratch = course
        .target_dir()
        .join("mutants/scratch")
        .join(&exercise.name);
    // The same folder for every mutant: cargo then rebuilds only the changed crate.
    copy_tree(&solution.join("src"), &scratch.join("src")).with_context(|| {
        format!(
            "cannot copy {} to {}",
            solution.display(),
            scratch.display()
        )
    })?;
    let relative = Path::new(&mutant.file)
        .strip_prefix(solution.strip_prefix(&course.root).unwrap_or(&solution))
        .with_context(|| {
            format!(
                "mutant {} is in {}, outside the solution of {}",
                mutant.name, mutant.file, exercise.name
            )
        })?;
    let original = course.root.join(&mutant.file);
    let text = std::fs::read_to_string(&original)
        .with_context(|| format!("cannot read {}", original.display()))?;
    let mutated = apply(&text, mutant.span, &mutant.replacement)
        .with_context(|| format!("mutant {}: its place is not in the file", mutant.name))?;
    let target = scratch.join(relative);
    std::fs::write(&target, mutated)
        .with_context(|| format!("cannot write {}", target.display()))?;
    let report = check_one(
        course,
        exercise,
        &Source::Folder(scratch.clone()),
        DEFAULT_SEED,
        None,
        timeout,
        None,
    )?;
    // The next mutant starts from the solution again.
    std::fs::write(&target, &text).with_context(|| format!("cannot write {}", target.display()))?;
    Ok(match report.build {
        Build::Failed(_) => Verdict::Unviable,
        _ => {
            let failed: Vec<String> = report
                .tasks()
                .into_iter()
                .filter(|t| !t.done)
                .map(|t| t.id)
                .collect();
            if failed.is_empty() {
                Verdict::Missed
            } else {
                Verdict::Caught(failed)
            }
        }
    })
}

/// `text` with the characters of `span` replaced by `replacement`; `None` when the span
/// is not in the text.
pub fn apply(text: &str, span: Span, replacement: &str) -> Option<String> {
    let offset = |at: Position| -> Option<usize> {
        let mut line_start = 0;
        for _ in 1..at.line {
            line_start += text[line_start..].find('\n')? + 1;
        }
        let line = &text[line_start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let column = at.column.checked_sub(1)?;
        let within = line
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(line.len()))
            .nth(column)?;
        Some(line_start + within)
    };
    let (start, end) = (offset(span.start)?, offset(span.end)?);
    (start <= end).then(|| format!("{}{replacement}{}", &text[..start], &text[end..]))
}

fn describe(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Caught(tasks) => format!("caught ({})", tasks.join(", ")),
        Verdict::Missed => "MISSED".to_owned(),
        Verdict::Unviable => "unviable".to_owned(),
    }
}

/// `NAME: caught C, missed M, unviable U`.
fn summary_line(exercise: &Exercise, results: &[(Mutant, Verdict)]) -> String {
    let count = |f: fn(&Verdict) -> bool| results.iter().filter(|(_, v)| f(v)).count();
    format!(
        "{}: caught {}, missed {}, unviable {}\n",
        exercise.name,
        count(|v| matches!(v, Verdict::Caught(_))),
        count(|v| *v == Verdict::Missed),
        count(|v| *v == Verdict::Unviable),
    )
}

/// The report in Markdown: the counts, then every missed mutant with its diff.
fn report(exercise: &Exercise, results: &[(Mutant, Verdict)], took: Duration) -> String {
    let mut text = format!(
        "# Mutants of {}\n\n{}\nTook {:.0} s.\n\n",
        exercise.name,
        summary_line(exercise, results),
        took.as_secs_f64()
    );
    let missed: Vec<&Mutant> = results
        .iter()
        .filter(|(_, v)| *v == Verdict::Missed)
        .map(|(m, _)| m)
        .collect();
    if missed.is_empty() {
        text.push_str("No mutant was missed.\n");
    }
    for mutant in missed {
        let _ = write!(
            text,
            "## {}\n\n```diff\n{}\n```\n\n",
            mutant.name,
            mutant.diff.trim_end()
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(a: (usize, usize), b: (usize, usize)) -> Span {
        Span {
            start: Position {
                line: a.0,
                column: a.1,
            },
            end: Position {
                line: b.0,
                column: b.1,
            },
        }
    }

    #[test]
    fn a_mutant_replaces_exactly_its_span() {
        let text = "const FREE: i64 = -1;\nfn f() -> u8 {\n    é + 2\n}\n";
        // As cargo-mutants lists "delete -": line 1, columns 19 to 20.
        assert_eq!(
            apply(text, span((1, 19), (1, 20)), "").unwrap(),
            "const FREE: i64 = 1;\nfn f() -> u8 {\n    é + 2\n}\n"
        );
        // Columns count characters, not bytes.
        assert_eq!(
            apply(text, span((3, 7), (3, 8)), "-").unwrap(),
            "const FREE: i64 = -1;\nfn f() -> u8 {\n    é - 2\n}\n"
        );
        // Across lines: a body replaced.
        assert_eq!(
            apply(text, span((2, 14), (4, 2)), "{ 0 }").unwrap(),
            "const FREE: i64 = -1;\nfn f() -> u8 { 0 }\n"
        );
        assert!(apply(text, span((9, 1), (9, 2)), "").is_none());
        assert!(apply(text, span((1, 5), (1, 2)), "").is_none());
    }

    #[test]
    fn the_list_cargo_mutants_prints_is_read() {
        let json = r#"[{"diff":"--- a\n+++ b\n","file":"solutions/01_x/src/lib.rs",
            "function":null,"genre":"UnaryOperator","name":"solutions/01_x/src/lib.rs:17:19: delete -",
            "package":"x-solution","replacement":"",
            "span":{"end":{"column":20,"line":17},"start":{"column":19,"line":17}}}]"#;
        let mutants: Vec<Mutant> = serde_json::from_str(json).unwrap();
        assert_eq!(mutants[0].span.start.column, 19);
        assert_eq!(mutants[0].file, "solutions/01_x/src/lib.rs");
    }
}
