//! The instructors' history pages: for each failed history check in the book, the page
//! `checker check` draws for a student, under `pages/ID/EXERCISE-TEST.html`, with the
//! whole history beside it (`.history.json`, which the page names and which `checker
//! history check` reads).
//!
//! Each page is drawn from the check report kept in the record (see
//! [`TestGrade::check_report`]), so the merge of shards draws the same pages as the run
//! that graded them, and a resumed run draws them again without running anything.

use std::path::Path;

use anyhow::{Context, Result};
use testkit::report::CheckReport;

use crate::record::{ExerciseGrade, SubmissionGrade, TestGrade};
use checker_core::files::write_atomically;

/// Where the page of `test` of `exercise` of `submission` goes, relative to the
/// gradebook folder, when it failed a history check; `None` otherwise.
///
/// The submission id is already a plain folder name (see `write_all`); the test's name
/// (`register::history_is_linearizable`, `private/...`) becomes `register.history_is_linearizable`,
/// with anything but letters, digits, `_`, `-` and `.` made `_`, so that it is one file
/// name whatever a suite calls its tests.
pub fn page_path(submission: &str, exercise: &str, test: &TestGrade) -> Option<String> {
    test.check_report.as_ref()?;
    let name: String = format!("{exercise}-{}", test.name.replace("::", "."))
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
            _ => '_',
        })
        .collect();
    Some(format!("pages/{submission}/{name}.html"))
}

/// Every page of `sub`, as (its exercise, the test, the page's path under the gradebook).
pub fn pages_of(sub: &SubmissionGrade) -> Vec<(&ExerciseGrade, &TestGrade, String)> {
    sub.exercises
        .iter()
        .flat_map(|e| {
            e.tasks.iter().flat_map(move |t| {
                t.tests.iter().filter_map(move |test| {
                    page_path(&sub.submission, &e.exercise, test).map(|path| (e, test, path))
                })
            })
        })
        .collect()
}

/// Draws every page of `book` under `out`, calling `wrote` with each file written. A
/// report that cannot be drawn is skipped with a note on standard error: the failure it
/// belongs to stands in every other file, and one bad history must not cost the
/// gradebook.
pub fn write_pages(out: &Path, book: &[SubmissionGrade], wrote: &mut dyn FnMut(&Path)) {
    for sub in book {
        for (exercise, test, path) in pages_of(sub) {
            let Some(json) = &test.check_report else {
                continue;
            };
            let page = out.join(&path);
            match draw(json, &page) {
                Ok(history) => {
                    wrote(&page);
                    wrote(&history);
                }
                Err(error) => eprintln!(
                    "note: the history of {} of {} in {} could not be drawn: {error:#}",
                    test.name, exercise.exercise, sub.submission
                ),
            }
        }
    }
}

/// The page of `json` at `page` and its history beside it; the history's path.
fn draw(json: &serde_json::Value, page: &Path) -> Result<std::path::PathBuf> {
    let report: CheckReport =
        serde_json::from_value(json.clone()).context("the record's check report is not one")?;
    checker_core::pages::write(&report, page)?;
    let history = page.with_extension("history.json");
    let text = serde_json::to_string_pretty(&report.history)? + "\n";
    write_atomically(&history, text.as_bytes())?;
    Ok(history)
}
