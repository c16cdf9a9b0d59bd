//! What the watch mode says about one exercise: a mark for each task, and the body of
//! the screen, which explains the first failing task in full.
//!
//! The report of a check holds every test of every task; a screen holds a few dozen
//! rows. So the body is about the task the student is on: the first failing one, with
//! each failing test's message, the clauses of the README it checks, its page and its
//! replay command. Tasks whose tests only reach the skeleton's `todo!()` are not started
//! rather than failing, and take one line each; a later failing task takes one line too
//! until the first one passes (`checker check` prints everything).

use std::path::Path;

use checker_core::catalog::Exercise;
use checker_core::progress::CourseState;
use checker_core::report::{Build, ExerciseReport, TaskVerdict, TestReport, first_error_place};

use super::screen::{Line, Look};
use super::wrap::{clean, columns, fit};

/// A task's state, as its row in the task list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Every test of the task passed.
    Done,
    /// Some test failed, other than by reaching a `todo!()`.
    Failing,
    /// Every failing test reached a `todo!()` of the skeleton.
    NotStarted,
    /// Done at the last check that compiled; the copy does not compile now.
    DoneBefore,
    /// Not done, and the copy does not compile now.
    NotDone,
    /// The exercise was never checked.
    NotChecked,
}

impl Mark {
    fn label(self) -> &'static str {
        match self {
            Mark::Done => "done",
            Mark::Failing => "failing",
            Mark::NotStarted => "not started",
            Mark::DoneBefore => "done before",
            Mark::NotDone => "not done",
            Mark::NotChecked => "not checked",
        }
    }

    fn look(self) -> Look {
        match self {
            Mark::Done => Look::Good,
            Mark::Failing => Look::Bad,
            Mark::DoneBefore => Look::Warn,
            Mark::NotStarted | Mark::NotDone | Mark::NotChecked => Look::Faint,
        }
    }
}

/// Whether a failed test stopped at a `todo!()`: the panic message `todo!` gives, on the
/// first line of what the harness reported (`failed at src/lib.rs:6:5: not yet
/// implemented: ...`).
fn reached_todo(test: &TestReport) -> bool {
    test.verdict == "panicked"
        && test
            .details
            .lines()
            .next()
            .is_some_and(|line| line.contains(": not yet implemented"))
}

/// Whether `task` failed only because its tests reached a `todo!()`.
pub fn not_started(task: &TaskVerdict) -> bool {
    let mut failed = task.tests.iter().filter(|t| !t.passed).peekable();
    !task.done && failed.peek().is_some() && failed.all(reached_todo)
}

/// The mark of each task of `exercise`: from the last check shown when there is one, else
/// from the progress file.
pub fn marks(
    exercise: &Exercise,
    report: Option<&ExerciseReport>,
    state: &CourseState<'_>,
) -> Vec<Mark> {
    match report {
        Some(r) if r.build == Build::Compiled => r
            .tasks()
            .iter()
            .map(|t| match (t.done, not_started(t)) {
                (true, _) => Mark::Done,
                (false, true) => Mark::NotStarted,
                (false, false) => Mark::Failing,
            })
            .collect(),
        Some(r) => exercise
            .tasks
            .iter()
            .map(|t| match r.done_before.contains(&t.id) {
                true => Mark::DoneBefore,
                false => Mark::NotDone,
            })
            .collect(),
        None => {
            let checked = state
                .progress()
                .exercises
                .get(&exercise.name)
                .is_some_and(|e| e.checked);
            let broken = state.broken(exercise).is_some();
            exercise
                .tasks
                .iter()
                .map(
                    |t| match (state.is_done(exercise, &t.id), broken, checked) {
                        (true, true, _) => Mark::DoneBefore,
                        (true, false, _) => Mark::Done,
                        (false, _, true) => Mark::NotDone,
                        (false, _, false) => Mark::NotChecked,
                    },
                )
                .collect()
        }
    }
}

/// One row per task: its mark, id, title and points, fitted to `width` (the title is
/// what gets shorter).
pub fn task_rows(exercise: &Exercise, marks: &[Mark], width: usize) -> Vec<Line> {
    let id_width = exercise
        .tasks
        .iter()
        .map(|t| columns(&t.id))
        .max()
        .unwrap_or(0);
    exercise
        .tasks
        .iter()
        .zip(marks)
        .map(|(task, &mark)| {
            let score = if mark == Mark::Done { task.points } else { 0 };
            let head = format!(" {:<id_width$}  ", task.id);
            let points = format!("  {score:>2}/{}", task.points);
            let room = width.saturating_sub(2 + 12 + columns(&head) + columns(&points));
            let title = format!("{:<room$}", fit(&task.title, room));
            Line::new(Look::Plain, "  ")
                .and(mark.look(), format!("{:<12}", mark.label()))
                .and(Look::Plain, head)
                .and(Look::Plain, title)
                .and(Look::Faint, points)
        })
        .collect()
}

