//! The gradebook: every file `checker grade` writes, rendered from the records.
//!
//! Each format is a pure function from records to text, in a module of its own, so that
//! each can be tested on a handful of records built by hand; only [`write_all`] touches
//! the disk.
//!
//! | file under `--out` | module | what it is for |
//! | --- | --- | --- |
//! | `grades.csv` | [`csv`] | one row per submission and exercise: status, score, tests passed |
//! | `gradebook.csv` | [`csv`] | one row per submission, one column per exercise, for a spreadsheet or an LMS import |
//! | `grades.json` | [`json`] | every record with its totals, and the exercises, for programs |
//! | `junit.xml` | [`junit`] | JUnit XML of the whole run, one suite per submission and exercise, for CI servers |
//! | `report.html` | [`class`] | what the class did, on one page for the instructor: flags, scores, tasks, failures |
//! | `pages/ID/EXERCISE-TEST.html` | [`history_pages`] | the history a failed history check drew, as `checker check` draws it |
//! | `submissions/ID/junit.xml` | [`junit`] | the same for one submission |
//! | `submissions/ID/gradescope/results.json` | [`gradescope`] | Gradescope's autograder results, one entry per task |
//! | `submissions/ID/exercism/EXERCISE/results.json` | [`exercism`] | Exercism's test-runner results (version 3) for one exercise |
//! | `submissions/ID/classroom/results.json` | [`classroom`] | what GitHub Classroom's grading reporter reads: points per task |
//!
//! Submission ids come from students' file names and messages carry text from students'
//! code, so every format escapes what its syntax needs and nothing is trusted to be plain.
//!
//! Each file is written to `NAME.tmp` and renamed over `NAME`, so that an interrupted run
//! leaves each file either as the last run wrote it or as this one does, never half
//! written. Files a previous run wrote for a submission or an exercise no longer in the
//! book are left where they are.

pub mod class;
pub mod classroom;
pub mod csv;
pub mod exercism;
pub mod gradescope;
pub mod history_pages;
pub mod json;
pub mod junit;
#[cfg(test)]
pub(crate) mod sample;

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::record::SubmissionGrade;
use checker_core::files::write_atomically;

/// One exercise of the run, as the gradebook lists it: the columns of `gradebook.csv`,
/// the `exercises` of `grades.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExerciseInfo {
    /// The exercise's name (`01_linearizable`).
    pub name: String,
    /// Its title, from the catalog.
    pub title: String,
    /// The points there are to earn in it, private tasks included.
    pub max_score: u32,
}

/// What a graded exercise reports for a task its suite has no test for; such a task is
/// not done, so a suite that forgot a task cannot hand out its points.
const NO_TEST: &str = "the hidden suite has no test for this task";

/// `text` cut to at most `limit` characters, a note saying how much was cut included.
///
/// Platforms cap what they show (Gradescope a test's output, Exercism a message); cutting
/// here, with a note, beats letting the platform drop the text or refuse the file.
fn truncate(text: &str, limit: usize) -> Cow<'_, str> {
    let total = text.chars().count();
    if total <= limit {
        return Cow::Borrowed(text);
    }
    let note = |cut: usize| format!("\n[{cut} more characters cut]");
    // The note for `total` is at least as long as the note for what is actually cut, so
    // keeping `limit` less that many characters always leaves room for the real note.
    let keep = limit.saturating_sub(note(total).chars().count());
    let kept: String = text.chars().take(keep).collect();
    Cow::Owned(kept + &note(total - keep))
}

/// Writes the gradebook of `book` under `out` (see the table above), creating folders as
/// needed, and returns the paths written: the run's files first, then each submission's.
///
/// Every submission id and exercise name becomes a folder name, so each is checked
/// before anything is written: a bad or repeated one fails the call and leaves the
/// previous gradebook as it was, rather than half replaced.
pub fn write_all(
    out: &Path,
    book: &[SubmissionGrade],
    exercises: &[ExerciseInfo],
    similarity: Option<String>,
) -> Result<Vec<PathBuf>> {
    let mut ids = HashSet::new();
    for sub in book {
        folder_name("submission id", &sub.submission)?;
        if !ids.insert(&sub.submission) {
            bail!(
                "submission id {:?} appears twice in the gradebook",
                sub.submission
            );
        }
        let mut names = HashSet::new();
        for e in &sub.exercises {
            folder_name("exercise name", &e.exercise)?;
            if !names.insert(&e.exercise) {
                bail!(
                    "submission {:?} has exercise {:?} twice",
                    sub.submission,
                    e.exercise
                );
            }
        }
    }
    let mut written = Vec::new();
    let mut write = |path: PathBuf, text: String| -> Result<()> {
        write_atomically(&path, text.as_bytes())?;
        written.push(path);
        Ok(())
    };
    write(out.join("grades.csv"), csv::grades_csv(book))?;
    write(
        out.join("gradebook.csv"),
        csv::gradebook_csv(book, exercises),
    )?;
    write(out.join("grades.json"), json::grades_json(book, exercises))?;
    write(out.join("junit.xml"), junit::junit(book))?;
    write(
        out.join("report.html"),
        class::report_html(book, exercises, similarity),
    )?;
    for sub in book {
        let dir = out.join("submissions").join(&sub.submission);
        write(dir.join("junit.xml"), junit::junit_one(sub))?;
        let results = dir.join("gradescope").join("results.json");
        write(results, gradescope::gradescope(sub))?;
        let results = dir.join("classroom").join("results.json");
        write(results, classroom::classroom(sub))?;
        for e in &sub.exercises {
            if let Some(text) = exercism::exercism(sub, &e.exercise) {
                write(
                    dir.join("exercism").join(&e.exercise).join("results.json"),
                    text,
                )?;
            }
        }
    }
    history_pages::write_pages(out, book, &mut |path| written.push(path.to_path_buf()));
    Ok(written)
}

