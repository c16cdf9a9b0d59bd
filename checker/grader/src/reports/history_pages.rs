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
///
/// The pages an earlier run drew for a submission in the book are removed first (only
/// the files a page is made of), so that a submission graded again that no longer fails
/// a check has no page left to mislead.
pub fn write_pages(out: &Path, book: &[SubmissionGrade], wrote: &mut dyn FnMut(&Path)) {
    for sub in book {
        remove_old(&out.join("pages").join(&sub.submission));
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

/// Removes the pages and histories in `dir`, and `dir` when that leaves it empty;
/// anything else in it stays.
fn remove_old(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") || name.ends_with(".history.json") {
            _ = std::fs::remove_file(entry.path());
        }
    }
    // Fails, as it should, when something else is left.
    _ = std::fs::remove_dir(dir);
}

/// The page of `json` at `page` and its history beside it; the history's path.
fn draw(json: &serde_json::Value, page: &Path) -> Result<std::path::PathBuf> {
    let report: CheckReport =
        serde_json::from_value(json.clone()).context("the record's check report is not one")?;
    checker_core::pages::write(&report, page)?;
    let history = page.with_extension("history.json");
    let text = checker_core::pages::kept_history(&report)?;
    write_atomically(&history, text.as_bytes())?;
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::sample;
    use testkit::check::ConsistencyCheck;
    use testkit::check::linearizable::Linearizable;
    use testkit::history::json::from_json_str;

    /// A failed check's report: w(1), w(2), then a read of 1.
    fn report() -> serde_json::Value {
        let (history, model) = from_json_str(
            r#"{"format": "consistency-lab-history", "version": 1, "model": "register", "ops": [
              {"client": 0, "f": "write", "value": 1, "call": 0, "return": 10, "outcome": "ok"},
              {"client": 1, "f": "write", "value": 2, "call": 20, "return": 30, "outcome": "ok"},
              {"client": 2, "f": "read", "value": 1, "call": 40, "return": 50, "outcome": "ok"}]}"#,
        )
        .unwrap();
        let verdict = Linearizable::new(model.unwrap()).check(&history).unwrap();
        let report = CheckReport::new("seed 1", "linearizability", &history, model, &verdict);
        serde_json::to_value(&report).unwrap()
    }

    #[test]
    fn a_page_per_failed_check_and_none_left_once_it_passes() {
        let out = std::env::temp_dir().join(format!("checker-pages-{}", std::process::id()));
        _ = std::fs::remove_dir_all(&out);
        let mut book = sample::book();
        // Bob failed register::history_is_linearizable.
        book[1].exercises[0].tasks[0].tests[1].check_report = Some(report());
        let mut written = Vec::new();
        write_pages(&out, &book, &mut |p| written.push(p.to_path_buf()));
        let page = out.join("pages/bob/01_linearizable-register.history_is_linearizable.html");
        assert_eq!(written, [page.clone(), page.with_extension("history.json")]);
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("linearizability violated"), "{html}");
        // The history kept beside it names what it was checked for, and reads back.
        let kept = std::fs::read_to_string(page.with_extension("history.json")).unwrap();
        let kept = testkit::history::json::read(&kept).unwrap();
        assert_eq!(kept.consistency.as_deref(), Some("linearizability"));
        assert_eq!(kept.history.len(), 3);
        // A file of the instructor's beside the pages stays; the stale page goes.
        std::fs::write(out.join("pages/bob/notes.txt"), "mine").unwrap();
        book[1].exercises[0].tasks[0].tests[1].check_report = None;
        write_pages(&out, &book, &mut |_| panic!("nothing to draw"));
        assert!(!page.exists() && !page.with_extension("history.json").exists());
        assert!(out.join("pages/bob/notes.txt").is_file());
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn a_test_name_becomes_one_plain_file_name() {
        let mut test = sample::test("private/lock::a b/c", "panicked", "", 1);
        assert_eq!(page_path("bob", "01_x", &test), None);
        test.check_report = Some(report());
        assert_eq!(
            page_path("bob", "01_x", &test).unwrap(),
            "pages/bob/01_x-private_lock.a_b_c.html"
        );
    }
}
