//! `checker hint [EXERCISE] [--task ID] [--all]`: the next hint of the task the student
//! is on (the first one not done at the last check), one more each time; `--all` shows
//! that task's hints at once, `--task` picks another task.

use anyhow::Result;

use checker_core::Status;
use checker_core::catalog::{Catalog, Exercise};
use checker_core::course::Course;
use checker_core::progress::{CourseState, Hint, NoHint};

/// What `checker hint` was asked.
#[derive(Clone, Debug, Default)]
pub struct HintRequest {
    /// The exercise; by default the one whose folder the command runs in, else the
    /// current one.
    pub exercise: Option<String>,
    /// The task, by id; by default the first one not done.
    pub task: Option<String>,
    /// Every hint of the task at once.
    pub all: bool,
}

/// Shows the next hint (or all of them) and remembers how far it got.
pub fn run(course: &Course, req: &HintRequest) -> Result<Status> {
    let mut state = CourseState::load(course);
    if let Some(notice) = state.notice() {
        eprintln!("note: {notice}");
    }
    let exercise = super::chosen(course, &state, req.exercise.as_deref())?;
    let task = match &req.task {
        Some(id) => Some(Catalog::task(exercise, id)?),
        None => None,
    };
    let shown = if req.all {
        state.all_hints(exercise, task)
    } else {
        state.next_hint(exercise, task).map(|hint| vec![hint])
    };
    match shown {
        Ok(hints) => {
            print!("{}", render(exercise, &hints, req.all));
            state.save()?;
        }
        Err(why) => println!("{}", no_hint(exercise, &why)),
    }
    Ok(Status::Passed)
}

/// The hints as shown, with what to do once the last was seen.
pub fn render(exercise: &Exercise, hints: &[Hint], all: bool) -> String {
    let mut out = String::new();
    for hint in hints {
        out.push_str(&format!(
            "Hint {} of {} for task {} of {}:\n  {}\n",
            hint.number, hint.of, hint.task, exercise.name, hint.text
        ));
    }
    if let Some(last) = hints.last()
        && !all
        && last.number == last.of
    {
        out.push_str(&format!(
            "(that was the last hint of {}; `checker hint {} --task {} --all` shows them all)\n",
            last.task, exercise.name, last.task
        ));
    }
    out
}

/// Why there is no hint to show, in one line.
pub fn no_hint(exercise: &Exercise, why: &NoHint) -> String {
    match why {
        NoHint::AllDone => format!(
            "Every task of {} passed at its last check: no hint needed (`checker hint {} --task ID` shows a task's hints anyway).",
            exercise.name, exercise.name
        ),
        NoHint::NoneWritten(task) => format!(
            "Task {task} of {} has no hints; the exercise's README explains it.",
            exercise.name
        ),
    }
}
