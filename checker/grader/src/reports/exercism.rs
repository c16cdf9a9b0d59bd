//! Exercism's test-runner `results.json` (interface version 3) for one exercise of one
//! submission, written to `submissions/ID/exercism/EXERCISE/results.json`.
//!
//! ```json
//! {"version": 3, "status": "fail",
//!  "tests": [{"name": "register::history_is_linearizable", "status": "fail",
//!             "message": "...", "test_code": "hidden test ... of task \"register\" (...)",
//!             "task_id": 1}]}
//! ```
//!
//! The interface expects `test_code` to be the test's source, which it shows the student;
//! the suites are hidden, so it holds a one-line description of the test instead. Private
//! tests are for the instructor: they appear as `private test N of task "ID"`, and a
//! failure says only that a private test failed.
//!
//! `status` is `error` when the exercise was not graded (it does not compile, it is
//! missing...), with the reason as `message`; otherwise `fail` when any test failed or a
//! task has no test (which appears as a failing entry), else `pass`.

use serde::Serialize;

use crate::record::{ExerciseGrade, ExerciseStatus, SubmissionGrade, TaskGrade};

use super::{NO_TEST, truncate};

/// The most characters the interface allows in a message.
const MESSAGE_LIMIT: usize = 65535;

#[derive(Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tests: Option<Vec<Entry>>,
}

#[derive(Serialize)]
struct Entry {
    name: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    test_code: String,
    task_id: usize,
}

/// `results.json` for the exercise `exercise` of `sub`, pretty-printed, ending in a
/// newline; `None` when the record has no such exercise.
pub fn exercism(sub: &SubmissionGrade, exercise: &str) -> Option<String> {
    let e = sub.exercise(exercise)?;
    let tests: Vec<Entry> = e
        .tasks
        .iter()
        .enumerate()
        .flat_map(|(i, task)| entries(e, i + 1, task))
        .collect();
    let results = if e.status != ExerciseStatus::Graded {
        let message = if e.message.is_empty() {
            format!("the exercise was not graded ({})", e.status.as_str())
        } else {
            truncate(&e.message, MESSAGE_LIMIT).into_owned()
        };
        Results {
            version: 3,
            status: "error",
            message: Some(message),
            tests: (!tests.is_empty()).then_some(tests),
        }
    } else {
        let failed = tests.iter().any(|t| t.status != "pass");
        Results {
            version: 3,
            status: if failed { "fail" } else { "pass" },
            message: None,
            tests: Some(tests),
        }
    };
    // Strings and numbers only: serializing cannot fail.
    Some(serde_json::to_string_pretty(&results).expect("results serialize") + "\n")
}

