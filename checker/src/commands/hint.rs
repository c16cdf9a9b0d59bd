//! `checker hint EXERCISE`: the next hint each time, or all of them.

use anyhow::Result;

use checker_core::Status;
use checker_core::course::Course;
use checker_core::state::Progress;

/// Shows the next hint of `name` (every hint with `all`) and remembers how far it got.
pub fn run(course: &Course, name: &str, all: bool) -> Result<Status> {
    let exercise = course.catalog.find(name)?;
    let hints = &exercise.hints;
    if hints.is_empty() {
        println!(
            "{} has no hints; its README explains each task.",
            exercise.name
        );
        return Ok(Status::Passed);
    }
    let state_dir = course.state_dir();
    let (mut progress, notice) = Progress::load(&state_dir);
    if let Some(n) = notice {
        eprintln!("note: {n}");
    }
    let entry = progress.exercise(&exercise.name);
    let upto = if all {
        hints.len()
    } else {
        (entry.hints_shown + 1).min(hints.len())
    };
    let from = if all { 0 } else { upto - 1 };
    for (i, hint) in hints.iter().enumerate().take(upto).skip(from) {
        println!(
            "Hint {} of {} for {}:\n  {hint}",
            i + 1,
            hints.len(),
            exercise.name
        );
    }
    if !all && entry.hints_shown >= hints.len() {
        println!(
            "(that was the last hint; `checker hint {} --all` shows them all)",
            exercise.name
        );
    }
    entry.hints_shown = entry.hints_shown.max(upto);
    progress.save(&state_dir)?;
    Ok(Status::Passed)
}
