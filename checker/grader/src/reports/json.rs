//! `grades.json`: the whole gradebook for programs.
//!
//! ```json
//! {
//!   "format": 1,
//!   "exercises": [{"name": "01_linearizable", "title": "...", "max_score": 20}],
//!   "submissions": [{"submission": "alice", ..., "exercises": [...], "score": 20, "max_score": 20}]
//! }
//! ```
//!
//! Each submission is its record as `grade.json` holds it (see
//! [`record`](crate::record)), with its totals added so that a reader need not
//! sum tasks. Records are written as they are rather than through a second, flatter
//! shape: one layout to document, and a program can read a record with the same code
//! whether it came from here or from `submissions/ID/grade.json`.

use serde::Serialize;

use crate::record::SubmissionGrade;

use super::ExerciseInfo;

/// The version of the layout of `grades.json`.
pub const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Gradebook<'a> {
    format: u32,
    exercises: &'a [ExerciseInfo],
    submissions: Vec<Entry<'a>>,
}

/// A record and its totals, side by side in one object.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    record: &'a SubmissionGrade,
    score: u32,
    max_score: u32,
}

/// `grades.json`, pretty-printed, ending in a newline.
pub fn grades_json(book: &[SubmissionGrade], exercises: &[ExerciseInfo]) -> String {
    let gradebook = Gradebook {
        format: FORMAT,
        exercises,
        submissions: book
            .iter()
            .map(|record| Entry {
                record,
                score: record.score(),
                max_score: record.max_score(),
            })
            .collect(),
    };
    // Strings, numbers and lists only, with string keys: serializing cannot fail.
    serde_json::to_string_pretty(&gradebook).expect("the gradebook serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::{Value, json};

    use super::super::sample;
    use super::*;

    fn parse() -> Value {
        serde_json::from_str(&grades_json(&sample::book(), &sample::exercises())).unwrap()
    }

    #[test]
    fn lists_the_exercises_and_totals_each_submission() {
        let v = parse();
        assert_eq!(v["format"], 1);
        assert_eq!(
            v["exercises"][0],
            json!({"name": "01_linearizable", "title": "A linearizable register", "max_score": 20})
        );
        let totals: Vec<(&str, u64, u64)> = v["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let id = s["submission"].as_str().unwrap();
                (
                    id,
                    s["score"].as_u64().unwrap(),
                    s["max_score"].as_u64().unwrap(),
                )
            })
            .collect();
        let expected = [
            ("alice", 30, 30),
            ("bob", 10, 30),
            ("carol", 10, 30),
            ("dave", 0, 20),
            ("erin", 25, 30),
        ];
        assert_eq!(totals, expected);
    }

    #[test]
    fn each_submission_is_its_record_and_reads_back_as_one() {
        let book = sample::book();
        let v = parse();
        for (entry, record) in v["submissions"].as_array().unwrap().iter().zip(&book) {
            let mut entry = entry.clone();
            let map = entry.as_object_mut().unwrap();
            assert!(map.remove("score").is_some() && map.remove("max_score").is_some());
            assert_eq!(entry, serde_json::to_value(record).unwrap());
            let back: SubmissionGrade = serde_json::from_value(entry).unwrap();
            assert_eq!(&back, record);
        }
        let carol = &v["submissions"][2]["exercises"][0];
        assert_eq!(carol["status"], "does-not-compile");
        assert_eq!(carol["score"], 0);
    }

    #[test]
    fn an_empty_run_is_still_a_gradebook() {
        let v: Value = serde_json::from_str(&grades_json(&[], &[])).unwrap();
        assert_eq!(v, json!({"format": 1, "exercises": [], "submissions": []}));
    }
}
