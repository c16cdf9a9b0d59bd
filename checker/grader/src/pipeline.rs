//! Grading one submission: locate its exercises, copy each one's sources, compile it and
//! its suites in the sandbox, run every test in the sandbox, and score the tasks.
//!
//! Everything happens in a scratch folder of the submission's own; the submission's
//! files are only read, never changed.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use super::archive;
use super::compile::{Compiled, Compiler, SuiteSource};
use super::confine::Limits;
use super::private::PrivateSuite;
use super::record::{
    ExerciseGrade, ExerciseStatus, FORMAT, SubmissionGrade, TaskGrade, TestGrade, Visibility,
};
use super::sandbox::{Sandbox, TestLauncher};
use super::submissions::{self, CopyError, Submission, SubmissionKind};
use checker_core::catalog::{Exercise, Task};
use checker_core::report::{Build, ExerciseReport, TestReport};
use checker_core::runner::{Attachment, Built, RunOptions, SuiteError, TestResult};
use testkit::report::CheckReport;

/// The most a test may print before it is stopped.
const OUTPUT_LIMIT: u64 = 16 * 1024 * 1024;

/// The longest message kept for one failed test.
const MESSAGE_LIMIT: usize = 4000;

/// The largest check report kept for one failed test, in bytes of JSON: a history the
/// suite recorded is a few kilobytes; far more would bloat every record for one page.
const CHECK_REPORT_LIMIT: usize = 1024 * 1024;

/// One exercise as this run grades it.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The exercise, with the private suite's own tasks after the catalog's.
    pub exercise: Exercise,
    /// The crate name suites use for it (`linearizable`).
    pub krate: String,
    /// The crate names of the dependencies its skeleton declares.
    pub dependencies: Vec<String>,
    /// Its hidden suite.
    pub suite: SuiteSource,
    /// Its private suite, if any.
    pub private: Option<PrivateSuite>,
}

impl Planned {
    /// The ids of the tasks the private suite adds.
    fn private_tasks(&self) -> HashSet<&str> {
        self.private
            .iter()
            .flat_map(|p| p.tasks.iter().map(|t| t.id.as_str()))
            .collect()
    }

    /// Who may see a task's result.
    fn visibility(&self, task: &str) -> Visibility {
        self.private
            .iter()
            .flat_map(|p| &p.tasks)
            .find(|t| t.id == task)
            .map_or(Visibility::Visible, |t| t.visibility)
    }
}

/// What stays the same for every submission of a run.
#[derive(Clone, Debug)]
pub struct Grader {
    /// Compiles exercises and suites.
    pub compiler: Compiler,
    /// The exercises graded, in catalog order.
    pub plan: Vec<Planned>,
    /// The seed of the randomized tests.
    pub seed: u64,
    /// Wall-clock time per test.
    pub timeout: Duration,
}

