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

use super::NO_TEST;
use checker_core::xml::{attr, text};

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
    fn count(&self, element: &str) -> usize {
        let problems = self.cases.iter().filter_map(|c| c.problem.as_ref());
        problems.filter(|p| p.element == element).count()
    }

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

/// Milliseconds as JUnit's seconds, to the millisecond.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

fn render(suites: Vec<Suite<'_>>) -> String {
    let total = |f: &dyn Fn(&Suite<'_>) -> u64| suites.iter().map(f).sum::<u64>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"consistency-lab\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
        total(&|s| s.cases.len() as u64),
        total(&|s| s.count("failure") as u64),
        total(&|s| s.count("error") as u64),
        seconds(total(&|s| s.ms())),
    ));
    for suite in &suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{}\">\n",
            attr(&suite.name),
            suite.cases.len(),
            suite.count("failure"),
            suite.count("error"),
            seconds(suite.ms()),
        ));
        if !suite.properties.is_empty() {
            out.push_str("    <properties>\n");
            for (name, value) in &suite.properties {
                out.push_str(&format!(
                    "      <property name=\"{name}\" value=\"{}\"/>\n",
                    attr(value)
                ));
            }
            out.push_str("    </properties>\n");
        }
        for case in &suite.cases {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                attr(&case.classname),
                attr(case.name),
                seconds(case.ms),
            ));
            let Some(p) = &case.problem else {
                out.push_str("/>\n");
                continue;
            };
            out.push_str(&format!(
                ">\n      <{} message=\"{}\" type=\"{}\"",
                p.element,
                attr(p.message),
                attr(p.kind)
            ));
            if p.text.is_empty() {
                out.push_str("/>\n");
            } else {
                out.push_str(&format!(">{}</{}>\n", text(p.text), p.element));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
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

    /// The lines of `xml` that open `element`, trimmed.
    fn tags<'a>(xml: &'a str, element: &str) -> Vec<&'a str> {
        let start = format!("<{element} ");
        xml.lines()
            .map(str::trim)
            .filter(|l| l.starts_with(&start))
            .collect()
    }

    #[test]
    fn the_run_counts_every_case_failure_and_millisecond() {
        let xml = junit(&sample::book());
        assert_eq!(well_formed(&xml), Ok(()));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        // alice 5 cases, bob 4 + a task with no test, carol 3 tasks not graded + 1,
        // dave 3 tasks missing, erin 4 with the private one failing.
        assert_eq!(
            tags(&xml, "testsuites"),
            [
                r#"<testsuites name="consistency-lab" tests="21" failures="9" errors="0" time="2.179">"#
            ]
        );
        assert_eq!(tags(&xml, "testcase").len(), 21);
        assert_eq!(tags(&xml, "failure").len(), 9);
        let suites = tags(&xml, "testsuite");
        assert_eq!(suites.len(), 9);
        assert_eq!(
            suites[2],
            r#"<testsuite name="bob/01_linearizable" tests="4" failures="1" errors="0" skipped="0" time="1.449">"#
        );
    }

    #[test]
    fn a_failing_test_carries_its_verdict_and_its_message_escaped() {
        let book = sample::book();
        let xml = junit_one(&book[1]);
        assert_eq!(well_formed(&xml), Ok(()));
        let case = "    <testcase classname=\"bob.01_linearizable.register\" \
            name=\"register::history_is_linearizable\" time=\"1.234\">\n      \
            <failure message=\"panicked\" type=\"panicked\">expected &lt;1&gt; &amp; got \
            &quot;2&quot; or &apos;3&apos;; seed 7</failure>\n    </testcase>\n";
        assert!(xml.contains(case), "{xml}");
        assert!(MARKUP.contains(['\u{1}', '\u{FFFF}']));
        assert!(!xml.contains(['\u{1}', '\u{FFFF}']), "{xml:?}");
        assert!(xml.contains(
            r#"<testcase classname="bob.01_linearizable.register" name="register::reads_see_writes" time="0.011"/>"#
        ));
        assert!(
            xml.contains(r#"<property name="score" value="10"/>"#),
            "{xml}"
        );
    }

    #[test]
    fn a_task_without_tests_fails() {
        let xml = junit_one(&sample::book()[1]);
        let case = "<testcase classname=\"bob.02_cap.partition\" name=\"partition\" time=\"0.000\">\n      \
            <failure message=\"the hidden suite has no test for this task\" type=\"no-test\"/>";
        assert!(xml.contains(case), "{xml}");
    }

    #[test]
    fn an_exercise_not_graded_fails_each_task_with_its_message() {
        let mut carol = sample::book().remove(2);
        let xml = junit_one(&carol);
        assert_eq!(well_formed(&xml), Ok(()));
        let failure = "<failure message=\"does-not-compile\" type=\"does-not-compile\">\
            error[E0425]: cannot find value `x` in this scope</failure>";
        assert_eq!(xml.matches(failure).count(), 3, "{xml}");
        for task in ["register", "cas", "stress"] {
            let case = format!(r#"classname="carol.01_linearizable.{task}" name="{task}""#);
            assert!(xml.contains(&case), "{xml}");
        }
        carol.exercises[0].status = ExerciseStatus::ToolError;
        let xml = junit_one(&carol);
        assert!(
            xml.contains(r#"tests="4" failures="0" errors="3""#),
            "{xml}"
        );
        assert_eq!(
            xml.matches("<error message=\"tool-error\"").count(),
            3,
            "{xml}"
        );
    }

    #[test]
    fn a_submission_the_checker_failed_on_is_an_error() {
        let mut dave = sample::book().remove(3);
        dave.tool_error = Some("the sandbox did not start: <EPERM>".into());
        dave.exercises.clear();
        let xml = junit_one(&dave);
        assert_eq!(well_formed(&xml), Ok(()));
        assert!(
            xml.contains(r#"tests="1" failures="0" errors="1""#),
            "{xml}"
        );
        assert!(xml.contains(
            "<error message=\"tool-error\" type=\"tool-error\">the sandbox did not start: &lt;EPERM&gt;</error>"
        ));
    }

    #[test]
    fn hostile_ids_and_names_stay_inside_their_attributes() {
        let mut sub = sample::book().remove(1);
        sub.submission = "a\"b<c>&'d\n\u{2}".into();
        sub.exercises[0].tasks[0].tests[1].verdict = "timed out \"after\" 30 s".into();
        let xml = junit_one(&sub);
        assert_eq!(well_formed(&xml), Ok(()));
        assert!(
            xml.contains(r#"<testsuite name="a&quot;b&lt;c&gt;&amp;&apos;d&#10;/01_linearizable""#)
        );
        assert!(
            xml.contains(r#"message="timed out &quot;after&quot; 30 s""#),
            "{xml}"
        );
    }

    #[test]
    fn an_empty_run_is_a_well_formed_empty_report() {
        let xml = junit(&[]);
        assert_eq!(well_formed(&xml), Ok(()));
        assert!(xml.contains(r#"tests="0" failures="0" errors="0" time="0.000""#));
    }
}
