//! Two submissions graded side by side, one of them hostile to its neighbour: thirty busy
//! processes in every test, each in a session of its own. Each job has a control group with an equal processor share,
//! so the honest neighbour's tests, each a fixed amount of work, finish well within
//! their time; without the share they would get a thirtieth of the processors and time
//! out.
//!
//! The fixture course's suite is replaced, in this test's copy only, by one whose every
//! test also does about a second of processor work, so that a neighbour's share shows.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use grading::{HONEST, cgroups_available, grade, outcome, said, sandbox_available, submission};

/// The fixture suite, each test doing a fixed amount of work besides its check.
const HEAVY_SUITE: &str = r#"//! The fixture exercise, each test with about half a second of processor work.

/// Totals a million numbers many times over: work that takes time only when it gets
/// little of the processors.
fn work() {
    let xs: Vec<i64> = (0..1_000_000).collect();
    for _ in 0..120 {
        assert_eq!(sums::total(std::hint::black_box(&xs)), 499_999_500_000);
    }
}

fn adds_small_numbers() {
    assert_eq!(sums::add(2, 3), 5, "add(2, 3)");
    work();
}

fn adds_negative_numbers() {
    assert_eq!(sums::add(-2, -3), -5, "add(-2, -3)");
    work();
}

fn totals_a_slice() {
    assert_eq!(sums::total(&[1, 2, 3, 4]), 10, "total of [1, 2, 3, 4]");
    work();
}

suite_harness::suite! {
    "add" => [adds_small_numbers, adds_negative_numbers],
    "total" => [totals_a_slice],
}
"#;

/// Thirty busy processes in every test, as many as a test may have, each in a session
/// of its own: the kernel's per-session fairness (autogroups) would otherwise lump them
/// together, and only a control group per job keeps them to one job's share.
const HOG: &str = r#"
fn hog() -> i64 {
    for _ in 0..29 {
        let _ = std::process::Command::new("setsid")
            .args(["sh", "-c", "while :; do :; done"])
            .spawn();
    }
    loop { std::hint::spin_loop() }
}
pub fn add(_: i64, _: i64) -> i64 { hog() }
pub fn total(_: &[i64]) -> i64 { hog() }
"#;

#[test]
fn a_processor_hog_cannot_slow_the_submission_graded_beside_it() {
    if !(sandbox_available() && cgroups_available()) {
        eprintln!(
            "NOTE: no control groups here (they need root): the processor share is not \
             tested"
        );
        return;
    }
    let root = course::course("grade-neighbours");
    std::fs::write(root.join("checker/suites/01_sums/main.rs"), HEAVY_SUITE).unwrap();
    let scratch = root.join("scratch");
    let submissions = scratch.join("submissions");
    let out = scratch.join("gradebook");
    submission(&submissions, "honest", HONEST);
    submission(&submissions, "hog", HOG);
    // Two jobs for two submissions: both start at once, the hog's tests spinning until
    // their time is up while the honest tests run.
    let run = grade(
        &root,
        &submissions,
        &out,
        &["--jobs", "2", "--timeout", "5"],
        true,
    );
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    assert!(
        course::stderr(&run).contains("an equal processor share"),
        "{}",
        said(&run)
    );
    assert_eq!(
        outcome(&out, "honest"),
        ("graded".to_owned(), 5, 5),
        "{}",
        said(&run)
    );
    assert_eq!(outcome(&out, "hog"), ("graded".to_owned(), 0, 5));
    for (name, verdict) in grading::verdicts(&out, "hog") {
        assert_eq!(verdict, "timed out after 5 s", "{name}");
    }
}