impl Grader {
    /// Grades `submission` in `sandbox`, using `work` (created, and removed after) as
    /// scratch space; `fingerprint` is recorded for resuming.
    pub fn grade(
        &self,
        sandbox: &Sandbox,
        submission: &Submission,
        fingerprint: &str,
        work: &Path,
    ) -> SubmissionGrade {
        let started = Instant::now();
        let mut record = SubmissionGrade {
            format: FORMAT,
            submission: submission.id.clone(),
            origin: file_name(&submission.origin),
            fingerprint: fingerprint.to_owned(),
            seconds: 0.0,
            tool_error: None,
            notes: submission.notes.clone(),
            flags: Vec::new(),
            exercises: Vec::new(),
        };
        _ = std::fs::remove_dir_all(work);
        if let Err(error) = std::fs::create_dir_all(work) {
            record.tool_error = Some(format!("cannot create {}: {error}", work.display()));
            return record;
        }
        let root = match &submission.kind {
            SubmissionKind::Folder => Ok(submission.origin.clone()),
            SubmissionKind::Archive(_) => {
                let into = work.join("unpacked");
                archive::unpack(&submission.origin, &into, &archive::Limits::default())
                    .map(|unpacked| {
                        record.notes.extend(unpacked.skipped);
                        into
                    })
                    // The checker's own trouble (a disk full, say) is not the student's.
                    .map_err(|e| (e.is_tool_error(), e.to_string()))
            }
        };
        let names: Vec<&str> = self.plan.iter().map(|p| p.exercise.name.as_str()).collect();
        let exercises_dir = match root {
            Ok(root) => {
                let located = submissions::locate(&root, &names);
                if located.exercises_dir.is_none() {
                    record.notes.push(format!(
                        "no exercises found: expected a folder exercises/ holding {}",
                        names.join(", ")
                    ));
                }
                Ok(located.exercises_dir)
            }
            Err(error) => Err(error),
        };
        for planned in &self.plan {
            let grade = match &exercises_dir {
                Ok(dir) => self.exercise(
                    sandbox,
                    planned,
                    dir.as_deref(),
                    work,
                    &mut record.notes,
                    &mut record.flags,
                ),
                Err((true, why)) => not_graded(planned, self.seed, ExerciseStatus::ToolError, why),
                Err((false, why)) => not_graded(planned, self.seed, ExerciseStatus::Rejected, why),
            };
            if grade.status == ExerciseStatus::ToolError && record.tool_error.is_none() {
                record.tool_error = Some(format!("{}: {}", grade.exercise, grade.message));
            }
            record.exercises.push(grade);
        }
        _ = std::fs::remove_dir_all(work);
        record.seconds = started.elapsed().as_secs_f64();
        record
    }

