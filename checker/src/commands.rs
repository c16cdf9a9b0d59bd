//! The commands a student and an author run on the course: `list`, `hint`, `reset`,
//! `check`, `dev verify`, `student-edition` and the watch mode. Each lives in its own module; this one holds
//! what they share: opening the course and reporting errors as one line and a status.

pub mod check;
pub mod dev;
pub mod edition;
pub mod figures;
pub mod hint;
pub mod list;
pub mod mutants;
pub mod reset;
pub mod watch;

use std::path::Path;

use anyhow::{Result, bail};

use crate::output;
use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::course::Course;
use checker_core::progress::CourseState;

/// The exercise a command is about: the one named (by name, number or topic), else the
/// one whose folder the command runs in (`exercises/NAME/...`), else the current one.
pub fn chosen<'c>(
    course: &'c Course,
    state: &CourseState<'c>,
    name: Option<&str>,
) -> Result<&'c Exercise> {
    if let Some(name) = name {
        return Ok(course.catalog.find(name)?);
    }
    if let Some(here) = std::env::current_dir()
        .ok()
        .and_then(|dir| course.exercise_at(&dir))
    {
        return Ok(here);
    }
    match state.current() {
        Some(current) => Ok(current),
        None => bail!("the course has no exercises yet"),
    }
}

/// Runs `f` on the opened course; an error of any kind becomes one line on standard
/// error and [`Status::ToolError`].
pub fn with_course(
    root: Option<&Path>,
    f: impl FnOnce(&Course) -> anyhow::Result<Status>,
) -> Status {
    match Course::open(root).and_then(|course| f(&course)) {
        Ok(status) => status,
        Err(e) => {
            output::error(&format!("{e:#}"));
            Status::ToolError
        }
    }
}
