//! From test results to task verdicts and points, and how they are shown.
//!
//! A task is done when its hidden suite has at least one test for it and every one of
//! them passed. A task with no test is not done (a suite that forgot a task must not
//! hand out its points), and a test naming a task the catalog does not know is reported
//! as a problem of the suite.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::catalog::Exercise;
use crate::style::Style;

/// One hidden test, as the grader saw it run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// The task it belongs to.
    pub task: String,
    /// Its name.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What happened, in a few words: `passed`, `panicked`, `timed out after 10 s`...
    pub verdict: String,
    /// For a failure: the test's own message (the scenario, expected against actual, the
    /// seed and the history), then what it printed, trimmed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub details: String,
    /// How long it ran, in milliseconds.
    pub ms: u64,
    /// The clauses of its task's statement it checks (`register.1`), as the README
    /// numbers them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<String>,
    /// For a failure: the seed the test asked to be replayed from (the run that failed,
    /// among the many it tried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay_seed: Option<u64>,
    /// The HTML page drawing the history the test checked, when it failed a history
    /// check (a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

impl TestReport {
    /// Builds a report, rounding the duration to milliseconds.
    pub fn new(
        task: &str,
        name: &str,
        passed: bool,
        verdict: String,
        details: String,
        took: Duration,
    ) -> Self {
        TestReport {
            task: task.to_owned(),
            name: name.to_owned(),
            passed,
            verdict,
            details,
            ms: took.as_millis() as u64,
            clauses: Vec::new(),
            replay_seed: None,
            page: None,
        }
    }

    /// The same report, naming the clauses of its task it checks, by number.
    pub fn with_clauses(mut self, numbers: &[u32]) -> Self {
        self.clauses = numbers
            .iter()
            .map(|n| format!("{}.{n}", self.task))
            .collect();
        self
    }
}

/// How the build went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Build {
    /// The exercise and its suite compiled.
    Compiled,
    /// They did not: the first compiler errors.
    Failed(String),
    /// They compiled, but the suite could not even list its tests (for example, code
    /// that runs before `main` ended the process): why.
    Unlisted(String),
}

/// The result of checking one exercise.
#[derive(Clone, Debug)]
pub struct ExerciseReport {
    /// The exercise, from the catalog.
    pub exercise: Exercise,
    /// Which copy was checked (a folder path).
    pub source: String,
    /// How the build went.
    pub build: Build,
    /// Every test run.
    pub tests: Vec<TestReport>,
    /// The seed the tests ran with, to replay them.
    pub seed: u64,
    /// The compiler's warnings about the exercise's code.
    pub warnings: Vec<String>,
    /// What the checker wants said about the copy, one line each: a given file it holds
    /// that is not used, a withheld crate its code names.
    pub notes: Vec<String>,
    /// The tasks (by id) done at the student's last check that compiled: shown as done
    /// before when this copy does not compile. Empty outside the student's own checks.
    pub done_before: BTreeSet<String>,
}

/// A task's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskVerdict {
    /// The task id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it is worth.
    pub points: u32,
    /// What was earned: all or nothing.
    pub score: u32,
    /// Whether every test of the task passed (and it had at least one).
    pub done: bool,
    /// Its tests.
    pub tests: Vec<TestReport>,
}

impl ExerciseReport {
    /// The verdict of each task, in catalog order.
    pub fn tasks(&self) -> Vec<TaskVerdict> {
        self.exercise
            .tasks
            .iter()
            .map(|t| {
                let tests: Vec<TestReport> = self
                    .tests
                    .iter()
                    .filter(|r| r.task == t.id)
                    .cloned()
                    .collect();
                let done = self.build == Build::Compiled
                    && !tests.is_empty()
                    && tests.iter().all(|r| r.passed);
                TaskVerdict {
                    id: t.id.clone(),
                    title: t.title.clone(),
                    points: t.points,
                    score: if done { t.points } else { 0 },
                    done,
                    tests,
                }
            })
            .collect()
    }

