//! The results GitHub Classroom's grading reporter reads, for one submission, written to
//! `submissions/ID/classroom/results.json`.
//!
//! ```json
//! {"version": 1, "status": "fail", "max_score": 189,
//!  "tests": [{"name": "01_linearizable / register: ...", "status": "fail", "score": 0,
//!             "message": "..."}]}
//! ```
//!
//! The reporter takes this JSON, base64-encoded, from the output of a workflow step (see
//! `checker/autograder/github-classroom/`); it adds up `score` over the entries and
//! reports the total against `max_score`. One entry per task, as for Gradescope, with
//! the same text: private tests are counted, never shown.

use serde::Serialize;

use crate::record::{ExerciseStatus, SubmissionGrade};

use super::gradescope::task_output;
use super::truncate;

/// The most characters of message one entry carries; the reporter prints it whole.
const MESSAGE_LIMIT: usize = 8000;

#[derive(Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    max_score: u32,
    tests: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    name: String,
    status: &'static str,
    score: u32,
    message: String,
}

/// The reporter's results for `sub`, on one line.
pub fn classroom(sub: &SubmissionGrade) -> String {
    let mut tests = Vec::new();
    for e in &sub.exercises {
        for task in &e.tasks {
            tests.push(Entry {
                name: format!("{} / {}: {}", e.exercise, task.id, task.title),
                status: if task.done { "pass" } else { "fail" },
                score: task.score,
                message: truncate(&task_output(e, task), MESSAGE_LIMIT).into_owned(),
            });
        }
    }
    let status = if sub.tool_error.is_some()
        || sub
            .exercises
            .iter()
            .all(|e| e.status != ExerciseStatus::Graded)
    {
        "error"
    } else if tests.iter().all(|t| t.status == "pass") {
        "pass"
    } else {
        "fail"
    };
    let results = Results {
        version: 1,
        status,
        max_score: sub.max_score(),
        tests,
    };
    // Strings and numbers only: serializing cannot fail.
    serde_json::to_string(&results).expect("results serialize") + "\n"
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::Value;

    use super::*;
    use crate::reports::sample;

    #[test]
    fn scores_add_up_to_the_record_and_private_messages_stay_out() {
        for sub in sample::book() {
            let value: Value = serde_json::from_str(&classroom(&sub)).unwrap();
            assert_eq!(value["version"], 1);
            assert_eq!(value["max_score"], sub.max_score());
            let tests = value["tests"].as_array().unwrap();
            let total: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap()).sum();
            assert_eq!(total, u64::from(sub.score()), "{}", sub.submission);
            let tasks: usize = sub.exercises.iter().map(|e| e.tasks.len()).sum();
            assert_eq!(tests.len(), tasks);
            for (entry, task) in tests
                .iter()
                .zip(sub.exercises.iter().flat_map(|e| &e.tasks))
            {
                assert_eq!(entry["status"], if task.done { "pass" } else { "fail" });
                for test in task
                    .tests
                    .iter()
                    .filter(|t| t.private && !t.message.is_empty())
                {
                    let message = entry["message"].as_str().unwrap();
                    assert!(!message.contains(&test.message), "{message}");
                }
            }
        }
    }

    #[test]
    fn the_status_says_pass_only_when_every_task_is_done() {
        let book = sample::book();
        let statuses: Vec<String> = book
            .iter()
            .map(|sub| {
                let value: Value = serde_json::from_str(&classroom(sub)).unwrap();
                value["status"].as_str().unwrap().to_owned()
            })
            .collect();
        for (sub, status) in book.iter().zip(&statuses) {
            let all_done = sub.exercises.iter().all(|e| e.tasks.iter().all(|t| t.done));
            let graded = sub
                .exercises
                .iter()
                .any(|e| e.status == ExerciseStatus::Graded);
            let expected = match (graded && sub.tool_error.is_none(), all_done) {
                (false, _) => "error",
                (true, true) => "pass",
                (true, false) => "fail",
            };
            assert_eq!(status, expected, "{}", sub.submission);
        }
        assert!(statuses.iter().any(|s| s == "pass"));
        assert!(statuses.iter().any(|s| s == "fail"));
    }
}
