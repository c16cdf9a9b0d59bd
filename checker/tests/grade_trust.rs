//! `checker grade` on the course itself against submissions that try to earn points
//! without the work, through what a submission can write: trait impls of its own on the
//! types the suites compare (`PartialEq` that always holds, a `Recordable` that records
//! every call as a harmless read), a tampered copy of a given module, and the library's
//! own checkers in the task that asks for checkers. Each is graded beside the honest
//! reference solutions, and each gets exactly what its honest work is worth.
//!
//! The submissions are the wrong-implementation fixtures of `tests/fixtures/wrong/`, made
//! whole as a student would hand them in: every module a fixture takes from the
//! reference solution by `#[path]` is copied in beside the others.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::path::Path;
use std::process::Command;

use course::{copy, workspace};
use grading::{record, said, sandbox_available};

/// The exercises graded: those the attacks aim at.
const EXERCISES: [&str; 3] = ["04_read_your_writes", "06_sequential", "07_classification"];

/// Copies the fixture `wrong/EXERCISE/NAME` into `submission/exercises/EXERCISE`, with
/// each `#[path]` module copied in as a file of its own.
fn materialize(exercise: &str, name: &str, submission: &Path) {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong")
        .join(exercise)
        .join(name);
    let into = submission.join("exercises").join(exercise);
    whole(&fixture.join("src"), &into.join("src"));
}

/// Copies the `.rs` files of `from` to `to`, resolving `#[path = "..."] mod m;`.
fn whole(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            whole(&path, &to.join(path.file_name().unwrap()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut kept = Vec::new();
        let mut taken: Option<String> = None;
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some(rest) = trimmed.strip_prefix("#[path = \"") {
                taken = Some(rest.trim_end_matches("\"]").to_owned());
                continue;
            }
            if let Some(source) = taken.take() {
                let module = trimmed
                    .trim_start_matches("pub ")
                    .trim_start_matches("mod ")
                    .trim_end_matches(';');
                std::fs::copy(
                    path.parent().unwrap().join(source),
                    to.join(format!("{module}.rs")),
                )
                .unwrap();
            }
            kept.push(line);
        }
        std::fs::write(to.join(path.file_name().unwrap()), kept.join("\n") + "\n").unwrap();
    }
}

/// What one exercise of one submission must come to.
struct Want {
    submission: &'static str,
    exercise: &'static str,
    status: &'static str,
    score: u64,
    /// A phrase its message or the submission's notes must hold.
    says: Option<&'static str>,
}

const fn want(
    submission: &'static str,
    exercise: &'static str,
    status: &'static str,
    score: u64,
    says: Option<&'static str>,
) -> Want {
    Want {
        submission,
        exercise,
        status,
        score,
        says,
    }
}

#[test]
fn spoofed_impls_tampered_given_code_and_borrowed_checkers_earn_only_their_worth() {
    let sandboxed = sandbox_available();
    let ws = workspace();
    let scratch = ws.join("target/course-tests/grade-trust");
    _ = std::fs::remove_dir_all(&scratch);
    let subs = scratch.join("submissions");
    for exercise in EXERCISES {
        copy(
            &ws.join("solutions").join(exercise),
            &subs.join("honest/exercises").join(exercise),
        );
    }
    // PartialEq that always holds, on types of its own named like the course's, over
    // constant answers: the suite compares only through the course's types.
    materialize(
        "07_classification",
        "shadowed_types_always_equal",
        &subs.join("always-equal"),
    );
    // Every comparison Rust still lets a crate lie in, over the reference solution: the
    // lies change nothing, and the work earns its points.
    materialize(
        "07_classification",
        "always_equal_beside_solution",
        &subs.join("always-equal-on-solution"),
    );
    // The checker-writing task calling the library's checkers.
    materialize(
        "07_classification",
        "histories_uses_testkit",
        &subs.join("borrowed-checkers"),
    );
    // A replica with no sequencer, a Response whose == always holds and a Recordable
    // that records every call as a read of nil.
    materialize("06_sequential", "audit", &subs.join("fake-recordable"));
    // Lying PartialEq, Ord, Hash, Clone, Display, From and Iterator on the solution.
    materialize(
        "06_sequential",
        "spoofed_impls",
        &subs.join("spoofs-on-solution"),
    );
    // The cluster edited so that replicas never lag, exported in place of the course's.
    materialize(
        "04_read_your_writes",
        "tampered_cluster",
        &subs.join("tampered-cluster"),
    );
    // The same edited cluster behind a router that keeps it to itself.
    materialize(
        "04_read_your_writes",
        "private_cluster",
        &subs.join("private-cluster"),
    );
    // The solution, exporting the edited cluster: the suite uses the course's.
    materialize(
        "04_read_your_writes",
        "solution_exports_tampered_cluster",
        &subs.join("tampered-cluster-on-solution"),
    );

    let out = scratch.join("gradebook");
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .arg("--course")
        .arg(&ws)
        .arg("grade")
        .arg(&subs)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "2"])
        .env("NO_COLOR", "1");
    for exercise in EXERCISES {
        command.args(["--exercise", exercise]);
    }
    if !sandboxed {
        command.arg("--no-sandbox");
    }
    let run = command.output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));

    let wants = [
        want("honest", "04_read_your_writes", "graded", 28, None),
        want("honest", "06_sequential", "graded", 18, None),
        want("honest", "07_classification", "graded", 24, None),
        want(
            "always-equal",
            "07_classification",
            "suite-does-not-compile",
            0,
            Some("classification_given::"),
        ),
        want(
            "always-equal-on-solution",
            "07_classification",
            "graded",
            24,
            None,
        ),
        want(
            "borrowed-checkers",
            "07_classification",
            "does-not-compile",
            0,
            Some("07_classification is built without `testkit`"),
        ),
        want(
            "fake-recordable",
            "06_sequential",
            "suite-does-not-compile",
            0,
            Some("sequential_given::"),
        ),
        want("spoofs-on-solution", "06_sequential", "graded", 18, None),
        want(
            "tampered-cluster",
            "04_read_your_writes",
            "suite-does-not-compile",
            0,
            Some("your copy of src/cluster.rs is not used"),
        ),
        want("private-cluster", "04_read_your_writes", "graded", 0, None),
        want(
            "tampered-cluster-on-solution",
            "04_read_your_writes",
            "graded",
            28,
            Some("your copy of src/cluster.rs is not used"),
        ),
    ];
    for w in &wants {
        let record = record(&out, w.submission);
        let exercise = record["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["exercise"] == w.exercise)
            .unwrap_or_else(|| panic!("{}: no {}", w.submission, w.exercise));
        assert_eq!(
            (
                w.submission,
                w.exercise,
                exercise["status"].as_str().unwrap(),
                exercise["score"].as_u64().unwrap()
            ),
            (w.submission, w.exercise, w.status, w.score),
            "{}",
            exercise["message"]
        );
        if let Some(phrase) = w.says {
            let text = format!("{} {}", exercise["message"], record["notes"]);
            assert!(text.contains(phrase), "{}: {text}", w.submission);
        }
    }
    // The reference solution carries no flag; the lying Clone, which the simulated
    // network would use to duplicate messages, is flagged for the instructor.
    assert!(record(&out, "honest").get("flags").is_none());
    let flags = record(&out, "spoofs-on-solution")["flags"].to_string();
    assert!(flags.contains("hand-written-clone"), "{flags}");
}