    /// Tests whose task the catalog does not list.
    pub fn stray_tests(&self) -> Vec<&TestReport> {
        self.tests
            .iter()
            .filter(|r| !self.exercise.tasks.iter().any(|t| t.id == r.task))
            .collect()
    }

    /// Points earned.
    pub fn score(&self) -> u32 {
        self.tasks().iter().map(|t| t.score).sum()
    }

    /// Whether every task is done.
    pub fn all_done(&self) -> bool {
        self.tasks().iter().all(|t| t.done)
    }

    /// The command that replays this check; `flags` name the copy checked
    /// (`--solution`, `--path DIR`) when it is not the student's.
    pub fn replay(&self, flags: &str) -> String {
        format!(
            "checker check {}{flags} --seed {}",
            self.exercise.name, self.seed
        )
    }

    /// The report for people.
    pub fn render(&self, style: Style, flags: &str) -> String {
        let ex = &self.exercise;
        let mut out = format!(
            "{}  {}  {}/{} points\n",
            style.bold(&ex.name),
            ex.title,
            self.score(),
            ex.points()
        );
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        if let Build::Failed(errors) = &self.build {
            out.push_str(&format!(
                "  {} the exercise does not compile (first error at {}):\n",
                style.red("FAIL"),
                first_error_place(errors, &std::env::current_dir().unwrap_or_default())
            ));
            out.push_str(&indent(errors, "    "));
            for task in &ex.tasks {
                if self.done_before.contains(&task.id) {
                    out.push_str(&format!(
                        "  {}  {:<20} done before; does not compile now\n",
                        style.yellow("was "),
                        task.id
                    ));
                }
            }
            let what = if self.done_before.is_empty() {
                "every task counts as not done until it compiles"
            } else {
                "the tasks done before count again once it compiles and their tests pass"
            };
            out.push_str(&format!("  {what} ({})\n", self.source));
            return out;
        }
        if let Build::Unlisted(why) = &self.build {
            out.push_str(&format!(
                "  {} the hidden suite could not list its tests:\n",
                style.red("FAIL")
            ));
            out.push_str(&indent(why, "    "));
            out.push_str("  every task counts as not done\n");
            return out;
        }
        for task in self.tasks() {
            let mark = if task.done {
                style.green("done")
            } else {
                style.red("todo")
            };
            out.push_str(&format!(
                "  {mark}  {:<20} {:<50} {:>3}/{}\n",
                task.id, task.title, task.score, task.points
            ));
            if task.tests.is_empty() {
                out.push_str("        the hidden suite has no test for this task\n");
            }
            for t in task.tests.iter().filter(|t| !t.passed) {
                out.push_str(&format!(
                    "        {} {}: {}\n",
                    style.red("x"),
                    t.name,
                    t.verdict
                ));
                if !t.clauses.is_empty() {
                    out.push_str(&format!(
                        "          it checks {} of the README\n",
                        t.clauses.join(", ")
                    ));
                }
                if !t.details.is_empty() {
                    out.push_str(&indent(&t.details, "          "));
                }
                if let Some(page) = &t.page {
                    out.push_str(&format!("          the history, drawn: {page}\n"));
                }
                if let Some(seed) = t.replay_seed {
                    out.push_str(&format!(
                        "          replay this run: checker check {}{flags} --seed {seed} --test {}\n",
                        self.exercise.name, t.name
                    ));
                }
            }
        }
        for t in self.stray_tests() {
            out.push_str(&format!(
                "  note: test {} names task {:?}, which the catalog does not list\n",
                t.name, t.task
            ));
        }
        if !self.all_done() {
            out.push_str(&format!("  replay: {}\n", self.replay(flags)));
        }
        out
    }
}

