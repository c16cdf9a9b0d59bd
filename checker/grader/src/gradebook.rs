//! The gradebook of a run, and of several: writing it from the records, the table
//! printed at the end, and `checker gradebook`, which merges the records of shards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::record::{ExerciseStatus, SubmissionGrade};
use super::reports::{self, ExerciseInfo, history_pages};
use super::store;
use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::course::Course;

/// The gradebook's columns for `exercise`, private tasks included.
pub fn info(exercise: &Exercise) -> ExerciseInfo {
    ExerciseInfo {
        name: exercise.name.clone(),
        title: exercise.title.clone(),
        max_score: exercise.points(),
    }
}

/// Writes the gradebook and prints the summary; the run's status.
pub fn finish(out: &Path, book: &[SubmissionGrade], exercises: &[ExerciseInfo]) -> Result<Status> {
    let written = reports::write_all(out, book, exercises)?;
    print!("{}", summary(book, exercises));
    println!("gradebook written to {}:", out.display());
    for path in written.iter().filter(|p| p.parent() == Some(out)) {
        println!("  {}", path.display());
    }
    println!(
        "  {}/ID/ (per submission: JUnit XML, Gradescope, GitHub Classroom and Exercism results.json)",
        out.join("submissions").display()
    );
    if book.iter().any(|r| !history_pages::pages_of(r).is_empty()) {
        println!(
            "  {}/ID/ (the history of each failed history check, as checker check draws it)",
            out.join("pages").display()
        );
    }
    let errors = book.iter().filter(|r| r.tool_error.is_some()).count();
    if errors > 0 {
        eprintln!("error: {errors} submission(s) could not be graded; run again to retry them");
        return Ok(Status::ToolError);
    }
    Ok(Status::Passed)
}

/// The table printed at the end: a row per submission, a column per exercise.
pub fn summary(book: &[SubmissionGrade], exercises: &[ExerciseInfo]) -> String {
    let width = book
        .iter()
        .map(|r| r.submission.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let mut text = format!("{:<width$}", "submission");
    for e in exercises {
        let short: String = e.name.chars().take(2).collect();
        text.push_str(&format!(" {short:>5}"));
    }
    text.push_str("     total\n");
    for record in book {
        text.push_str(&format!("{:<width$}", record.submission));
        for e in exercises {
            let cell = match record.exercise(&e.name) {
                None => "-".to_owned(),
                Some(g) => match g.status {
                    ExerciseStatus::Graded => g.score.to_string(),
                    ExerciseStatus::Missing => "-".to_owned(),
                    ExerciseStatus::ToolError => "!".to_owned(),
                    _ => "x".to_owned(),
                },
            };
            text.push_str(&format!(" {cell:>5}"));
        }
        text.push_str(&format!(" {:>5}/{}", record.score(), record.max_score()));
        if !record.flags.is_empty() {
            text.push_str(&format!("  FLAGGED ({})", record.flags.len()));
        }
        text.push('\n');
    }
    let legend: Vec<String> = exercises
        .iter()
        .map(|e| format!("{} {} points", e.name, e.max_score))
        .collect();
    text.push_str(&format!("({})\n", legend.join(", ")));
    text.push_str("(- missing, x does not compile or was refused, ! not graded: see grades.csv)\n");
    if book.iter().any(|r| !r.flags.is_empty()) {
        text.push_str(
            "(FLAGGED: its sources hold what no honest solution needs; the score stands, \
             the flags column of grades.csv says what and where)\n",
        );
    }
    text
}

/// `checker gradebook --out DIR FROM...`: the records of several runs, merged.
pub fn merge(course: &Course, out: &Path, from: &[PathBuf]) -> Result<Status> {
    let mut book: BTreeMap<String, SubmissionGrade> = BTreeMap::new();
    for dir in from {
        for record in store::load_all(dir)? {
            if let Some(old) = book.get(&record.submission) {
                bail!(
                    "submission {} was graded in two of the folders ({} among them): merge \
                     shards of one run, not two runs",
                    old.submission,
                    dir.display()
                );
            }
            book.insert(record.submission.clone(), record);
        }
    }
    let out = store::open(out, None)?;
    for record in book.values() {
        store::save(&out, record)?;
    }
    // The exercises in catalog order, with the points the records saw (private tasks
    // included).
    let exercises: Vec<ExerciseInfo> = course
        .catalog
        .exercises
        .iter()
        .filter_map(|e| {
            let graded = book.values().find_map(|r| r.exercise(&e.name))?;
            Some(ExerciseInfo {
                max_score: graded.max_score,
                ..info(e)
            })
        })
        .collect();
    let book: Vec<SubmissionGrade> = book.into_values().collect();
    finish(&out, &book, &exercises)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::sample;

    #[test]
    fn the_summary_has_a_row_per_submission_and_marks_what_was_not_graded() {
        let book = sample::book();
        let text = summary(&book, &sample::exercises());
        let lines: Vec<&str> = text.lines().collect();
        // A header, a row each, the legend, the marks and what FLAGGED means.
        assert_eq!(lines.len(), book.len() + 4, "{text}");
        assert!(
            lines[0].starts_with("submission") && lines[0].ends_with("total"),
            "{text}"
        );
        for (record, line) in book.iter().zip(&lines[1..]) {
            assert!(line.starts_with(&record.submission), "{line}");
            let total = format!("{}/{}", record.score(), record.max_score());
            if record.flags.is_empty() {
                assert!(line.ends_with(&total), "{line}");
            } else {
                assert!(line.ends_with(&format!("{total}  FLAGGED (1)")), "{line}");
            }
            for e in &record.exercises {
                let mark = match e.status {
                    ExerciseStatus::Graded => e.score.to_string(),
                    ExerciseStatus::Missing => "-".to_owned(),
                    ExerciseStatus::ToolError => "!".to_owned(),
                    _ => "x".to_owned(),
                };
                assert!(
                    line.split_whitespace().any(|cell| cell == mark),
                    "{line}: {mark}"
                );
            }
        }
    }
}
