//! The hidden suite of 06_sequential against wrong, spoofed and unusual implementations:
//! each fixture under `tests/fixtures/wrong/06_sequential/` is the reference solution (or
//! the skeleton) with one mistake or one spoof, or a correct register written another
//! way, and the real `checker` must give it exactly what its honest work is worth. The
//! task a mistake breaks is not done, failed by the test written to catch it, and every
//! other task is done; a spoof adds nothing; a copy of what the course gives does not
//! even compile against the suite; a correct register in another style earns full marks.

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

/// The tasks of 06_sequential and their points.
const TASKS: [(&str, u64); 2] = [("sequential", 12), ("not_linearizable", 6)];

/// The ids of the tasks not done, in `report`.
fn not_done(report: &Value) -> Vec<String> {
    report["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks: {report:#}"))
        .iter()
        .filter(|t| t["done"] != true)
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that `mistake` compiles, that exactly the tasks `broken` are not done (so
/// it earns the points of the others), and that test `test` of the first of them fails.
fn caught(mistake: &str, broken: &[&str], test: &str) {
    let report = fixture(mistake);
    assert_eq!(
        report["compiled"], true,
        "{mistake} must compile: {report:#}"
    );
    assert_eq!(
        not_done(&report),
        broken,
        "{mistake}: the tasks not done: {report:#}"
    );
    assert!(
        !passed(&report, broken[0], test),
        "{mistake}: test {test} of task {} should fail: {report:#}",
        broken[0]
    );
    let score: u64 = TASKS
        .iter()
        .filter(|(task, _)| !broken.contains(task))
        .map(|(_, points)| points)
        .sum();
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

/// The tasks a mistake in the replica breaks: the first alone.
const REPLICA: &[&str] = &["sequential"];
/// The tasks a mistake in the scenario breaks: the second alone.
const SCENARIO: &[&str] = &["not_linearizable"];

#[test]
fn correct_registers_in_other_styles_earn_full_marks() {
    for style in ["correct_log", "correct_relay"] {
        let report = fixture(style);
        assert_eq!(report["compiled"], true, "{style}: {report:#}");
        assert!(not_done(&report).is_empty(), "{style}: {report:#}");
        assert_eq!(report["score"], report["max_score"], "{style}: {report:#}");
    }
}

#[test]
fn applying_writes_in_arrival_order_fails_sequential() {
    caught(
        "arrival_order",
        REPLICA,
        "scripted::an_early_write_waits_for_its_turn",
    );
}

#[test]
fn answering_a_write_before_it_is_applied_fails_sequential() {
    caught(
        "ack_before_apply",
        REPLICA,
        "scripted::clients_sharing_a_replica_each_get_their_own_answer",
    );
}

#[test]
fn numbering_a_copy_of_a_submit_again_fails_sequential() {
    caught(
        "resubmit_numbered_twice",
        REPLICA,
        "scripted::a_copy_of_a_submit_is_numbered_once",
    );
}

#[test]
fn knowing_writes_by_their_value_fails_sequential() {
    caught(
        "dedup_by_value",
        REPLICA,
        "scripted::two_writes_of_one_value_are_two_writes",
    );
}

#[test]
fn a_text_key_that_two_digit_ids_collide_in_fails_sequential() {
    caught("string_key", REPLICA, "scripted::clusters_of_every_size");
}

#[test]
fn applying_a_late_copy_again_fails_sequential() {
    caught(
        "duplicate_apply_reapplied",
        REPLICA,
        "explored::every_order_of_copies",
    );
}

#[test]
fn room_for_one_waiting_client_fails_sequential() {
    caught(
        "one_pending_write",
        REPLICA,
        "scripted::clients_sharing_a_replica_each_get_their_own_answer",
    );
}

#[test]
fn answering_without_looking_at_the_origin_fails_sequential() {
    caught(
        "no_origin_check",
        REPLICA,
        "scripted::clients_sharing_a_replica_each_get_their_own_answer",
    );
}

#[test]
fn room_for_one_early_write_fails_sequential() {
    caught(
        "one_slot_holdback",
        REPLICA,
        "explored::every_order_of_writes_at_one_instant",
    );
}

#[test]
fn applying_one_held_write_per_arrival_fails_sequential() {
    caught(
        "one_step_drain",
        REPLICA,
        "explored::every_order_of_writes_at_one_instant",
    );
}

#[test]
fn applying_writes_on_the_tick_fails_sequential() {
    caught(
        "applies_on_tick",
        REPLICA,
        "scripted::writes_return_whatever_the_tick",
    );
}

#[test]
fn reads_that_wait_for_held_writes_fail_sequential() {
    caught(
        "read_waits_for_holdback",
        REPLICA,
        "scripted::a_read_is_answered_at_once_from_the_local_copy",
    );
}

#[test]
fn a_register_that_starts_at_zero_fails_sequential() {
    caught("zero_not_nil", REPLICA, "scripted::a_new_replica_is_empty");
}

#[test]
fn counting_held_writes_as_applied_fails_sequential() {
    caught(
        "applied_counts_arrivals",
        REPLICA,
        "scripted::an_early_write_waits_for_its_turn",
    );
}

#[test]
fn a_linearizable_run_fails_not_linearizable() {
    caught(
        "linearizable_history",
        SCENARIO,
        "stale::the_run_is_sequential_but_not_linearizable",
    );
}

#[test]
fn a_run_that_is_not_even_sequential_fails_not_linearizable() {
    caught(
        "not_sequential_history",
        SCENARIO,
        "stale::the_run_is_sequential_but_not_linearizable",
    );
}

#[test]
fn a_guessed_wait_fails_not_linearizable_on_the_slowest_network() {
    caught(
        "guessed_wait",
        SCENARIO,
        "stale::the_run_makes_its_point_at_every_speed",
    );
}

#[test]
fn a_block_the_wrong_way_round_fails_not_linearizable() {
    caught(
        "block_wrong_way",
        SCENARIO,
        "stale::the_run_is_sequential_but_not_linearizable",
    );
}

#[test]
fn a_replica_without_a_sequencer_loses_only_its_own_task() {
    // Its scenario (both links into n2 cut) makes a stale read on any register that
    // keeps the rules, so it earns the second task; the replica earns nothing.
    let report = fixture("no_sequencer");
    assert_eq!(report["compiled"], true, "{report:#}");
    assert_eq!(not_done(&report), REPLICA, "{report:#}");
    assert!(
        !passed(
            &report,
            "sequential",
            "random::random_schedules_are_sequentially_consistent"
        ),
        "{report:#}"
    );
    assert_eq!(report["score"], 6, "{report:#}");
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
