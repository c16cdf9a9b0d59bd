//! Gradescope's autograder `results.json` for one submission, written to
//! `submissions/ID/gradescope/results.json`.
//!
//! ```json
//! {"score": 10, "execution_time": 2, "output": "10 of 30 points\n...",
//!  "visibility": "visible", "stdout_visibility": "hidden",
//!  "tests": [{"name": "01_linearizable / register: Reads and writes are linearizable",
//!             "number": "1.1", "score": 0, "max_score": 10, "status": "failed",
//!             "visibility": "visible", "output": "...", "tags": ["01_linearizable", "register"]}]}
//! ```
//!
//! One entry per task, not per test: tasks are what earn points, and an entry per test
//! would need points split between tests that the catalog never gives them. The entry's
//! output lists the task's tests. Private tests are for the instructor: an entry shows
//! only how many of them passed, never their names or messages, whatever the task's
//! visibility (a visibility can be changed on Gradescope after the fact; text not
//! written cannot leak).

use serde::Serialize;

use crate::record::{ExerciseGrade, ExerciseStatus, SubmissionGrade, TaskGrade};

use super::{NO_TEST, truncate};

/// The most characters of output one entry carries; Gradescope shows no more.
const OUTPUT_LIMIT: usize = 8000;

#[derive(Serialize)]
struct Results<'a> {
    score: u32,
    execution_time: u64,
    output: String,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    name: String,
    number: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    visibility: &'static str,
    output: String,
    tags: [&'a str; 2],
}

/// `results.json` for `sub`, pretty-printed, ending in a newline.
pub fn gradescope(sub: &SubmissionGrade) -> String {
    let mut tests = Vec::new();
    for (i, e) in sub.exercises.iter().enumerate() {
        for (j, task) in e.tasks.iter().enumerate() {
            tests.push(Entry {
                name: format!("{} / {}: {}", e.exercise, task.id, task.title),
                number: format!("{}.{}", i + 1, j + 1),
                score: task.score,
                max_score: task.points,
                status: if task.done { "passed" } else { "failed" },
                visibility: task.visibility.as_str(),
                output: truncate(&task_output(e, task), OUTPUT_LIMIT).into_owned(),
                tags: [&e.exercise, &task.id],
            });
        }
    }
    let results = Results {
        score: sub.score(),
        // Gradescope's own example gives whole seconds.
        execution_time: sub.seconds.round() as u64,
        output: summary(sub),
        visibility: "visible",
        stdout_visibility: "hidden",
        tests,
    };
    // Strings and numbers only: serializing cannot fail.
    serde_json::to_string_pretty(&results).expect("results serialize") + "\n"
}

/// The text above the entries: the total, then each exercise.
fn summary(sub: &SubmissionGrade) -> String {
    let mut out = format!("{} of {} points\n", sub.score(), sub.max_score());
    if sub.tool_error.is_some() {
        // The reason is the checker's own trouble, for the instructor, not the student.
        out.push_str(
            "The checker could not finish grading this submission; it will be graded again.\n",
        );
    }
    for e in &sub.exercises {
        out.push_str(&format!("{}: {}/{}", e.exercise, e.score, e.max_score));
        if e.status != ExerciseStatus::Graded {
            out.push_str(&format!(", not graded ({})", e.status.as_str()));
        }
        out.push('\n');
    }
    out
}

