//! The hidden suite of 06_sequential against wrong and spoofed implementations: each
//! fixture under `tests/fixtures/wrong/06_sequential/` is the reference solution (or the
//! skeleton) with one mistake or one spoof, and the real `checker` must give it exactly
//! what its honest work is worth: the task a mistake breaks is not done, failed by the
//! test written to catch it; a spoof adds nothing, and a copy of what the course gives
//! does not even compile against the suite.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The workspace root, which is also the course.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 06_sequential` with `args` and returns its one JSON report.
fn check(args: &[&str]) -> Value {
    let root = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&root)
        .args(["check", "06_sequential"])
        .args(args)
        .args(["--format", "json", "--timeout", "20"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker starts");
    let text = String::from_utf8_lossy(&out.stdout);
    let reports: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    reports[0].clone()
}

/// The report of the fixture `name`.
fn fixture(name: &str) -> Value {
    let path = workspace()
        .join("checker/tests/fixtures/wrong/06_sequential")
        .join(name);
    check(&["--path", path.to_str().unwrap()])
}

/// Whether the test `name` of task `task` passed, in `report`.
fn passed(report: &Value, task: &str, name: &str) -> bool {
    let task = report["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks: {report:#}"))
        .iter()
        .find(|t| t["id"] == task)
        .unwrap_or_else(|| panic!("no task {task}: {report:#}"));
    let test = task["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no test {name} in task {task:#}"));
    test["passed"] == true
}

/// Asserts that `mistake` compiles, earns `score`, and fails test `test` of `task`.
fn caught(mistake: &str, task: &str, test: &str, score: u64) {
    let report = fixture(mistake);
    assert_eq!(
        report["compiled"], true,
        "{mistake} must compile: {report:#}"
    );
    assert!(
        !passed(&report, task, test),
        "{mistake}: test {test} of task {task} should fail: {report:#}"
    );
    assert_eq!(
        report["score"], score,
        "{mistake} earns {score}: {report:#}"
    );
}

/// Asserts that `spoof` compiles against the suite and earns `score`.
fn earns(spoof: &str, score: u64) {
    let report = fixture(spoof);
    assert_eq!(report["compiled"], true, "{spoof} must compile: {report:#}");
    assert_eq!(report["score"], score, "{spoof} earns {score}: {report:#}");
}

/// Asserts that `spoof` does not compile against the suite, because the suite takes
/// `course_type` where the spoof hands over a type of its own, and so earns nothing.
fn rejected(spoof: &str, course_type: &str) {
    let report = fixture(spoof);
    assert_eq!(report["compiled"], false, "{spoof} compiled: {report:#}");
    let errors = report["compile_errors"].as_str().unwrap_or_default();
    assert!(
        errors.contains(&format!("expected `sequential_given::{course_type}`"))
            || errors.contains(&format!("found `sequential_given::{course_type}`")),
        "{spoof}: the errors should say that the suite takes the course's {course_type}:\n{errors}"
    );
    assert_eq!(report["score"], 0, "{spoof}: {report:#}");
}

#[test]
fn the_solution_passes_every_task() {
    let report = check(&["--solution"]);
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2, "{report:#}");
    assert!(tasks.iter().all(|t| t["done"] == true), "{report:#}");
    assert_eq!(report["score"], report["max_score"], "{report:#}");
}

#[test]
fn applying_writes_in_arrival_order_fails_sequential() {
    caught(
        "arrival_order",
        "sequential",
        "random::random_schedules_are_sequentially_consistent",
        0,
    );
}

#[test]
fn answering_a_write_before_it_is_applied_fails_sequential() {
    caught(
        "ack_before_apply",
        "sequential",
        "random::a_client_reads_its_own_write",
        0,
    );
}

#[test]
fn a_linearizable_run_fails_not_linearizable() {
    caught(
        "linearizable_history",
        "not_linearizable",
        "stale::the_run_is_sequential_but_not_linearizable",
        12,
    );
}

#[test]
fn a_run_that_is_not_even_sequential_fails_not_linearizable() {
    caught(
        "not_sequential_history",
        "not_linearizable",
        "stale::the_run_is_sequential_but_not_linearizable",
        12,
    );
}

#[test]
fn a_replica_without_a_sequencer_earns_nothing_even_with_a_stale_read() {
    // Its scenario does make a stale read, on every seed: only the rules of the first
    // task, checked again in the second, keep the run from counting.
    let report = fixture("no_sequencer");
    assert_eq!(report["compiled"], true, "{report:#}");
    assert!(
        passed(
            &report,
            "not_linearizable",
            "stale::the_run_is_sequential_but_not_linearizable"
        ),
        "{report:#}"
    );
    assert!(
        !passed(
            &report,
            "not_linearizable",
            "stale::the_run_comes_from_a_register_that_keeps_its_rules"
        ),
        "{report:#}"
    );
    assert!(
        !passed(
            &report,
            "sequential",
            "random::random_schedules_are_sequentially_consistent"
        ),
        "{report:#}"
    );
    assert_eq!(report["score"], 0, "{report:#}");
}

#[test]
fn the_audited_response_and_recordable_do_not_compile_against_the_suite() {
    rejected("audit", "Response");
}

#[test]
fn a_tampered_copy_of_the_player_does_not_compile_against_the_suite() {
    rejected("tampered_player", "Scenario");
}

#[test]
fn spoofed_impls_on_the_solution_still_earn_full_marks() {
    earns("spoofed_impls", 18);
}

#[test]
fn spoofed_impls_on_the_skeleton_earn_nothing() {
    earns("spoofs_on_skeleton", 0);
}
