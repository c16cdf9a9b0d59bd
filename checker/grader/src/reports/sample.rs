//! A gradebook of five submissions, for the writers' tests:
//!
//! | submission | 01_linearizable (register 10, cas 5, private stress 5) | 02_cap (partition 10) |
//! | --- | --- | --- |
//! | `alice` | every test passes: 20 | passes: 10 |
//! | `bob` | a register test fails, its message full of markup: 10 | no test for the task: 0 |
//! | `carol` | does not compile: 0 | passes: 10 |
//! | `dave` | missing: 0 | not in the record at all |
//! | `erin` | the private task fails, with a secret message: 15 | passes: 10 |

use super::ExerciseInfo;
use crate::record::{
    ExerciseGrade, ExerciseStatus, FORMAT, SubmissionGrade, TaskGrade, TestGrade, Visibility,
};
use checker_core::integrity::Flag;

/// A message no report for students may show.
pub(crate) const SECRET: &str = "SECRET: forty clients on a cut link";

/// The message of bob's failing test: markup, a control character and a noncharacter.
pub(crate) const MARKUP: &str = "expected <1> & got \"2\" or '3'\u{1}\u{FFFF}; seed 7";

/// The exercises of the run.
pub(crate) fn exercises() -> Vec<ExerciseInfo> {
    vec![
        ExerciseInfo {
            name: "01_linearizable".into(),
            title: "A linearizable register".into(),
            max_score: 20,
        },
        ExerciseInfo {
            name: "02_cap".into(),
            title: "Choosing under partition".into(),
            max_score: 10,
        },
    ]
}

/// A test; it passed when its verdict is `passed`, it is private when its name says so.
pub(crate) fn test(name: &str, verdict: &str, message: &str, ms: u64) -> TestGrade {
    TestGrade {
        name: name.into(),
        passed: verdict == "passed",
        verdict: verdict.into(),
        message: message.into(),
        ms,
        private: name.starts_with("private/"),
        check_report: None,
    }
}

fn pass(name: &str, ms: u64) -> TestGrade {
    test(name, "passed", "", ms)
}

fn task(id: &str, title: &str, points: u32, tests: Vec<TestGrade>) -> TaskGrade {
    let done = !tests.is_empty() && tests.iter().all(|t| t.passed);
    TaskGrade {
        id: id.into(),
        title: title.into(),
        points,
        score: if done { points } else { 0 },
        done,
        private: false,
        visibility: Visibility::Visible,
        tests,
    }
}

fn exercise(name: &str, title: &str, tasks: Vec<TaskGrade>) -> ExerciseGrade {
    ExerciseGrade {
        exercise: name.into(),
        title: title.into(),
        status: ExerciseStatus::Graded,
        message: String::new(),
        score: tasks.iter().map(|t| t.score).sum(),
        max_score: tasks.iter().map(|t| t.points).sum(),
        seed: 7,
        tasks,
    }
}

fn linearizable(
    register: Vec<TestGrade>,
    cas: Vec<TestGrade>,
    stress: Vec<TestGrade>,
) -> ExerciseGrade {
    let mut stress = task("stress", "Many clients at once", 5, stress);
    stress.private = true;
    stress.visibility = Visibility::AfterPublished;
    exercise(
        "01_linearizable",
        "A linearizable register",
        vec![
            task(
                "register",
                "Reads and writes are linearizable",
                10,
                register,
            ),
            task("cas", "Compare-and-swap is linearizable", 5, cas),
            stress,
        ],
    )
}

fn linearizable_passing() -> ExerciseGrade {
    linearizable(
        vec![
            pass("register::reads_see_writes", 12),
            pass("register::history_is_linearizable", 30),
        ],
        vec![pass("cas::swaps_once", 5)],
        vec![pass("private/stress::many_clients", 250)],
    )
}

fn cap(partition: Vec<TestGrade>) -> ExerciseGrade {
    exercise(
        "02_cap",
        "Choosing under partition",
        vec![task("partition", "A CP store refuses", 10, partition)],
    )
}

fn cap_passing() -> ExerciseGrade {
    cap(vec![pass("partition::refuses_when_cut", 40)])
}

/// `e` as an exercise grading stopped short of: no test ran, nothing earned.
fn not_graded(mut e: ExerciseGrade, status: ExerciseStatus, message: &str) -> ExerciseGrade {
    e.status = status;
    e.message = message.into();
    e.score = 0;
    for t in &mut e.tasks {
        t.tests.clear();
        t.done = false;
        t.score = 0;
    }
    e
}

/// A record of `id` with these exercises.
pub(crate) fn submission(id: &str, exercises: Vec<ExerciseGrade>) -> SubmissionGrade {
    SubmissionGrade {
        format: FORMAT,
        submission: id.into(),
        origin: format!("{id}.zip"),
        fingerprint: "f1".into(),
        seconds: 2.25,
        tool_error: None,
        notes: Vec::new(),
        flags: Vec::new(),
        exercises,
    }
}

/// A flag of the kind the integrity scan writes, on `exercise`.
pub(crate) fn flag(exercise: &str) -> Flag {
    Flag {
        exercise: exercise.into(),
        file: "src/register.rs".into(),
        line: 7,
        kind: "lifetime-extension".into(),
        why: "a reference to a reference with two named lifetimes".into(),
    }
}

/// The five submissions, sorted by id.
pub(crate) fn book() -> Vec<SubmissionGrade> {
    let bob_register = vec![
        pass("register::reads_see_writes", 11),
        test(
            "register::history_is_linearizable",
            "panicked",
            MARKUP,
            1234,
        ),
    ];
    vec![
        submission("alice", vec![linearizable_passing(), cap_passing()]),
        submission(
            "bob",
            vec![
                linearizable(
                    bob_register,
                    vec![pass("cas::swaps_once", 4)],
                    vec![pass("private/stress::many_clients", 200)],
                ),
                cap(Vec::new()),
            ],
        ),
        submission(
            "carol",
            vec![
                not_graded(
                    linearizable_passing(),
                    ExerciseStatus::DoesNotCompile,
                    "error[E0425]: cannot find value `x` in this scope",
                ),
                cap_passing(),
            ],
        ),
        submission(
            "dave",
            vec![not_graded(
                linearizable_passing(),
                ExerciseStatus::Missing,
                "no exercises/01_linearizable/src/lib.rs in the submission",
            )],
        ),
        SubmissionGrade {
            flags: vec![flag("01_linearizable")],
            ..submission(
                "erin",
                vec![
                    linearizable(
                        vec![pass("register::reads_see_writes", 10)],
                        vec![pass("cas::swaps_once", 3)],
                        vec![test(
                            "private/stress::many_clients",
                            "panicked",
                            SECRET,
                            300,
                        )],
                    ),
                    cap_passing(),
                ],
            )
        },
    ]
}

/// The values of `key` in every entry of a results file's `tests`.
pub(crate) fn column<'a>(v: &'a serde_json::Value, key: &str) -> Vec<&'a serde_json::Value> {
    v["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t[key])
        .collect()
}
