//! The gradebook of a run, and of several: writing it from the records, the table
//! printed at the end, and `checker gradebook`, which merges the records of shards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::jobs::{Stamp, check_stamps};
use super::lms::{self, Roster};
use super::record::{ExerciseStatus, SubmissionGrade};
use super::reports::{self, ExerciseInfo, history_pages};
use super::similarity::{self, Document, SourceFile, sources};
use super::store;
use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::course::Course;
use checker_core::files::write_atomically;

/// The gradebook's columns for `exercise`, private tasks included.
pub fn info(exercise: &Exercise) -> ExerciseInfo {
    ExerciseInfo {
        name: exercise.name.clone(),
        title: exercise.title.clone(),
        max_score: exercise.points(),
    }
}

/// Writes the gradebook, with what similarity `found` as a section of the class report,
/// and prints the summary; the run's status.
pub fn finish(
    out: &Path,
    book: &[SubmissionGrade],
    exercises: &[ExerciseInfo],
    found: &similarity::Similarity,
) -> Result<Status> {
    let section = similarity::section_html(found);
    let written = reports::write_all(out, book, exercises, Some(section))?;
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

/// What is written beside the gradebook: similarity, and the imports when a roster is
/// given.
#[derive(Clone, Debug)]
pub struct ClassOptions {
    /// The similarity threshold, 0 to 1.
    pub threshold: f64,
    /// The folder of known files, if any.
    pub known: Option<PathBuf>,
    /// The roster, if any.
    pub roster: Option<PathBuf>,
}

impl Default for ClassOptions {
    fn default() -> Self {
        ClassOptions {
            threshold: similarity::DEFAULT_THRESHOLD,
            known: None,
            roster: None,
        }
    }
}

/// [`ClassOptions`] with their files read.
#[derive(Clone, Debug)]
pub struct LoadedClass {
    threshold: f64,
    known: BTreeMap<String, Vec<Document>>,
    roster: Option<(PathBuf, Roster)>,
}

impl ClassOptions {
    /// Reads the roster and the known files (for `exercises`): a bad one fails here.
    pub fn load(&self, exercises: &[&Exercise]) -> Result<LoadedClass> {
        let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
        Ok(LoadedClass {
            threshold: self.threshold,
            known: match &self.known {
                Some(dir) => sources::known(dir, &names)?,
                None => BTreeMap::new(),
            },
            roster: match &self.roster {
                Some(path) => Some((path.clone(), Roster::load(path)?)),
                None => None,
            },
        })
    }
}

/// Writes `similarity.csv` and `similarity.json` (from the sources kept for each
/// record), and `canvas.csv` and `moodle.csv` when there is a roster. Returns what
/// similarity found, for the class report ([`similarity::section_html`]).
pub fn class_files(
    course: &Course,
    out: &Path,
    book: &[SubmissionGrade],
    exercises: &[ExerciseInfo],
    class: &LoadedClass,
) -> Result<similarity::Similarity> {
    let mut all = Vec::new();
    for record in book {
        let mut kept = sources::load(out, &record.submission)?;
        kept.retain(|name, _| exercises.iter().any(|e| &e.name == name));
        all.push((record.submission.clone(), kept));
    }
    let mut skeletons: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
    for e in exercises {
        if let Ok(exercise) = course.catalog.find(&e.name) {
            let src = course.skeleton_dir(exercise).join("src");
            skeletons.insert(
                e.name.clone(),
                sources::read_rs_files(&src).unwrap_or_default(),
            );
        }
    }
    let found = similarity::compare_all(
        &sources::documents(&all),
        &skeletons,
        &class.known,
        class.threshold,
    );
    write_atomically(
        &out.join("similarity.csv"),
        similarity::csv(&found).as_bytes(),
    )?;
    let json = serde_json::to_string_pretty(&found)?;
    write_atomically(&out.join("similarity.json"), json.as_bytes())?;
    eprintln!(
        "similarity: {} of {} pair(s) share at least {:.0}% of their code (similarity.csv)",
        found.pairs.len(),
        found.compared,
        class.threshold * 100.0
    );
    if let Some((path, roster)) = &class.roster {
        let imports = lms::imports(book, exercises, roster);
        for id in &imports.unlisted {
            eprintln!(
                "warning: submission {id} is not in the roster {}: it is in grades.csv but not                  in canvas.csv or moodle.csv; add a row for it and run again",
                path.display()
            );
        }
        for id in &imports.absent {
            eprintln!(
                "note: the roster {} lists {id}, which has no graded submission",
                path.display()
            );
        }
        write_atomically(&out.join("canvas.csv"), imports.canvas.as_bytes())?;
        write_atomically(&out.join("moodle.csv"), imports.moodle.as_bytes())?;
    }
    Ok(found)
}

/// `checker gradebook --out DIR FROM...`: the records of several runs, merged, once
/// their stamps show one course and one set of options.
pub fn merge(
    course: &Course,
    out: &Path,
    from: &[PathBuf],
    options: &ClassOptions,
) -> Result<Status> {
    for dir in from {
        if !dir.is_dir() {
            bail!("{}: no such gradebook folder", dir.display());
        }
    }
    let stamp = check_stamps(&from.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let every: Vec<&Exercise> = course.catalog.exercises.iter().collect();
    let class = options.load(&every)?;
    let mut book: BTreeMap<String, SubmissionGrade> = BTreeMap::new();
    let mut kept_sources = Vec::new();
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
            kept_sources.push((
                record.submission.clone(),
                sources::load(dir, &record.submission)?,
            ));
            book.insert(record.submission.clone(), record);
        }
    }
    let out = store::open(out, None)?;
    for record in book.values() {
        store::save(&out, record)?;
    }
    for (id, kept) in &kept_sources {
        sources::save(&out, id, kept)?;
    }
    if let Some(stamp) = stamp {
        Stamp {
            shard: None,
            ..stamp
        }
        .save(&out)?;
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
    let similar = class_files(course, &out, &book, &exercises, &class)?;
    finish(&out, &book, &exercises, &similar)
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
