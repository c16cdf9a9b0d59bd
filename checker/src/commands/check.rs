//! `checker check [EXERCISE | --all] [--solution | --path DIR] [--seed N]`: build each
//! exercise with its hidden suite, run every test under the grader's harness, and report
//! per task.
//!
//! Exit codes: 0 when every task of every exercise checked passes, 1 when any fails
//! (including an exercise that does not compile), 2 when the checker itself could not do
//! its job (no course, an unknown exercise, a broken Cargo.toml, cargo missing).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::course::{Course, Source};
use checker_core::pages;
use checker_core::progress::CourseState;
use checker_core::report::{Build, ExerciseReport, TaskVerdict, TestReport};
use checker_core::runner::{
    Activity, Attachment, BuildError, Observer, Optimised, RunOptions, Runner, SuiteError,
};
use checker_core::style::Style;
use testkit::report::CheckReport;

/// The seed used when none is given: checks are reproducible by default, and
/// `--seed` explores other schedules.
pub const DEFAULT_SEED: u64 = 1;

/// How long one hidden test may run before its process tree is killed, by default.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What to check and how to print it.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// The exercise; `None` means the current one.
    pub exercise: Option<String>,
    /// Every exercise.
    pub all: bool,
    /// Check the reference solutions instead of the student's copies.
    pub solution: bool,
    /// Check the copy of the exercise in this folder instead.
    pub path: Option<PathBuf>,
    /// The seed of the randomized tests.
    pub seed: Option<u64>,
    /// Only this test.
    pub test: Option<String>,
    /// How long one test may run.
    pub timeout: Duration,
    /// JSON instead of text.
    pub json: bool,
}