/// The entries of one task, the `task_id`-th of exercise `e`.
fn entries(e: &ExerciseGrade, task_id: usize, task: &TaskGrade) -> Vec<Entry> {
    let described = format!("task \"{}\" ({})", task.id, task.title);
    let mut out = Vec::new();
    if e.status == ExerciseStatus::Graded && task.tests.is_empty() {
        out.push(Entry {
            name: format!("{}: no test", task.id),
            status: "fail",
            message: Some(format!("{NO_TEST}.")),
            test_code: format!("no hidden test of {described}"),
            task_id,
        });
    }
    let mut privates = 0;
    for t in &task.tests {
        let status = if t.passed { "pass" } else { "fail" };
        if task.private || t.private {
            privates += 1;
            out.push(Entry {
                name: format!("private test {privates} of task \"{}\"", task.id),
                status,
                message: (!t.passed).then(|| "a private test failed".to_owned()),
                test_code: format!("a private test of {described}"),
                task_id,
            });
            continue;
        }
        // The message says what ended the test; the verdict alone, should it be empty.
        let why = if t.message.is_empty() {
            &t.verdict
        } else {
            &t.message
        };
        out.push(Entry {
            name: t.name.clone(),
            status,
            message: (!t.passed).then(|| truncate(why, MESSAGE_LIMIT).into_owned()),
            test_code: format!("hidden test {} of {described}", t.name),
            task_id,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::Value;

    use super::super::sample::{self, MARKUP, column};
    use super::*;

    fn parse(sub: &SubmissionGrade, exercise: &str) -> Value {
        serde_json::from_str(&exercism(sub, exercise).unwrap()).unwrap()
    }

    #[test]
    fn a_passing_exercise_passes_with_no_messages() {
        let v = parse(&sample::book()[0], "01_linearizable");
        assert_eq!(v["version"], 3);
        assert_eq!(v["status"], "pass");
        assert!(v.get("message").is_none());
        assert_eq!(column(&v, "task_id"), [1, 1, 2, 3]);
        assert_eq!(column(&v, "status"), ["pass"; 4]);
        for t in v["tests"].as_array().unwrap() {
            assert!(t.get("message").is_none(), "{t}");
        }
    }

    #[test]
    fn a_failing_test_fails_with_its_message_and_no_code() {
        let v = parse(&sample::book()[1], "01_linearizable");
        assert_eq!(v["status"], "fail");
        let failed = &v["tests"][1];
        assert_eq!(failed["name"], "register::history_is_linearizable");
        assert_eq!(failed["status"], "fail");
        assert_eq!(failed["message"], MARKUP);
        assert_eq!(failed["task_id"], 1);
        assert_eq!(
            failed["test_code"],
            "hidden test register::history_is_linearizable of task \"register\" \
             (Reads and writes are linearizable)"
        );
        for code in column(&v, "test_code") {
            let code = code.as_str().unwrap();
            assert!(!code.contains(['\n', '{', ';']), "{code}");
        }
    }

    #[test]
    fn a_task_without_tests_fails_the_exercise() {
        let v = parse(&sample::book()[1], "02_cap");
        assert_eq!(v["status"], "fail");
        assert_eq!(column(&v, "name"), ["partition: no test"]);
        assert_eq!(v["tests"][0]["message"], format!("{NO_TEST}."));
        assert_eq!(v["tests"][0]["task_id"], 1);
    }

    #[test]
    fn an_exercise_that_does_not_compile_is_an_error_with_the_compiler_message() {
        let mut carol = sample::book().remove(2);
        let v = parse(&carol, "01_linearizable");
        assert_eq!(v["status"], "error");
        assert_eq!(
            v["message"],
            "error[E0425]: cannot find value `x` in this scope"
        );
        assert!(v.get("tests").is_none());
        assert_eq!(parse(&carol, "02_cap")["status"], "pass");
        carol.exercises[0].message = "e".repeat(70_000);
        let v = parse(&carol, "01_linearizable");
        let message = v["message"].as_str().unwrap();
        assert!(message.chars().count() <= MESSAGE_LIMIT);
        assert!(message.ends_with(" more characters cut]"));
    }

    #[test]
    fn private_tests_are_anonymous_and_say_only_that_they_failed() {
        let erin = &sample::book()[4];
        let text = exercism(erin, "01_linearizable").unwrap();
        assert!(
            !text.contains("SECRET") && !text.contains("many_clients"),
            "{text}"
        );
        let v = parse(erin, "01_linearizable");
        assert_eq!(v["status"], "fail");
        let private = &v["tests"][2];
        assert_eq!(private["name"], "private test 1 of task \"stress\"");
        assert_eq!(private["message"], "a private test failed");
        assert_eq!(private["task_id"], 3);
        assert_eq!(
            private["test_code"],
            "a private test of task \"stress\" (Many clients at once)"
        );
    }

    #[test]
    fn an_exercise_not_in_the_record_has_no_results() {
        let dave = &sample::book()[3];
        assert_eq!(exercism(dave, "02_cap"), None);
        assert_eq!(exercism(dave, "nope"), None);
        assert_eq!(parse(dave, "01_linearizable")["status"], "error");
    }
}