    /// Grades one exercise of a submission whose exercises are in `exercises_dir`; what
    /// its copy skipped goes to `notes`, what its sources hold that no honest solution
    /// needs to `flags`.
    fn exercise(
        &self,
        sandbox: &Sandbox,
        planned: &Planned,
        exercises_dir: Option<&Path>,
        work: &Path,
        notes: &mut Vec<String>,
        flags: &mut Vec<checker_core::integrity::Flag>,
    ) -> ExerciseGrade {
        let name = &planned.exercise.name;
        let not = |status, why: &str| not_graded(planned, self.seed, status, why);
        let Some(dir) = exercises_dir.map(|d| d.join(name)) else {
            return not(
                ExerciseStatus::Missing,
                "the submission has no exercises folder",
            );
        };
        let work = work.join(name);
        notes.extend(
            planned
                .exercise
                .unused_copies(&dir)
                .into_iter()
                .map(|note| format!("{name}: {note}")),
        );
        match submissions::copy_sources(&dir, &work, &submissions::CopyLimits::default()) {
            Ok(copied) => notes.extend(copied.skipped.iter().map(|s| format!("{name}: {s}"))),
            Err(CopyError::NoLib { .. }) => {
                let why = format!("the submission has no exercises/{name}/src/lib.rs");
                return not(ExerciseStatus::Missing, &why);
            }
            Err(error) if error.is_tool_error() => {
                return not(ExerciseStatus::ToolError, &error.to_string());
            }
            Err(error) => return not(ExerciseStatus::Rejected, &error.to_string()),
        }
        // What was copied is what is compiled: scan that, before anything runs.
        flags.extend(checker_core::integrity::scan_dir(name, &work));
        let tool = |error: anyhow::Error| not(ExerciseStatus::ToolError, &format!("{error:#}"));
        let make = |folder: &str| {
            let dir = work.join(folder);
            std::fs::create_dir_all(&dir).map(|()| dir)
        };
        let (Ok(lib_dir), Ok(suite_dir)) = (make("lib"), make("suite")) else {
            return not(
                ExerciseStatus::ToolError,
                "cannot create the scratch folders",
            );
        };
        let compiler = &self.compiler;
        let library = match compiler.library(
            sandbox,
            &planned.krate,
            &work,
            &planned.dependencies,
            &lib_dir,
        ) {
            Ok(Compiled::Built(library)) => library,
            Ok(Compiled::Rejected(errors)) => {
                return not(ExerciseStatus::DoesNotCompile, &noted(planned, errors));
            }
            Err(error) => return tool(error),
        };
        let suite = match compiler.suite(
            sandbox,
            &planned.krate,
            &library,
            &planned.dependencies,
            &planned.suite,
            &suite_dir,
        ) {
            Ok(Compiled::Built(binary)) => binary,
            Ok(Compiled::Rejected(errors)) => {
                return not(ExerciseStatus::SuiteDoesNotCompile, &noted(planned, errors));
            }
            Err(error) => return tool(error),
        };
        let mut message = String::new();
        let private = match planned.private.as_ref().and_then(|p| p.dir.as_ref()) {
            None => None,
            Some(private_dir) => {
                let Ok(out) = make("private") else {
                    return not(
                        ExerciseStatus::ToolError,
                        "cannot create the scratch folders",
                    );
                };
                match compiler.suite(
                    sandbox,
                    &planned.krate,
                    &library,
                    &planned.dependencies,
                    &SuiteSource::new(private_dir),
                    &out,
                ) {
                    Ok(Compiled::Built(binary)) => Some(binary),
                    Ok(Compiled::Rejected(_)) => {
                        // Its errors would show the private suite's code: say only that.
                        message = "the private suite does not compile against this code; its \
                                   tasks count as not done"
                            .to_owned();
                        None
                    }
                    Err(error) => return tool(error),
                }
            }
        };
        let options = RunOptions {
            timeout: self.timeout,
            jobs: std::num::NonZeroUsize::MIN,
            seed: Some(self.seed),
            output_limit: Some(OUTPUT_LIMIT),
            launcher: std::sync::Arc::new(TestLauncher::new(
                sandbox.clone(),
                Limits::test(self.timeout.as_secs() * 2 + 5),
            )),
        };
        let mut drawn = HashMap::new();
        let mut tests = match Built::from_binary(suite).run_all(&options) {
            Ok(results) => reports(&results, "", &mut drawn),
            Err(SuiteError::Listing { outcome, .. }) => {
                let why = format!("the hidden suite could not list its tests: {outcome}");
                return not(ExerciseStatus::Unlisted, &why);
            }
            Err(error) => return not(ExerciseStatus::ToolError, &error.to_string()),
        };
        if let Some(binary) = private {
            match Built::from_binary(binary).run_all(&options) {
                Ok(results) => tests.extend(reports(&results, "private/", &mut drawn)),
                Err(SuiteError::Listing { .. }) => {
                    message = "the private suite could not list its tests; its tasks count as \
                               not done"
                        .to_owned();
                }
                Err(error) => return not(ExerciseStatus::ToolError, &error.to_string()),
            }
        }
        let report = ExerciseReport {
            exercise: planned.exercise.clone(),
            source: dir.display().to_string(),
            build: Build::Compiled,
            tests,
            seed: self.seed,
            warnings: Vec::new(),
            notes: Vec::new(),
            done_before: Default::default(),
        };
        let mut grade = scored(planned, &report, ExerciseStatus::Graded);
        grade.message = message;
        for test in grade.tasks.iter_mut().flat_map(|t| &mut t.tests) {
            test.check_report = drawn.remove(&test.name);
        }
        grade
    }
}

/// Compile errors with the checker's notes on them first (see
/// [`Exercise::compile_notes`]).
fn noted(planned: &Planned, errors: String) -> String {
    let mut notes = planned.exercise.compile_notes(&errors);
    if notes.is_empty() {
        return errors;
    }
    notes.push(errors);
    notes.join("\n\n")
}

/// The test reports of a run, their names prefixed with `prefix` and their messages
/// the checker's own: the outcome explained, never what the process printed. The check
/// report each failed test attached goes into `drawn`, by the test's prefixed name.
fn reports(
    results: &[TestResult],
    prefix: &str,
    drawn: &mut HashMap<String, serde_json::Value>,
) -> Vec<TestReport> {
    results
        .iter()
        .map(|r| {
            let passed = r.outcome.passed();
            let report = if passed {
                None
            } else {
                check_report(&r.attachments)
            };
            if let Some(report) = report {
                drawn.insert(format!("{prefix}{}", r.name), report);
            }
            let details = if passed {
                String::new()
            } else {
                clean(&r.outcome.to_string())
            };
            TestReport::new(
                &r.task,
                &format!("{prefix}{}", r.name),
                passed,
                r.outcome.verdict(),
                details,
                r.duration,
            )
            .with_clauses(&r.clauses)
        })
        .collect()
}