/// What one task's entry says.
pub(super) fn task_output(e: &ExerciseGrade, task: &TaskGrade) -> String {
    if e.status != ExerciseStatus::Graded {
        if task.private {
            // The exercise's message is on its other entries; this one says only why
            // nothing ran, should the message quote the private suite.
            return format!(
                "Not graded ({}): its private tests did not run.",
                e.status.as_str()
            );
        }
        return format!("Not graded ({}):\n\n{}", e.status.as_str(), e.message);
    }
    if task.tests.is_empty() {
        return format!("{NO_TEST}.");
    }
    let mut out = String::new();
    let (private, shown): (Vec<_>, Vec<_>) =
        task.tests.iter().partition(|t| task.private || t.private);
    for t in shown {
        if t.passed {
            out.push_str(&format!("passed  {}\n", t.name));
            continue;
        }
        out.push_str(&format!("failed  {}: {}\n", t.name, t.verdict));
        for line in t.message.lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    if !private.is_empty() {
        let passed = private.iter().filter(|t| t.passed).count();
        out.push_str(&format!(
            "{passed} of {} private tests passed\n",
            private.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::{Value, json};

    use super::super::sample::{self, MARKUP, SECRET, column};
    use super::*;

    fn parse(sub: &SubmissionGrade) -> Value {
        serde_json::from_str(&gradescope(sub)).unwrap()
    }

    #[test]
    fn one_entry_per_task_numbered_and_scored() {
        let v = parse(&sample::book()[1]);
        assert_eq!(v["score"], 10);
        assert_eq!(v["execution_time"], 2);
        assert_eq!(v["visibility"], "visible");
        assert_eq!(v["stdout_visibility"], "hidden");
        assert_eq!(
            v["output"],
            "10 of 30 points\n01_linearizable: 10/20\n02_cap: 0/10\n"
        );
        assert_eq!(column(&v, "number"), ["1.1", "1.2", "1.3", "2.1"]);
        assert_eq!(column(&v, "score"), [0, 5, 5, 0]);
        assert_eq!(column(&v, "max_score"), [10, 5, 5, 10]);
        assert_eq!(
            column(&v, "status"),
            ["failed", "passed", "passed", "failed"]
        );
        assert_eq!(
            column(&v, "visibility"),
            ["visible", "visible", "after_published", "visible"]
        );
        assert_eq!(
            v["tests"][0]["name"],
            "01_linearizable / register: Reads and writes are linearizable"
        );
        assert_eq!(v["tests"][3]["tags"], json!(["02_cap", "partition"]));
        assert_eq!(v["tests"][3]["output"], format!("{NO_TEST}."));
    }

    #[test]
    fn a_task_lists_its_tests_and_the_messages_of_failures() {
        let v = parse(&sample::book()[1]);
        let expected = format!(
            "passed  register::reads_see_writes\n\
             failed  register::history_is_linearizable: panicked\n    {MARKUP}\n"
        );
        assert_eq!(v["tests"][0]["output"], expected);
    }

    #[test]
    fn private_tests_show_only_how_many_passed() {
        let erin = &sample::book()[4];
        let text = gradescope(erin);
        assert!(
            !text.contains("SECRET") && !text.contains("many_clients"),
            "{text}"
        );
        let v = parse(erin);
        assert_eq!(v["tests"][2]["output"], "0 of 1 private tests passed\n");
        assert_eq!(v["tests"][2]["status"], "failed");
        // A private test in a catalog task is counted, and the others still listed.
        let mut sub = sample::book().remove(4);
        let stress = sub.exercises[0].tasks[2].tests.remove(0);
        sub.exercises[0].tasks[0].tests.push(stress);
        let v = parse(&sub);
        let expected = "passed  register::reads_see_writes\n0 of 1 private tests passed\n";
        assert_eq!(v["tests"][0]["output"], expected);
        assert!(!v.to_string().contains(SECRET));
    }

    #[test]
    fn an_exercise_not_graded_gives_its_message_on_each_task() {
        let v = parse(&sample::book()[2]);
        let message = "Not graded (does-not-compile):\n\n\
            error[E0425]: cannot find value `x` in this scope";
        assert_eq!(column(&v, "output")[..2], [message, message]);
        assert_eq!(
            v["tests"][2]["output"],
            "Not graded (does-not-compile): its private tests did not run."
        );
        assert_eq!(column(&v, "score"), [0, 0, 0, 10]);
        let summary = v["output"].as_str().unwrap();
        assert!(summary.contains("01_linearizable: 0/20, not graded (does-not-compile)"));
    }

    #[test]
    fn long_output_is_cut_with_a_note() {
        let mut sub = sample::book().remove(1);
        sub.exercises[0].tasks[0].tests[1].message = "x".repeat(20_000);
        let v = parse(&sub);
        let output = v["tests"][0]["output"].as_str().unwrap();
        assert!(output.chars().count() <= OUTPUT_LIMIT, "{}", output.len());
        assert!(output.starts_with("passed  register::reads_see_writes\n"));
        assert!(output.ends_with(" more characters cut]"), "{output:.100}");
    }

    #[test]
    fn a_checker_failure_is_mentioned_without_its_reason() {
        let mut sub = sample::book().remove(3);
        sub.tool_error = Some("sandbox: /var/lib/secret-path denied".into());
        let v = parse(&sub);
        let summary = v["output"].as_str().unwrap();
        assert!(summary.contains("could not finish grading"), "{summary}");
        assert!(!summary.contains("secret-path"));
    }
}
