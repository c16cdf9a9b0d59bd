//! `checker hint EXERCISE`: the next hint each time, or all of them.

use anyhow::Result;

use checker_core::Status;
use checker_core::course::Course;
use checker_core::progress::{CourseState, Hint};

/// Shows the next hint of `name` (every hint with `all`) and remembers how far it got.
pub fn run(course: &Course, name: &str, all: bool) -> Result<Status> {
    let exercise = course.catalog.find(name)?;
    let mut state = CourseState::load(course);
    if let Some(notice) = state.notice() {
        eprintln!("note: {notice}");
    }
    let shown: Vec<Hint> = if all {
        state.all_hints(exercise)
    } else {
        state.next_hint(exercise).into_iter().collect()
    };
    if shown.is_empty() {
        println!(
            "{} has no hints; its README explains each task.",
            exercise.name
        );
        return Ok(Status::Passed);
    }
    for hint in &shown {
        println!(
            "Hint {} of {} for {}:\n  {}",
            hint.number, hint.of, exercise.name, hint.text
        );
    }
    if !all && shown.iter().any(|h| h.number == h.of) {
        println!(
            "(that was the last hint; `checker hint {} --all` shows them all)",
            exercise.name
        );
    }
    state.save()?;
    Ok(Status::Passed)
}
