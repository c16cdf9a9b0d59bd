//! The current exercise follows the student, and a compile error does not take back
//! what was done: the real `checker` on the fixture course with a second exercise.

#[path = "support/course.rs"]
mod course;

use std::path::Path;
use std::process::{Command, Output};

use course::{checker, shared_target, stderr, stdout, two_exercises};
use serde_json::Value;

/// The name of the current exercise, from `list --format json`.
fn current(root: &Path) -> String {
    let out = checker(root, &["list", "--format", "json"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let current: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["current"] == true)
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(current.len(), 1, "{list}");
    current[0].to_owned()
}

/// The checker run from `dir` (inside the course), without `--course`.
fn checker_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target())
        .env("NO_COLOR", "1")
        .env_remove("CONSISTENCY_LAB_ROOT")
        .output()
        .unwrap()
}

#[test]
fn checking_an_exercise_makes_it_current_and_its_folder_picks_it() {
    let root = two_exercises("navigation");
    assert_eq!(current(&root), "01_sums");
    let out = checker(&root, &["check", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("02_words"), "{}", stdout(&out));
    assert_eq!(current(&root), "02_words");
    // Checking the reference solution or another copy is not working on it.
    checker(&root, &["check", "1", "--solution"]);
    assert_eq!(current(&root), "02_words");

    // From inside an exercise's folder, that exercise, whatever is current.
    let src = root.join("exercises/01_sums/src");
    let out = checker_in(&src, &["check"]);
    assert!(stdout(&out).starts_with("01_sums"), "{}", stdout(&out));
    assert_eq!(current(&root), "01_sums");
    let out = checker_in(&root.join("exercises/02_words"), &["hint"]);
    assert!(
        stdout(&out).contains("Hint 1 of 1 for task count of 02_words"),
        "{}",
        stdout(&out)
    );
    // From the course root, the current one.
    let out = checker_in(&root, &["hint"]);
    assert!(
        stdout(&out).contains("for task add of 01_sums"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_compile_error_keeps_the_tasks_done_before_and_names_its_line() {
    let root = two_exercises("broken-later");
    let lib = root.join("exercises/01_sums/src/lib.rs");
    let skeleton = std::fs::read_to_string(&lib).unwrap();
    let solved = skeleton.replace(
        "    // TODO: return the sum.\n    todo!(\"add {a} and {b}\")",
        "    a + b",
    );
    std::fs::write(&lib, &solved).unwrap();
    let out = checker(&root, &["check", "01_sums"]);
    assert!(stdout(&out).contains("done  add"), "{}", stdout(&out));

    // A slip in another function: the file no longer compiles.
    let broken = solved.replace("todo!(\"add up {} numbers\", xs.len())", "xs.len() +");
    std::fs::write(&lib, &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("xs.len() +"))
        .unwrap()
        + 1;
    let out = checker(&root, &["check", "01_sums"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // Named as from where the checker runs (the test's folder is outside the course).
    assert!(
        text.contains(&format!("01_sums/src/lib.rs:{}):", line + 1)),
        "{text}"
    );
    assert!(
        text.contains("add                  done before; does not compile now"),
        "{text}"
    );
    assert!(!text.contains("total                done before"), "{text}");
    let list = stdout(&checker(&root, &["list"]));
    assert!(list.contains("[~] add"), "{list}");
    assert!(
        list.contains(&format!(
            "does not compile now (first error at exercises/01_sums/src/lib.rs:{})",
            line + 1
        )),
        "{list}"
    );
    // The course still counts what was done.
    assert!(list.contains("2/9 points"), "{list}");
    let json: Value =
        serde_json::from_slice(&checker(&root, &["list", "--format", "json"]).stdout).unwrap();
    assert_eq!(
        json[0]["broken"],
        format!("exercises/01_sums/src/lib.rs:{}", line + 1)
    );
    assert_eq!(json[0]["tasks"][0]["done"], true);

    // Fixed, the check says afresh.
    std::fs::write(&lib, &solved).unwrap();
    checker(&root, &["check", "01_sums"]);
    let list = stdout(&checker(&root, &["list"]));
    assert!(list.contains("[x] add") && !list.contains("[~]"), "{list}");
}
