//! Grade imports for learning-management systems, beside `grades.csv`: `canvas.csv` for
//! Canvas's gradebook import and `moodle.csv` for Moodle's CSV grade import, each with
//! one column per exercise, students named by the identifiers of a roster the
//! instructor gives (`--roster FILE`), since submission ids are file names that neither
//! system knows.
//!
//! Roster (CSV, a header row, `submission` required, the rest as each system needs):
//!
//! | column | used for |
//! | --- | --- |
//! | `submission` | the submission id (its file name in the submissions folder, without `.zip`, `.tar.gz`, `.tgz`) |
//! | `name` | Canvas's `Student` |
//! | `canvas_id` | Canvas's `ID` (the user's Canvas id) |
//! | `sis_user_id`, `sis_login_id`, `section` | Canvas's columns of those names |
//! | `email`, `idnumber` | Moodle's `Email address` and `ID number`, to map the user by |
//!
//! A graded submission missing from the roster stays in `grades.csv` and is left out
//! of the import files, with a warning; a roster row with no submission is listed.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::record::SubmissionGrade;
use crate::reports::ExerciseInfo;

/// Canvas's gradebook import: these columns first, then one per assignment, and a
/// second row `Points Possible`. Source: Canvas Instructor Guide, "How do I import
/// grades in the Gradebook?" (community.canvaslms.com), which names the columns an
/// import needs and the points-possible row of an export.
pub const CANVAS_COLUMNS: [&str; 5] = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];
/// The first cell of Canvas's second row.
pub const CANVAS_POINTS_ROW: &str = "Points Possible";
/// Moodle's CSV grade import: identifier columns, then one per grade item. Source:
/// Moodle docs, "Grade import" (docs.moodle.org/en/Grade_import): "Identify user by"
/// maps a column to the user's email address or ID number; the names are those of
/// Moodle's own plain-text grade export.
pub const MOODLE_COLUMNS: [&str; 2] = ["Email address", "ID number"];
/// The roster's columns (see the module's table); `submission` is required.
pub const ROSTER_COLUMNS: [&str; 8] = [
    "submission",
    "name",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "email",
    "idnumber",
];

/// One student of the roster: the roster's columns by name.
pub type Student = BTreeMap<String, String>;

/// The roster: a student per submission id, in the file's order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roster {
    /// (submission id, the student's fields).
    pub students: Vec<(String, Student)>,
}

impl Roster {
    /// Reads the roster at `path`; an unreadable file, a missing `submission` column, an
    /// unknown column or a repeated submission is an error naming the file.
    pub fn load(path: &Path) -> Result<Roster> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--roster {}: cannot read it", path.display()))?;
        Roster::parse(&text).with_context(|| format!("--roster {}", path.display()))
    }

    /// Reads a roster from its text.
    pub fn parse(text: &str) -> Result<Roster> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .context("no header row")?
            .iter()
            .map(|h| h.to_lowercase())
            .collect();
        if !header.iter().any(|h| h == "submission") {
            bail!(
                "no `submission` column; the header must name it, and may add {}",
                ROSTER_COLUMNS[1..].join(", ")
            );
        }
        if let Some(unknown) = header
            .iter()
            .find(|h| !ROSTER_COLUMNS.contains(&h.as_str()))
        {
            bail!(
                "unknown column `{unknown}`; the columns are {}",
                ROSTER_COLUMNS.join(", ")
            );
        }
        let mut roster = Roster::default();
        let mut seen = HashSet::new();
        for (n, row) in reader.records().enumerate() {
            let row = row.with_context(|| format!("row {}", n + 2))?;
            let student: Student = header
                .iter()
                .zip(row.iter())
                .map(|(h, v)| (h.clone(), v.to_owned()))
                .collect();
            let id = student.get("submission").cloned().unwrap_or_default();
            if id.is_empty() {
                bail!("row {}: the submission is empty", n + 2);
            }
            if !seen.insert(id.clone()) {
                bail!("row {}: submission {id} is listed twice", n + 2);
            }
            roster.students.push((id, student));
        }
        Ok(roster)
    }

    fn get(&self, id: &str) -> Option<&Student> {
        self.students.iter().find(|(s, _)| s == id).map(|(_, f)| f)
    }
}

/// The import files and what did not match, for the run's output.
#[derive(Clone, Debug, PartialEq)]
pub struct Imports {
    /// `canvas.csv`.
    pub canvas: String,
    /// `moodle.csv`.
    pub moodle: String,
    /// Graded submissions the roster does not list (left out of both files).
    pub unlisted: Vec<String>,
    /// Roster rows with no graded submission.
    pub absent: Vec<String>,
}

/// The import files for `book`, students named by `roster`.
pub fn imports(book: &[SubmissionGrade], exercises: &[ExerciseInfo], roster: &Roster) -> Imports {
    let field = |s: &Student, name: &str| s.get(name).cloned().unwrap_or_default();
    let score = |r: &SubmissionGrade, e: &ExerciseInfo| {
        r.exercise(&e.name).map_or(0, |g| g.score).to_string()
    };
    let mut canvas = writer();
    let mut moodle = writer();
    let names = exercises.iter().map(|e| e.name.clone());
    record(
        &mut canvas,
        CANVAS_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(names.clone()),
    );
    let mut points = vec![CANVAS_POINTS_ROW.to_owned()];
    points.extend(std::iter::repeat_n(String::new(), CANVAS_COLUMNS.len() - 1));
    points.extend(exercises.iter().map(|e| e.max_score.to_string()));
    record(&mut canvas, points);
    record(
        &mut moodle,
        MOODLE_COLUMNS.iter().map(|c| c.to_string()).chain(names),
    );
    let mut unlisted = Vec::new();
    for r in book {
        let Some(s) = roster.get(&r.submission) else {
            unlisted.push(r.submission.clone());
            continue;
        };
        let scores = exercises.iter().map(|e| score(r, e));
        let ids = [
            "name",
            "canvas_id",
            "sis_user_id",
            "sis_login_id",
            "section",
        ];
        record(
            &mut canvas,
            ids.iter().map(|c| field(s, c)).chain(scores.clone()),
        );
        record(
            &mut moodle,
            ["email", "idnumber"]
                .iter()
                .map(|c| field(s, c))
                .chain(scores),
        );
    }
    let graded: HashSet<&str> = book.iter().map(|r| r.submission.as_str()).collect();
    let absent = roster
        .students
        .iter()
        .filter(|(id, _)| !graded.contains(id.as_str()))
        .map(|(id, _)| id.clone())
        .collect();
    Imports {
        canvas: finish(canvas),
        moodle: finish(moodle),
        unlisted,
        absent,
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn record(w: &mut csv::Writer<Vec<u8>>, fields: impl IntoIterator<Item = String>) {
    // Writing to memory cannot fail.
    w.write_record(fields.into_iter().collect::<Vec<_>>())
        .expect("in memory");
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(w.into_inner().expect("in memory")).expect("the fields are UTF-8")
}
