//! JUnit XML, which CI servers and LMS plugins read: `junit.xml` for the whole run and one
//! per submission.
//!
//! ```xml
//! <testsuites name="consistency-lab" tests="5" failures="2" errors="0" time="1.449">
//!   <testsuite name="bob/01_linearizable" tests="4" failures="1" errors="0" skipped="0" time="1.449">
//!     <properties>...status, score, max_score, seed...</properties>
//!     <testcase classname="bob.01_linearizable.register" name="register::reads_see_writes" time="0.011"/>
//!     <testcase classname="bob.01_linearizable.register" name="register::history_is_linearizable" time="1.234">
//!       <failure message="panicked" type="panicked">the test's message</failure>
//!     </testcase>
//! ```
//!
//! Every task shows up even when no test ran, so that a viewer which counts failures
//! cannot show an exercise that did not compile as green: an exercise that was not
//! graded has one failing case per task (an error, for the checker's own failure), and
//! a task with no test has one failing case. A submission the checker could not grade
//! at all has a suite of its own with one error.
//!
//! The cases are gathered first and written second, so the counts in the attributes
//! are computed from exactly what is written.

use crate::record::{ExerciseGrade, ExerciseStatus, SubmissionGrade};

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::NO_TEST;
use checker_core::xml::allowed_only;

/// What went wrong in a case: written as `<failure>` or `<error>`.
struct Problem<'a> {
    /// `failure` or `error`.
    element: &'static str,
    /// Its `message`: a verdict or a status, a few words.
    message: &'a str,
    /// Its `type`: the same, or `no-test`.
    kind: &'a str,
    /// Its content: the explanation, perhaps empty.
    text: &'a str,
}

/// One `<testcase>`.
struct Case<'a> {
    classname: String,
    name: &'a str,
    ms: u64,
    problem: Option<Problem<'a>>,
}

/// One `<testsuite>`: a submission's exercise, or a submission the checker failed on.
struct Suite<'a> {
    name: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case<'a>>,
}

impl Suite<'_> {
    fn ms(&self) -> u64 {
        self.cases.iter().map(|c| c.ms).sum()
    }
}

/// The JUnit report of the whole run, one suite per submission and exercise.
pub fn junit(book: &[SubmissionGrade]) -> String {
    render(book.iter().flat_map(suites).collect())
}

/// The JUnit report of one submission.
pub fn junit_one(sub: &SubmissionGrade) -> String {
    render(suites(sub))
}

fn suites(sub: &SubmissionGrade) -> Vec<Suite<'_>> {
    let mut suites = Vec::new();
    if let Some(why) = &sub.tool_error {
        suites.push(Suite {
            name: sub.submission.clone(),
            properties: Vec::new(),
            cases: vec![Case {
                classname: sub.submission.clone(),
                name: "grading",
                ms: 0,
                problem: Some(Problem {
                    element: "error",
                    message: "tool-error",
                    kind: "tool-error",
                    text: why,
                }),
            }],
        });
    }
    for e in &sub.exercises {
        suites.push(Suite {
            name: format!("{}/{}", sub.submission, e.exercise),
            properties: vec![
                ("status", e.status.as_str().to_owned()),
                ("score", e.score.to_string()),
                ("max_score", e.max_score.to_string()),
                ("seed", e.seed.to_string()),
            ],
            cases: cases(&sub.submission, e),
        });
    }
    suites
}

fn cases<'a>(sub: &str, e: &'a ExerciseGrade) -> Vec<Case<'a>> {
    let prefix = format!("{sub}.{}", e.exercise);
    if e.status != ExerciseStatus::Graded {
        let problem = || Problem {
            element: match e.status {
                ExerciseStatus::ToolError => "error",
                _ => "failure",
            },
            message: e.status.as_str(),
            kind: e.status.as_str(),
            text: &e.message,
        };
        if e.tasks.is_empty() {
            // No task to fail: the exercise itself fails, rather than vanishing.
            return vec![Case {
                classname: prefix,
                name: &e.exercise,
                ms: 0,
                problem: Some(problem()),
            }];
        }
        return e
            .tasks
            .iter()
            .map(|t| Case {
                classname: format!("{prefix}.{}", t.id),
                name: &t.id,
                ms: 0,
                problem: Some(problem()),
            })
            .collect();
    }
    let mut cases = Vec::new();
    for task in &e.tasks {
        let classname = format!("{prefix}.{}", task.id);
        if task.tests.is_empty() {
            cases.push(Case {
                classname: classname.clone(),
                name: &task.id,
                ms: 0,
                problem: Some(Problem {
                    element: "failure",
                    message: NO_TEST,
                    kind: "no-test",
                    text: "",
                }),
            });
        }
        for t in &task.tests {
            cases.push(Case {
                classname: classname.clone(),
                name: &t.name,
                ms: t.ms,
                problem: (!t.passed).then_some(Problem {
                    element: "failure",
                    message: &t.verdict,
                    kind: &t.verdict,
                    text: &t.message,
                }),
            });
        }
    }
    cases
}