/// Runs `checker check`.
pub fn run(course: &Course, req: &CheckRequest) -> Result<Status> {
    let mut state = CourseState::load(course);
    if let Some(notice) = state.notice() {
        eprintln!("note: {notice}");
    }
    let exercises: Vec<&Exercise> = match (&req.exercise, req.all) {
        (Some(_), true) => bail!("give an exercise or --all, not both"),
        (None, true) => course.catalog.exercises.iter().collect(),
        (name, false) => vec![super::chosen(course, &state, name.as_deref())?],
    };
    if req.path.is_some() && exercises.len() != 1 {
        bail!("--path checks one exercise: name it");
    }
    let source = match (&req.path, req.solution) {
        (Some(_), true) => bail!("give --solution or --path, not both"),
        (Some(p), false) => Source::Folder(p.clone()),
        (None, true) => Source::Solution,
        (None, false) => Source::Student,
    };
    // Checking one exercise of one's own makes it the one being worked on.
    if let ([one], Source::Student, false) = (&exercises[..], &source, req.all) {
        state.set_current(one);
    }
    let seed = req.seed.unwrap_or(DEFAULT_SEED);
    let mut status = Status::Passed;
    let mut reports = Vec::new();
    let mut totals = Total::default();
    // On a terminal, one line that shows what the check is busy with: the first build of
    // the course's dependencies takes minutes.
    let status_line = (!req.json && std::io::stderr().is_terminal()).then(StatusLine::default);
    for exercise in exercises {
        let observer = status_line
            .as_ref()
            .map(|line| line.observer(&exercise.name));
        let report = check_one(
            course,
            exercise,
            &source,
            seed,
            req.test.as_deref(),
            req.timeout,
            observer,
        );
        if let Some(line) = &status_line {
            line.clear();
        }
        let mut report = report?;
        if !report.all_done() {
            status = Status::Failed;
        }
        totals.add(&report);
        if source == Source::Student {
            report.done_before = state.done_tasks(exercise);
            if req.test.is_none() {
                state.record(&report);
            }
        }
        if req.json {
            reports.push(report);
        } else {
            print!("{}", report.render(Style::stdout(), &replay_flags(&source)));
        }
    }
    if source == Source::Student {
        state.save()?;
    }
    if req.all && !req.json {
        println!("\n{}", totals.render(Style::stdout()));
    }
    if req.json {
        let json: Vec<JsonReport> = reports.iter().map(JsonReport::from).collect();
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    Ok(status)
}

/// One line on standard error, redrawn in place, saying what a check is busy with.
#[derive(Default)]
struct StatusLine {
    drawn: Arc<Mutex<bool>>,
}

impl StatusLine {
    /// An observer that draws the activity of checking `exercise`, after a first line
    /// at once.
    fn observer(&self, exercise: &str) -> Observer {
        let drawn = Arc::clone(&self.drawn);
        let exercise = exercise.to_owned();
        let started = Instant::now();
        redraw(&drawn, &format!("checking {exercise}..."));
        Arc::new(move |activity: &Activity| {
            let secs = started.elapsed().as_secs();
            let text = match activity {
                Activity::Compiling { done, total, now } => format!(
                    "checking {exercise}: compiling, {done}/{total} crates ({secs} s): {}",
                    crate_names(now, &exercise)
                ),
                Activity::Testing { done, total } => {
                    format!("checking {exercise}: {done}/{total} tests run ({secs} s)")
                }
            };
            redraw(&drawn, &text);
        })
    }

    /// Removes the line, before the report is printed.
    fn clear(&self) {
        let mut drawn = self.drawn.lock().unwrap();
        if *drawn {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
            *drawn = false;
        }
    }
}

/// The crates cargo says it is compiling, with the checker's own packages named for
/// people: the exercise's code and its hidden suite.
pub(crate) fn crate_names(now: &str, exercise: &str) -> String {
    now.split(", ")
        .map(|name| {
            if name.contains("-exercise") {
                format!("your {exercise}")
            } else if name.contains("-suite-") {
                "the hidden suite".to_owned()
            } else {
                name.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Redraws the status line as `text`, cut to the terminal's width.
fn redraw(drawn: &Mutex<bool>, text: &str) {
    // A terminal that does not know its size (0 columns) gets the usual 80.
    let width = match crossterm::terminal::size() {
        Ok((w, _)) if w >= 20 => usize::from(w),
        _ => 80,
    };
    let text: String = text.chars().take(width - 1).collect();
    let mut drawn = drawn.lock().unwrap();
    eprint!("\r\x1b[2K{text}");
    let _ = std::io::stderr().flush();
    *drawn = true;
}

/// What `check --all` adds up over the exercises it checked.
#[derive(Default)]
struct Total {
    earned: u32,
    points: u32,
    complete: usize,
    exercises: usize,
}

impl Total {
    fn add(&mut self, report: &ExerciseReport) {
        self.earned += report.score();
        self.points += report.exercise.points();
        self.complete += usize::from(report.all_done());
        self.exercises += 1;
    }

    fn render(&self, style: Style) -> String {
        format!(
            "{}  {}/{} points, {} of {} exercises complete",
            style.bold("course total"),
            self.earned,
            self.points,
            self.complete,
            self.exercises
        )
    }
}

/// Builds and runs the hidden suite of `exercise` against `source`, telling `observer`
/// (when there is one) how far the build and the tests are. A compile failure is part of
/// the report; only failures of the checker itself are errors.
pub fn check_one(
    course: &Course,
    exercise: &Exercise,
    source: &Source,
    seed: u64,
    only: Option<&str>,
    timeout: Duration,
    observer: Option<Observer>,
) -> Result<ExerciseReport> {
    let dir = course.existing_dir(exercise, source)?;
    let suite = course.suite_main(exercise);
    if !suite.is_file() {
        bail!(
            "exercise {}: its hidden suite {} is missing; the course folder is incomplete",
            exercise.name,
            suite.display()
        );
    }
    // A student's own copy is checked again after every edit: its suite is built
    // optimised, which makes the first build longer and every later check faster.
    let optimised = match source {
        Source::Student => Optimised::Yes,
        Source::Solution | Source::Folder(_) => Optimised::No,
    };
    let mut runner = Runner::new(&course.root, course.target_dir()).optimised(optimised);
    if let Some(observer) = observer {
        runner = runner.observed(observer);
    }
    let mut report = ExerciseReport {
        exercise: exercise.clone(),
        source: dir.display().to_string(),
        build: Build::Compiled,
        tests: Vec::new(),
        seed,
        warnings: Vec::new(),
        notes: exercise.unused_copies(&dir),
        done_before: Default::default(),
    };
    let manifest = course.skeleton_manifest(exercise);
    let built = match runner.build(&exercise.name, &dir, &manifest, &suite) {
        Ok(built) => built,
        Err(BuildError::DoesNotCompile { errors, more }) => {
            let mut text = errors.join("\n");
            report.notes.extend(exercise.compile_notes(&text));
            if more > 0 {
                text.push_str(&format!("\n... and {more} more errors\n"));
            }
            report.build = Build::Failed(text);
            return Ok(report);
        }
        Err(e) => bail!("exercise {}: {e}", exercise.name),
    };
    report.warnings = built.warnings().to_vec();
    let options = RunOptions {
        timeout,
        seed: Some(seed),
        ..RunOptions::default()
    };
    let results = match only {
        Some(name) => built.run_named(name, &options).map(|r| vec![r]),
        None => built.run_all(&options),
    };
    let results = match results {
        Ok(results) => results,
        Err(SuiteError::Listing { outcome, output }) => {
            let mut why = outcome.to_string();
            if !output.text.trim().is_empty() {
                why.push_str(&format!(
                    "\nwhat it printed (last lines):\n{}",
                    last_lines(output.text.trim(), 20)
                ));
            }
            report.build = Build::Unlisted(why);
            return Ok(report);
        }
        Err(e) => bail!("exercise {}: {e}", exercise.name),
    };
    // Pages of an earlier check of this copy describe failures that may be gone.
    let pages = pages_dir(course, exercise, source);
    _ = std::fs::remove_dir_all(&pages);
    for result in results {
        let passed = result.outcome.passed();
        let mut details = String::new();
        if !passed {
            details = result.outcome.to_string();
            let output = without_panic_reports(&result.output.text);
            let output = output.trim();
            if !output.is_empty() {
                details.push_str(&format!(
                    "\nwhat the test printed (last lines):\n{}",
                    last_lines(output, 20)
                ));
            }
        }
        let mut test = TestReport::new(
            &result.task,
            &result.name,
            passed,
            result.outcome.verdict(),
            details,
            result.duration,
        )
        .with_clauses(&result.clauses);
        if !passed {
            test.page = draw(&result.attachments, &pages, &result.name, &course.root);
            test.replay_seed = replay_seed(&result.attachments);
        }
        report.tests.push(test);
    }
    Ok(report)
}

/// Where the pages of a check of `exercise` in `source` go: the student's own under
/// `.checker/pages/NAME/` in the course; those of the reference solution or of another
/// folder in the build folder (`target/checker-pages/`), a folder per copy, so that they
/// never remove the student's and never add to the course folder.
pub fn pages_dir(course: &Course, exercise: &Exercise, source: &Source) -> PathBuf {
    let copy = match source {
        Source::Student => return course.state_dir().join("pages").join(&exercise.name),
        Source::Solution => "solution".to_owned(),
        Source::Folder(dir) => {
            let dir = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            format!("folder-{}", checker_core::digest::of_paths(&[&dir]))
        }
    };
    course
        .target_dir()
        .join("checker-pages")
        .join(copy)
        .join(&exercise.name)
}

/// Draws the first check report a failed test attached as a page in `dir`, and keeps
/// its history beside it (`NAME.history.json`, for `checker history check`); the page's
/// path, relative to the course when it can be, or `None` when there was none to draw. A
/// report that cannot be drawn is said on standard error: the failure itself stands.
/// The seed a failed test asked to be replayed from (`suite_harness::replay_from`): the
/// last one it named.
fn replay_seed(attachments: &[Attachment]) -> Option<u64> {
    attachments
        .iter()
        .rev()
        .filter(|a| a.kind == "replay")
        .find_map(|a| serde_json::from_str::<serde_json::Value>(&a.body).ok()?["seed"].as_u64())
}

fn draw(attachments: &[Attachment], dir: &Path, test: &str, root: &Path) -> Option<String> {
    // The last one: a test that shrinks a failing run attaches a report for each failing
    // run it tries, and fails with the message of the last, the smallest.
    let attachment = attachments
        .iter()
        .rev()
        .find(|a| a.kind == "check-report")?;
    let name = test.replace("::", ".");
    let path = dir.join(format!("{name}.html"));
    let drawn = CheckReport::from_json(&attachment.body)
        .map_err(anyhow::Error::msg)
        .and_then(|report| {
            pages::write(&report, &path)?;
            let history = dir.join(format!("{name}.history.json"));
            let text = pages::kept_history(&report)?;
            std::fs::write(&history, text)
                .with_context(|| format!("cannot write {}", history.display()))
        });
    match drawn {
        Ok(()) => Some(
            path.strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string(),
        ),
        Err(e) => {
            eprintln!("note: the history of {test} could not be drawn: {e:#}");
            None
        }
    }
}

/// The flags that select `source` again in a replay command.
fn replay_flags(source: &Source) -> String {
    match source {
        Source::Student => String::new(),
        Source::Solution => " --solution".into(),
        Source::Folder(dir) => format!(" --path {}", dir.display()),
    }
}

/// The output without the standard panic reports (`thread 'main' panicked at ...`, the
/// message, the note about backtraces): the harness already shows the panic, and printing
/// it twice hides what the test itself printed.
fn without_panic_reports(text: &str) -> String {
    let mut kept = Vec::new();
    let mut in_report = false;
    for line in text.lines() {
        if line.starts_with("thread '") && line.contains(" panicked at ") {
            in_report = true;
            continue;
        }
        if in_report {
            if line.starts_with("note: run with `RUST_BACKTRACE=1`") {
                in_report = false;
            }
            continue;
        }
        kept.push(line);
    }
    kept.join("\n")
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::without_panic_reports;

    #[test]
    fn the_last_replay_seed_attached_is_the_one_replayed() {
        use checker_core::runner::Attachment;
        let attach = |kind: &str, body: &str| Attachment {
            kind: kind.into(),
            body: body.into(),
        };
        let attachments = [
            attach("replay", r#"{"seed":5}"#),
            attach("check-report", "{}"),
            attach("replay", r#"{"seed":1042}"#),
        ];
        assert_eq!(super::replay_seed(&attachments), Some(1042));
        assert_eq!(super::replay_seed(&attachments[1..2]), None);
        assert_eq!(
            super::replay_seed(&[attach("replay", r#"{"seed":"x"}"#)]),
            None
        );
    }

    #[test]
    fn only_the_students_own_pages_go_in_the_course() {
        use checker_core::course::{Course, Source};
        let course = Course {
            root: "/course".into(),
            catalog: checker_core::catalog::Catalog::parse(
                "[[exercise]]\nname = \"01_a\"\ntopic = \"a\"\ntitle = \"A\"\n\
                 [[exercise.task]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\n",
            )
            .unwrap(),
        };
        let ex = &course.catalog.exercises[0];
        let target = course.target_dir();
        assert_eq!(
            super::pages_dir(&course, ex, &Source::Student),
            std::path::Path::new("/course/.checker/pages/01_a")
        );
        for source in [Source::Solution, Source::Folder("/elsewhere/01_a".into())] {
            let dir = super::pages_dir(&course, ex, &source);
            assert!(
                dir.starts_with(target.join("checker-pages")) && dir.ends_with("01_a"),
                "{}",
                dir.display()
            );
        }
    }

    #[test]
    fn panic_reports_are_left_out_of_the_output() {
        let text = "before\nthread 'main' (12) panicked at src/lib.rs:6:5:\nnot yet implemented\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\nafter";
        assert_eq!(without_panic_reports(text), "before\nafter");
        assert_eq!(without_panic_reports("plain\nlines"), "plain\nlines");
    }
}

/// One exercise's result as JSON.
#[derive(Serialize)]
struct JsonReport {
    exercise: String,
    topic: String,
    source: String,
    compiled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    compile_errors: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suite_error: Option<String>,
    score: u32,
    max_score: u32,
    seed: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    tasks: Vec<TaskVerdict>,
}

impl From<&ExerciseReport> for JsonReport {
    fn from(r: &ExerciseReport) -> Self {
        JsonReport {
            exercise: r.exercise.name.clone(),
            topic: r.exercise.topic.clone(),
            source: r.source.clone(),
            compiled: !matches!(r.build, Build::Failed(_)),
            compile_errors: match &r.build {
                Build::Failed(e) => Some(e.clone()),
                _ => None,
            },
            suite_error: match &r.build {
                Build::Unlisted(why) => Some(why.clone()),
                _ => None,
            },
            score: r.score(),
            max_score: r.exercise.points(),
            seed: r.seed,
            notes: r.notes.clone(),
            tasks: r.tasks(),
        }
    }
}
