//! The hidden suite of 05_eventual catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/05_eventual/` is the reference solution with one mistake, and the
//! real `checker` must mark the task that mistake breaks as not done.
//!
//! It also cannot be fooled: the spoof fixtures add what a submission could write to make
//! a suite believe it (equality that holds for anything, a `Clone` that marks its copies,
//! its own copy of a given file), and each must earn exactly what the work under the
//! spoof is worth: nothing on the skeleton, everything on the solution, and on a wrong
//! implementation what that implementation earns without the spoof.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 05_eventual` with `args` and returns its JSON report.
fn check(args: &[&str]) -> Value {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&ws)
        .args([
            "check",
            "05_eventual",
            "--format",
            "json",
            "--timeout",
            "20",
        ])
        .args(args)
        .env("CARGO_TARGET_DIR", ws.join("target"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker starts");
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every task id in `report` and whether it is done.
fn tasks(report: &Value) -> Vec<(String, bool)> {
    // The report is a list with one entry per exercise checked.
    let exercise = report.get(0).unwrap_or(report);
    exercise["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks in the report: {report}"))
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                t["done"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The report of `checker check` on the fixture `name`.
fn check_fixture(name: &str) -> Value {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/05_eventual")
        .join(name);
    check(&["--path", fixture.to_str().unwrap()])
}

/// Every task id of the fixture `name` and whether it is done.
fn earned(name: &str) -> Vec<(String, bool)> {
    tasks(&check_fixture(name))
}

/// Asserts that the fixture `name` has exactly the tasks of `expected` done.
fn assert_earns(name: &str, expected: [(&str, bool); 3]) {
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|(id, done)| ((*id).to_owned(), *done))
        .collect();
    assert_eq!(earned(name), expected, "the tasks {name} has done");
}

fn assert_breaks(mistake: &str, task: &str) {
    let tasks = earned(mistake);
    let done = tasks.iter().find(|(id, _)| id == task).map(|(_, d)| *d);
    assert_eq!(
        done,
        Some(false),
        "the mistake {mistake} must leave task {task} not done: {tasks:?}"
    );
}

#[test]
fn the_solution_passes_every_task() {
    let tasks = tasks(&check(&["--solution"]));
    assert_eq!(tasks.len(), 3, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

#[test]
fn a_merge_that_adds_counts_fails_gcounter() {
    assert_breaks("merge_adds", "gcounter");
}

#[test]
fn one_shared_counter_entry_fails_gcounter() {
    assert_breaks("shared_counter", "gcounter");
}

#[test]
fn ties_broken_by_arrival_order_fail_lww_map() {
    assert_breaks("ties_by_arrival", "lww_map");
}

#[test]
fn deltas_sent_once_without_retransmission_fail_gossip() {
    assert_breaks("deltas_once", "gossip");
}

#[test]
fn stamps_taken_from_the_clock_alone_fail_gossip() {
    assert_breaks("stamps_from_clock", "gossip");
}

#[test]
fn spoofs_on_the_skeleton_earn_nothing() {
    assert_earns(
        "spoofs_on_skeleton",
        [("gcounter", false), ("lww_map", false), ("gossip", false)],
    );
}

#[test]
fn spoofs_on_the_solution_still_pass_every_task() {
    assert_earns(
        "spoofs_on_solution",
        [("gcounter", true), ("lww_map", true), ("gossip", true)],
    );
}

#[test]
fn equality_that_holds_for_anything_earns_what_the_merge_that_adds_earns() {
    let honest = earned("merge_adds");
    assert_eq!(
        earned("always_equal_merge_adds"),
        honest,
        "an always-true PartialEq must change nothing"
    );
    assert!(
        honest.contains(&("gcounter".to_owned(), false)),
        "{honest:?}"
    );
}

#[test]
fn a_clone_that_marks_copies_does_not_hide_merges_that_add_or_overwrite() {
    // Its replicas only ever merge states that went through its own Clone, so gossip
    // converges for real; the data types' merges are wrong, and the suite, which never
    // clones them, sees it.
    assert_earns(
        "copies_merge_right",
        [("gcounter", false), ("lww_map", false), ("gossip", true)],
    );
}

#[test]
fn a_longer_bound_of_its_own_does_not_hide_lazy_gossip() {
    assert_earns(
        "lazy_gossip_longer_bound",
        [("gcounter", true), ("lww_map", true), ("gossip", false)],
    );
}

#[test]
fn an_own_copy_of_the_protocol_does_not_compile_against_the_suite() {
    let report = check_fixture("own_protocol");
    let exercise = report.get(0).unwrap_or(&report);
    assert_eq!(exercise["compiled"], Value::Bool(false), "{report}");
    let errors = exercise["compile_errors"].as_str().unwrap_or_default();
    assert!(
        errors.contains("eventual_given::Request"),
        "the errors name the course's type: {errors}"
    );
    assert!(tasks(&report).iter().all(|(_, done)| !done), "{report}");
}