/// Fails unless `name` is one plain folder name: not empty, not `.` or `..`, without a
/// path separator or a NUL. The grader makes ids so; this guards against a caller that
/// did not, since a `..` would write outside `out`.
fn folder_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        bail!("{what} {name:?} cannot be a folder name; no report was written");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("checker-reports-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// Every file under `dir`, relative to it, sorted.
    fn files(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    found.push(path.strip_prefix(dir).unwrap().display().to_string());
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn writes_every_file_run_files_first_and_leaves_no_temporary_file() {
        let out = scratch("all");
        let book = sample::book();
        let written = write_all(&out, &book, &sample::exercises(), None).unwrap();
        let relative: Vec<String> = written
            .iter()
            .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
            .collect();
        assert_eq!(
            relative[..9],
            [
                "grades.csv",
                "gradebook.csv",
                "grades.json",
                "junit.xml",
                "report.html",
                "submissions/alice/junit.xml",
                "submissions/alice/gradescope/results.json",
                "submissions/alice/classroom/results.json",
                "submissions/alice/exercism/01_linearizable/results.json",
            ]
        );
        // Five for the run, three per submission, one per exercise in a record.
        assert_eq!(written.len(), 5 + 3 * 5 + 9);
        let mut sorted = relative.clone();
        sorted.sort();
        assert_eq!(files(&out), sorted);
        let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
        assert_eq!(
            read("gradebook.csv"),
            csv::gradebook_csv(&book, &sample::exercises())
        );
        assert_eq!(
            read("submissions/bob/junit.xml"),
            junit::junit_one(&book[1])
        );
        assert_eq!(
            read("submissions/bob/classroom/results.json"),
            classroom::classroom(&book[1])
        );
        assert_eq!(
            read("submissions/erin/exercism/01_linearizable/results.json"),
            exercism::exercism(&book[4], "01_linearizable").unwrap()
        );
        assert!(!out.join("submissions/dave/exercism/02_cap").exists());
        // Erin's flag is for the instructor: in the run's files, in none a student sees.
        for (file, holds) in [
            ("grades.csv", true),
            ("grades.json", true),
            ("submissions/erin/gradescope/results.json", false),
            ("submissions/erin/classroom/results.json", false),
            (
                "submissions/erin/exercism/01_linearizable/results.json",
                false,
            ),
            ("submissions/erin/junit.xml", false),
        ] {
            assert_eq!(read(file).contains("lifetime-extension"), holds, "{file}");
        }
        // A second run replaces the files.
        let fewer = &book[..1];
        write_all(&out, fewer, &sample::exercises(), None).unwrap();
        assert_eq!(read("grades.csv"), csv::grades_csv(fewer));
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn a_bad_or_repeated_folder_name_writes_nothing() {
        let out = scratch("bad");
        for id in ["", ".", "..", "../up", "a/b", "a\\b", "a\0b"] {
            let mut book = sample::book();
            book[2].submission = id.into();
            let error = write_all(&out, &book, &[], None).unwrap_err().to_string();
            assert!(error.contains(&format!("{id:?}")), "{error}");
        }
        let mut book = sample::book();
        book[1].exercises[1].exercise = "..".into();
        assert!(write_all(&out, &book, &[], None).is_err());
        let mut book = sample::book();
        book[1].submission = "alice".into();
        let error = write_all(&out, &book, &[], None).unwrap_err().to_string();
        assert!(error.contains("twice"), "{error}");
        assert!(!out.exists());
    }

    #[test]
    fn a_failed_write_names_the_file() {
        let out = scratch("blocked");
        std::fs::create_dir_all(out.join("grades.json")).unwrap();
        let error = write_all(&out, &sample::book(), &[], None).unwrap_err();
        assert!(format!("{error:#}").contains("grades.json"), "{error:#}");
        assert_eq!(files(&out), ["gradebook.csv", "grades.csv"]);
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn the_sample_adds_up() {
        let totals: Vec<(u32, u32)> = sample::book()
            .iter()
            .map(|s| (s.score(), s.max_score()))
            .collect();
        assert_eq!(totals, [(30, 30), (10, 30), (10, 30), (0, 20), (25, 30)]);
    }

    #[test]
    fn truncation_keeps_short_text_and_cuts_long_text_to_the_limit_with_a_note() {
        assert_eq!(truncate("short", 5), "short");
        let long = "é".repeat(100);
        let cut = truncate(&long, 40);
        assert!(cut.chars().count() <= 40, "{cut}");
        let kept = cut.chars().take_while(|&c| c == 'é').count();
        assert!(kept >= 40 - "\n[100 more characters cut]".len(), "{cut}");
        assert!(
            cut.ends_with(&format!("\n[{} more characters cut]", 100 - kept)),
            "{cut}"
        );
    }
}