/// The body for a finished check of `report`: notes, then compiler errors or the first
/// failing task in full, the other tasks folded, and the replay command. `next` is the
/// exercise after this one, named when every task is done.
pub fn explain(
    report: &ExerciseReport,
    root: &Path,
    next: Option<&Exercise>,
) -> Vec<(Look, String)> {
    let ex = &report.exercise;
    let mut out: Vec<(Look, String)> = report
        .notes
        .iter()
        .map(|n| (Look::Warn, format!("note: {}", clean(n))))
        .collect();
    match &report.build {
        Build::Failed(errors) => {
            out.push((
                Look::Bad,
                format!(
                    "{} does not compile (first error at {}):",
                    ex.name,
                    first_error_place(errors, root)
                ),
            ));
            indented(&mut out, Look::Plain, errors, "  ");
            out.push((Look::Plain, String::new()));
            if report.done_before.is_empty() {
                out.push((
                    Look::Plain,
                    "Every task counts as not done until it compiles.".into(),
                ));
            } else {
                out.push((
                    Look::Warn,
                    format!(
                        "Done before: {}. They count again once it compiles and their tests pass.",
                        report
                            .done_before
                            .iter()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            return out;
        }
        Build::Unlisted(why) => {
            out.push((
                Look::Bad,
                "The hidden suite could not list its tests:".into(),
            ));
            indented(&mut out, Look::Plain, why, "  ");
            out.push((Look::Plain, "Every task counts as not done.".into()));
            return out;
        }
        Build::Compiled => {}
    }
    let tasks = report.tasks();
    if tasks.iter().all(|t| t.done) {
        out.push((Look::Good, format!("Every task of {} passes.", ex.name)));
        out.push((
            Look::Plain,
            match next {
                Some(next) => format!(
                    "n goes on to the next exercise, {}: {}.",
                    next.name, next.title
                ),
                None => "That was the last exercise of the course.".to_owned(),
            },
        ));
        return out;
    }
    let failing = tasks.iter().find(|t| !t.done && !not_started(t));
    // The task the body is about: the first failing one, else the first not started.
    let first = failing.or_else(|| tasks.iter().find(|t| !t.done));
    match failing {
        Some(task) => explain_task(&mut out, report, task),
        None => {
            if let Some(task) = first {
                out.push((
                    Look::Strong,
                    format!("Next: task {}, {}.", task.id, task.title),
                ));
                out.push((
                    Look::Plain,
                    format!(
                        "exercises/{}/README.md states it; save a file of the exercise to check again.",
                        ex.name
                    ),
                ));
            }
        }
    }
    let mut folded = Vec::new();
    for task in tasks.iter().filter(|t| !t.done) {
        if first.is_some_and(|f| f.id == task.id) {
            continue;
        }
        let line = if not_started(task) {
            (
                Look::Faint,
                format!("{}: not started (its tests reach a todo!())", task.id),
            )
        } else {
            let failed = task.tests.iter().filter(|t| !t.passed).count();
            (
                Look::Plain,
                format!(
                    "{}: failing too ({failed} of {} tests); explained here once {} passes",
                    task.id,
                    task.tests.len(),
                    first.map_or("", |f| f.id.as_str())
                ),
            )
        };
        folded.push(line);
    }
    if !folded.is_empty() {
        out.push((Look::Plain, String::new()));
        out.extend(folded);
    }
    for t in report.stray_tests() {
        out.push((
            Look::Warn,
            format!(
                "note: test {} names task {:?}, which the catalog does not list",
                t.name, t.task
            ),
        ));
    }
    if failing.is_some() {
        out.push((Look::Plain, String::new()));
        out.push((Look::Faint, format!("replay: {}", report.replay(""))));
    }
    out
}

/// A failing task in full: each failing test with its message.
fn explain_task(out: &mut Vec<(Look, String)>, report: &ExerciseReport, task: &TaskVerdict) {
    out.push((Look::Strong, format!("{}: {}", task.id, task.title)));
    if task.tests.is_empty() {
        out.push((
            Look::Plain,
            "  the hidden suite has no test for this task".into(),
        ));
    }
    for t in task.tests.iter().filter(|t| !t.passed) {
        out.push((Look::Bad, format!("x {}: {}", t.name, t.verdict)));
        if !t.clauses.is_empty() {
            out.push((
                Look::Plain,
                format!("  it checks {} of the README", t.clauses.join(", ")),
            ));
        }
        indented(out, Look::Plain, &t.details, "  ");
        if let Some(page) = &t.page {
            out.push((Look::Plain, format!("  the history, drawn: {page}")));
        }
        if let Some(seed) = t.replay_seed {
            out.push((
                Look::Plain,
                format!(
                    "  replay this run: checker check {} --seed {seed} --test {}",
                    report.exercise.name, t.name
                ),
            ));
        }
    }
}

/// Each line of `text`, cleaned of control characters, under `prefix`.
fn indented(out: &mut Vec<(Look, String)>, look: Look, text: &str, prefix: &str) {
    for line in clean(text).lines() {
        let line = if line.trim().is_empty() {
            String::new()
        } else {
            format!("{prefix}{line}")
        };
        out.push((look, line));
    }
}