/// Where the compiler's first error is, as `path:line` (the `--> path:line:col` line of
/// its report) with the path relative to `base` when it lies inside it, or the error's
/// first line when it names no place.
pub fn first_error_place(errors: &str, base: &Path) -> String {
    let place = errors.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("--> ")?;
        let mut parts = rest.rsplitn(3, ':');
        let _column = parts.next()?;
        let line = parts.next()?;
        let path = parts.next()?;
        line.parse::<u32>().ok()?;
        let path = Path::new(path);
        let path = path.strip_prefix(base).unwrap_or(path);
        Some(format!("{}:{line}", path.display()))
    });
    place.unwrap_or_else(|| {
        errors
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("the compiler gave no message")
            .to_owned()
    })
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| format!("{prefix}{l}\n").replace(&format!("{prefix}\n"), "\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn exercise() -> Exercise {
        let text = r#"
            [[exercise]]
            name = "01_x"
            topic = "x"
            title = "X"
            [[exercise.task]]
            id = "a"
            title = "A"
            points = 3
            [[exercise.task]]
            id = "b"
            title = "B"
            points = 2
            [[exercise.task]]
            id = "c"
            title = "C"
            points = 1
        "#;
        Catalog::parse(text).unwrap().exercises.remove(0)
    }

    fn test(task: &str, name: &str, passed: bool) -> TestReport {
        let verdict = if passed { "passed" } else { "panicked" };
        TestReport::new(
            task,
            name,
            passed,
            verdict.into(),
            String::new(),
            Duration::ZERO,
        )
    }

    #[test]
    fn a_task_is_done_only_when_all_its_tests_pass_and_it_has_some() {
        let mut b2 = test("b", "b2", false).with_clauses(&[2, 3]);
        b2.replay_seed = Some(1042);
        let report = ExerciseReport {
            exercise: exercise(),
            source: "exercises/01_x".into(),
            build: Build::Compiled,
            tests: vec![
                test("a", "a1", true),
                test("a", "a2", true),
                test("b", "b1", true),
                b2,
                test("z", "z1", true),
            ],
            seed: 7,
            warnings: Vec::new(),
            notes: vec!["your copy of src/x.rs is not used; the course's is".into()],
            done_before: BTreeSet::new(),
        };
        let done: Vec<bool> = report.tasks().iter().map(|t| t.done).collect();
        assert_eq!(done, [true, false, false]);
        assert_eq!(report.score(), 3);
        assert!(!report.all_done());
        assert_eq!(report.stray_tests().len(), 1);
        let text = report.render(Style::plain(), "");
        assert!(text.contains("x b2: panicked"), "{text}");
        assert!(
            text.contains("\n  note: your copy of src/x.rs is not used"),
            "{text}"
        );
        assert!(text.contains("no test for this task"), "{text}");
        assert!(
            text.contains("replay: checker check 01_x --seed 7"),
            "{text}"
        );
        assert!(text.contains("it checks b.2, b.3 of the README"), "{text}");
        assert!(
            text.contains("replay this run: checker check 01_x --seed 1042 --test b2"),
            "{text}"
        );
    }

    #[test]
    fn nothing_is_done_when_it_does_not_compile_but_what_was_done_is_said() {
        let mut report = ExerciseReport {
            exercise: exercise(),
            source: "exercises/01_x".into(),
            build: Build::Failed(
                "error[E0425]: cannot find value `x`\n  --> src/lib.rs:7:5\n".into(),
            ),
            tests: vec![test("a", "a1", true)],
            seed: 1,
            warnings: Vec::new(),
            notes: Vec::new(),
            done_before: BTreeSet::new(),
        };
        assert_eq!(report.score(), 0);
        let text = report.render(Style::plain(), "");
        assert!(
            text.contains("does not compile (first error at src/lib.rs:7)"),
            "{text}"
        );
        assert!(text.contains("every task counts as not done"), "{text}");
        report.done_before = ["a".to_owned()].into();
        let text = report.render(Style::plain(), "");
        assert!(
            text.contains("was   a                    done before; does not compile now"),
            "{text}"
        );
        assert!(!text.contains("  b "), "{text}");
        assert!(text.contains("count again once it compiles"), "{text}");
    }
}