/// The report, written by quick-junit (which counts the tests, failures and errors of
/// each suite and of the whole from the cases themselves).
fn render(suites: Vec<Suite<'_>>) -> String {
    let mut report = Report::new("consistency-lab");
    for suite in suites {
        let mut out = TestSuite::new(allowed_only(&suite.name));
        out.set_time(Duration::from_millis(suite.ms()));
        for (name, value) in &suite.properties {
            out.add_property(Property::new(*name, allowed_only(value)));
        }
        for case in suite.cases {
            let status = match case.problem {
                None => TestCaseStatus::success(),
                Some(p) => {
                    let kind = if p.element == "error" {
                        NonSuccessKind::Error
                    } else {
                        NonSuccessKind::Failure
                    };
                    let mut status = TestCaseStatus::non_success(kind);
                    status
                        .set_message(allowed_only(p.message))
                        .set_type(allowed_only(p.kind));
                    if !p.text.is_empty() {
                        status.set_description(allowed_only(p.text));
                    }
                    status
                }
            };
            let mut test = TestCase::new(allowed_only(case.name), status);
            test.set_classname(allowed_only(&case.classname))
                .set_time(Duration::from_millis(case.ms));
            out.add_test_case(test);
        }
        report.add_test_suite(out);
    }
    report.set_time(Duration::from_millis(
        report
            .test_suites
            .iter()
            .flat_map(|s| s.time)
            .map(|t| t.as_millis() as u64)
            .sum(),
    ));
    // Strings and numbers only: serializing into memory cannot fail.
    report.to_string().expect("the report serializes")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::super::sample::{self, MARKUP};
    use super::*;

    /// Whether `xml` is a well-formed document, as an XML parser reads it.
    fn well_formed(xml: &str) -> Result<(), String> {
        roxmltree::Document::parse(xml)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The elements called `name` of `doc`, in document order.
    fn all<'a, 'i>(doc: &'a roxmltree::Document<'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
        doc.descendants().filter(|n| n.has_tag_name(name)).collect()
    }

    /// The attributes `names` of `node`, in that order (`-` for a missing one).
    fn attrs(node: roxmltree::Node<'_, '_>, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .map(|n| node.attribute(*n).unwrap_or("-").to_owned())
            .collect()
    }

    /// The one problem (`failure` or `error`) of a test case, if any.
    fn problem<'a, 'i>(case: roxmltree::Node<'a, 'i>) -> Option<roxmltree::Node<'a, 'i>> {
        case.children()
            .find(|c| c.has_tag_name("failure") || c.has_tag_name("error"))
    }

    #[test]
    fn the_run_counts_every_case_failure_and_millisecond() {
        let xml = junit(&sample::book());
        assert_eq!(well_formed(&xml), Ok(()));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        // alice 5 cases, bob 4 + a task with no test, carol 3 tasks not graded + 1,
        // dave 3 tasks missing, erin 4 with the private one failing.
        let root = doc.root_element();
        assert_eq!(
            attrs(root, &["name", "tests", "failures", "errors", "time"]),
            ["consistency-lab", "21", "9", "0", "2.179"]
        );
        assert_eq!(all(&doc, "testcase").len(), 21);
        assert_eq!(all(&doc, "failure").len(), 9);
        let suites = all(&doc, "testsuite");
        assert_eq!(suites.len(), 9);
        assert_eq!(
            attrs(suites[2], &["name", "tests", "failures", "errors", "time"]),
            ["bob/01_linearizable", "4", "1", "0", "1.449"]
        );
    }

    #[test]
    fn a_failing_test_carries_its_verdict_and_its_message_escaped() {
        let book = sample::book();
        let xml = junit_one(&book[1]);
        assert_eq!(well_formed(&xml), Ok(()));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let cases = all(&doc, "testcase");
        let failing = cases
            .iter()
            .find(|c| c.attribute("name") == Some("register::history_is_linearizable"))
            .unwrap();
        assert_eq!(
            attrs(*failing, &["classname", "time"]),
            ["bob.01_linearizable.register", "1.234"]
        );
        let failure = problem(*failing).unwrap();
        assert!(failure.has_tag_name("failure"));
        assert_eq!(
            attrs(failure, &["message", "type"]),
            ["panicked", "panicked"]
        );
        // The markup reads back as written; the characters XML cannot hold are gone.
        assert_eq!(
            failure.text(),
            Some("expected <1> & got \"2\" or '3'; seed 7")
        );
        assert!(MARKUP.contains(['\u{1}', '\u{FFFF}']));
        assert!(!xml.contains(['\u{1}', '\u{FFFF}']), "{xml:?}");
        let passing = cases
            .iter()
            .find(|c| c.attribute("name") == Some("register::reads_see_writes"))
            .unwrap();
        assert_eq!(passing.attribute("time"), Some("0.011"));
        assert!(problem(*passing).is_none());
        let score = all(&doc, "property")
            .into_iter()
            .find(|p| p.attribute("name") == Some("score"))
            .unwrap();
        assert_eq!(score.attribute("value"), Some("10"));
    }

    #[test]
    fn a_task_without_tests_fails() {
        let xml = junit_one(&sample::book()[1]);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let case = all(&doc, "testcase")
            .into_iter()
            .find(|c| c.attribute("classname") == Some("bob.02_cap.partition"))
            .unwrap();
        assert_eq!(attrs(case, &["name", "time"]), ["partition", "0.000"]);
        let failure = problem(case).unwrap();
        assert_eq!(
            attrs(failure, &["message", "type"]),
            ["the hidden suite has no test for this task", "no-test"]
        );
    }

    #[test]
    fn an_exercise_not_graded_fails_each_task_with_its_message() {
        let mut carol = sample::book().remove(2);
        let xml = junit_one(&carol);
        assert_eq!(well_formed(&xml), Ok(()));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let failures: Vec<_> = all(&doc, "failure")
            .into_iter()
            .filter(|f| f.attribute("type") == Some("does-not-compile"))
            .collect();
        assert_eq!(failures.len(), 3, "{xml}");
        for failure in &failures {
            assert_eq!(
                failure.text(),
                Some("error[E0425]: cannot find value `x` in this scope")
            );
        }
        for task in ["register", "cas", "stress"] {
            let classname = format!("carol.01_linearizable.{task}");
            assert!(
                all(&doc, "testcase").iter().any(|c| {
                    c.attribute("classname") == Some(&classname)
                        && c.attribute("name") == Some(task)
                }),
                "{xml}"
            );
        }
        carol.exercises[0].status = ExerciseStatus::ToolError;
        let xml = junit_one(&carol);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        // Three tasks not graded (errors), and 02_cap's one passing test.
        assert_eq!(
            attrs(doc.root_element(), &["tests", "failures", "errors"]),
            ["4", "0", "3"]
        );
        let errors = all(&doc, "error");
        assert_eq!(errors.len(), 3, "{xml}");
        assert!(
            errors
                .iter()
                .all(|e| e.attribute("message") == Some("tool-error"))
        );
    }

    #[test]
    fn a_submission_the_checker_failed_on_is_an_error() {
        let mut dave = sample::book().remove(3);
        dave.tool_error = Some("the sandbox did not start: <EPERM>".into());
        dave.exercises.clear();
        let xml = junit_one(&dave);
        assert_eq!(well_formed(&xml), Ok(()));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suite = all(&doc, "testsuite")[0];
        assert_eq!(
            attrs(suite, &["tests", "failures", "errors"]),
            ["1", "0", "1"]
        );
        let error = all(&doc, "error")[0];
        assert_eq!(
            attrs(error, &["message", "type"]),
            ["tool-error", "tool-error"]
        );
        assert_eq!(error.text(), Some("the sandbox did not start: <EPERM>"));
    }

    #[test]
    fn hostile_ids_and_names_stay_inside_their_attributes() {
        let mut sub = sample::book().remove(1);
        sub.submission = "a\"b<c>&'d\u{2}".into();
        sub.exercises[0].tasks[0].tests[1].verdict = "timed out \"after\" 30 s".into();
        let xml = junit_one(&sub);
        assert_eq!(well_formed(&xml), Ok(()));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        // Read back whole, less the control character XML cannot hold.
        assert_eq!(
            all(&doc, "testsuite")[0].attribute("name"),
            Some("a\"b<c>&'d/01_linearizable")
        );
        assert!(
            all(&doc, "failure")
                .iter()
                .any(|f| f.attribute("message") == Some("timed out \"after\" 30 s")),
            "{xml}"
        );
    }

    #[test]
    fn an_empty_run_is_a_well_formed_empty_report() {
        let xml = junit(&[]);
        assert_eq!(well_formed(&xml), Ok(()));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(
            attrs(doc.root_element(), &["tests", "failures", "errors"]),
            ["0", "0", "0"]
        );
    }
}