/// The check report to draw among a failed test's attachments, as `checker check` picks
/// it: the last one (a test that shrinks a failing run attaches one per run it tries and
/// fails with the smallest), kept only when it reads as a check report and is not
/// outsized. The attachments come from the harness alone: a process that wrote a line
/// without the run's secret has none (see `checker_core::runner`).
fn check_report(attachments: &[Attachment]) -> Option<serde_json::Value> {
    let body = &attachments
        .iter()
        .rev()
        .find(|a| a.kind == "check-report")?
        .body;
    if body.len() > CHECK_REPORT_LIMIT {
        return None;
    }
    // Read as a report and written back, so that what is kept is one the page can draw.
    let report = CheckReport::from_json(body).ok()?;
    report.history().ok()?;
    serde_json::to_value(&report).ok()
}

/// Text fit for every report: no control characters but newlines and tabs (a
/// submission's panic message could hold terminal escapes), and at most
/// [`MESSAGE_LIMIT`] characters.
fn clean(text: &str) -> String {
    let mut kept: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(MESSAGE_LIMIT)
        .collect();
    if text.chars().count() > MESSAGE_LIMIT {
        kept.push_str("\n[message cut]");
    }
    kept
}

/// The record of an exercise from its report.
fn scored(planned: &Planned, report: &ExerciseReport, status: ExerciseStatus) -> ExerciseGrade {
    let private = planned.private_tasks();
    let tasks: Vec<TaskGrade> = report
        .tasks()
        .into_iter()
        .map(|t| TaskGrade {
            private: private.contains(t.id.as_str()),
            visibility: planned.visibility(&t.id),
            tests: t
                .tests
                .iter()
                .map(|test| TestGrade {
                    name: test.name.clone(),
                    passed: test.passed,
                    verdict: test.verdict.clone(),
                    message: test.details.clone(),
                    ms: test.ms,
                    private: test.name.starts_with("private/"),
                    check_report: None,
                })
                .collect(),
            id: t.id,
            title: t.title,
            points: t.points,
            score: t.score,
            done: t.done,
        })
        .collect();
    ExerciseGrade {
        exercise: planned.exercise.name.clone(),
        title: planned.exercise.title.clone(),
        status,
        message: String::new(),
        score: tasks.iter().map(|t| t.score).sum(),
        max_score: planned.exercise.points(),
        seed: report.seed,
        tasks,
    }
}

/// The record of an exercise that was not graded: every task not done, `why` said.
fn not_graded(planned: &Planned, seed: u64, status: ExerciseStatus, why: &str) -> ExerciseGrade {
    let report = ExerciseReport {
        exercise: planned.exercise.clone(),
        source: String::new(),
        build: Build::Failed(why.to_owned()),
        tests: Vec::new(),
        seed,
        warnings: Vec::new(),
        notes: Vec::new(),
        done_before: Default::default(),
    };
    let mut grade = scored(planned, &report, status);
    grade.message = clean(why);
    grade
}

/// The exercise with the private suite's tasks added after the catalog's.
pub fn with_private_tasks(exercise: &Exercise, private: Option<&PrivateSuite>) -> Exercise {
    let mut exercise = exercise.clone();
    for task in private.iter().flat_map(|p| &p.tasks) {
        exercise.tasks.push(Task {
            id: task.id.clone(),
            title: task.title.clone(),
            points: task.points,
            hints: Vec::new(),
        });
    }
    exercise
}

/// The last component of a path, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_control_characters_and_length() {
        assert_eq!(
            clean("red \u{1b}[31mtext\u{7}\nnext\tline"),
            "red [31mtext\nnext\tline"
        );
        let long = "x".repeat(MESSAGE_LIMIT + 10);
        let cut = clean(&long);
        assert!(cut.ends_with("\n[message cut]"));
        assert_eq!(cut.chars().filter(|c| *c == 'x').count(), MESSAGE_LIMIT);
    }
}
