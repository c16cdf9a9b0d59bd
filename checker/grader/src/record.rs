//! What grading one submission produced: the record kept in `submissions/ID/grade.json`,
//! from which every report is rendered and by which an interrupted run resumes.
//!
//! Only the checker's own messages are kept: verdicts, the explanation of each failure
//! (with the hidden suite's assertion message), compile errors, and the check report a
//! failed history check handed the grader over the harness's authenticated channel.
//! Nothing a test process printed is kept, so nothing a submission prints can reach a
//! report.

use serde::{Deserialize, Serialize};

use checker_core::integrity::Flag;

/// The version of the record format; a record of another version is regraded.
///
/// 3 added [`TestGrade::check_report`]: an earlier record has no history to draw, so it
/// is graded again rather than leaving its instructor without pages.
pub const FORMAT: u32 = 3;

/// One submission, graded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmissionGrade {
    /// The record format ([`FORMAT`]).
    pub format: u32,
    /// The submission's id: its file name in the submissions folder, without `.zip`,
    /// `.tar.gz` or `.tgz`.
    pub submission: String,
    /// Its file name in the submissions folder.
    pub origin: String,
    /// A digest of everything the grade depends on (the submission's files, the hidden
    /// and private suites, the catalog, the options); a later run with the same digest
    /// keeps this record instead of grading again.
    pub fingerprint: String,
    /// How long grading took, in seconds.
    pub seconds: f64,
    /// Why the checker could not grade this submission, when it could not (the sandbox
    /// failed to start, say). Such a record is graded again by the next run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_error: Option<String>,
    /// A note about the submission as a whole, for the instructor (an unreadable
    /// archive, no exercise found, files skipped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What no honest solution needs, found in its sources (see
    /// [`integrity`](checker_core::integrity)): for the instructor to look at. A flag
    /// never changes a score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// Each exercise graded, in catalog order.
    pub exercises: Vec<ExerciseGrade>,
}

impl SubmissionGrade {
    /// Points earned over every exercise.
    pub fn score(&self) -> u32 {
        self.exercises.iter().map(|e| e.score).sum()
    }

    /// Points there are to earn over every exercise.
    pub fn max_score(&self) -> u32 {
        self.exercises.iter().map(|e| e.max_score).sum()
    }

    /// The flags found in the sources of exercise `name`.
    pub fn flags_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.exercise == name)
    }

    /// The exercise called `name`, if graded.
    pub fn exercise(&self, name: &str) -> Option<&ExerciseGrade> {
        self.exercises.iter().find(|e| e.exercise == name)
    }
}

/// One exercise of one submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseGrade {
    /// The exercise's name (`01_linearizable`).
    pub exercise: String,
    /// Its title, from the catalog.
    pub title: String,
    /// How far grading got.
    pub status: ExerciseStatus,
    /// For any status but `graded`: the checker's explanation (the compile errors, why
    /// the exercise was not found or was refused). Empty when graded.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Points earned.
    pub score: u32,
    /// Points there are (catalog tasks and private tasks).
    pub max_score: u32,
    /// The seed the randomized tests ran with.
    pub seed: u64,
    /// Every task, in catalog order, then the private tasks.
    pub tasks: Vec<TaskGrade>,
}

/// How far grading of one exercise got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExerciseStatus {
    /// It compiled with its suite and every test ran; the tasks say the rest.
    Graded,
    /// The submission has no such exercise (`exercises/NAME/src/lib.rs`).
    Missing,
    /// The exercise's own code does not compile (or uses `unsafe`).
    DoesNotCompile,
    /// The code compiles, but the hidden suite does not compile against it: its
    /// public API differs from the skeleton's.
    SuiteDoesNotCompile,
    /// The suite compiled but could not even list its tests.
    Unlisted,
    /// The checker refused the exercise's files (too large, too many).
    Rejected,
    /// The checker itself failed on this exercise; it is graded again next run.
    ToolError,
}

impl ExerciseStatus {
    /// The status as written in reports (`does-not-compile`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseStatus::Graded => "graded",
            ExerciseStatus::Missing => "missing",
            ExerciseStatus::DoesNotCompile => "does-not-compile",
            ExerciseStatus::SuiteDoesNotCompile => "suite-does-not-compile",
            ExerciseStatus::Unlisted => "unlisted",
            ExerciseStatus::Rejected => "rejected",
            ExerciseStatus::ToolError => "tool-error",
        }
    }
}

/// Who may see a task's result on a platform that hides some (Gradescope's names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Always shown.
    #[default]
    Visible,
    /// Never shown to the student.
    Hidden,
    /// Shown once the due date has passed.
    AfterDueDate,
    /// Shown once the grades are published.
    AfterPublished,
}

impl Visibility {
    /// The name Gradescope uses (`after_published`).
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Visible => "visible",
            Visibility::Hidden => "hidden",
            Visibility::AfterDueDate => "after_due_date",
            Visibility::AfterPublished => "after_published",
        }
    }
}

/// One task of one exercise: all or nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskGrade {
    /// The task id (`register`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it is worth.
    pub points: u32,
    /// What was earned: `points` when done, else 0.
    pub score: u32,
    /// Whether it has tests and every one of them passed.
    pub done: bool,
    /// Whether the task comes from an instructor's private suite.
    #[serde(default)]
    pub private: bool,
    /// Who may see its result.
    #[serde(default)]
    pub visibility: Visibility,
    /// Its tests, hidden suite first, then the private suite's.
    pub tests: Vec<TestGrade>,
}

/// One test, as the grader saw it end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestGrade {
    /// Its name in its suite (`register::history_is_linearizable`); private tests are
    /// prefixed `private/`.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What happened, in a few words: `passed`, `panicked`, `timed out after 30 s`.
    pub verdict: String,
    /// For a failure, the checker's explanation: what ended the test and the suite's
    /// message (the scenario, expected against actual, the seed). Empty when passed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// How long it ran, in milliseconds.
    pub ms: u64,
    /// Whether it comes from the private suite.
    #[serde(default)]
    pub private: bool,
    /// For a failed history check: the check report the suite attached (a
    /// `testkit::report::CheckReport` as JSON), from which the gradebook draws the same
    /// page `checker check` draws. Only the harness can attach one (its lines carry the
    /// run's secret), and only one that reads as a check report is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_report: Option<serde_json::Value>,
}
