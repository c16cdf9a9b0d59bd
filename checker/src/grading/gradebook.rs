//! The gradebook of a run, and of several: writing it from the records, the table
//! printed at the end, and `checker gradebook`, which merges the records of shards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::pipeline::Planned;
use super::record::{ExerciseStatus, SubmissionGrade};
use super::reports::{self, ExerciseInfo};
use super::store;
use crate::Status;
use crate::catalog::Exercise;
use crate::course::Course;
use crate::runner::manifest::crate_key;

/// Writes the gradebook and prints the summary; the run's status.
pub fn finish(out: &Path, book: &[SubmissionGrade], plan: &[Planned]) -> Result<Status> {
    let exercises: Vec<ExerciseInfo> = plan
        .iter()
        .map(|p| ExerciseInfo {
            name: p.exercise.name.clone(),
            title: p.exercise.title.clone(),
            max_score: p.exercise.points(),
        })
        .collect();
    let written = reports::write_all(out, book, &exercises)?;
    print!("{}", summary(book, &exercises));
    println!("gradebook written to {}:", out.display());
    for path in written.iter().filter(|p| p.parent() == Some(out)) {
        println!("  {}", path.display());
    }
    println!(
        "  {}/ID/ (per submission: JUnit XML, Gradescope, GitHub Classroom and Exercism results.json)",
        out.join("submissions").display()
    );
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
        text.push_str(&format!(" {:>5}/{}\n", record.score(), record.max_score()));
    }
    let legend: Vec<String> = exercises
        .iter()
        .map(|e| format!("{} {} points", e.name, e.max_score))
        .collect();
    text.push_str(&format!("({})\n", legend.join(", ")));
    text.push_str("(- missing, x does not compile or was refused, ! not graded: see grades.csv)\n");
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
    let names: Vec<&str> = book
        .values()
        .flat_map(|r| r.exercises.iter().map(|e| e.exercise.as_str()))
        .collect();
    let plan: Vec<Planned> = course
        .catalog
        .exercises
        .iter()
        .filter(|e| names.contains(&e.name.as_str()))
        .map(|e| Planned {
            exercise: merged_exercise(e, &book),
            krate: crate_key(&e.name),
            dependencies: Vec::new(),
            suite: PathBuf::new(),
            private: None,
        })
        .collect();
    let book: Vec<SubmissionGrade> = book.into_values().collect();
    finish(&out, &book, &plan)
}

/// An exercise as the records saw it: their max score (private tasks included).
fn merged_exercise(exercise: &Exercise, book: &BTreeMap<String, SubmissionGrade>) -> Exercise {
    let mut exercise = exercise.clone();
    if let Some(grade) = book.values().find_map(|r| r.exercise(&exercise.name)) {
        exercise.tasks = grade
            .tasks
            .iter()
            .map(|t| crate::catalog::Task {
                id: t.id.clone(),
                title: t.title.clone(),
                points: t.points,
            })
            .collect();
    }
    exercise
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::reports::sample;

    #[test]
    fn the_summary_has_a_row_per_submission_and_marks_what_was_not_graded() {
        let book = sample::book();
        let text = summary(&book, &sample::exercises());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), book.len() + 3, "{text}");
        assert!(
            lines[0].starts_with("submission") && lines[0].ends_with("total"),
            "{text}"
        );
        for (record, line) in book.iter().zip(&lines[1..]) {
            assert!(line.starts_with(&record.submission), "{line}");
            let total = format!("{}/{}", record.score(), record.max_score());
            assert!(line.ends_with(&total), "{line}");
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
