//! The hidden suite of 02_cap catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/02_cap/` is the reference solution with one mistake, and the
//! real `checker` must mark the task that mistake breaks as not done.
//!
//! It also earns nothing from a spoof: fixtures that answer in look-alikes of the
//! course's types (with comparisons that always hold, or a `Recordable` that records
//! nothing worth checking) do not compile against it, and those that tamper with a
//! copy of the course's workload, write the trade-off's numbers by hand, or give their
//! own types comparisons that always hold earn exactly what their honest work is worth:
//! nothing on top of the skeleton, the solution's score on top of the solution.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 02_cap` with `args` and returns its JSON report.
fn check(args: &[&str]) -> Value {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&ws)
        .args(["check", "02_cap", "--format", "json", "--timeout", "20"])
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

/// The report of the fixture `name`.
fn check_fixture(name: &str) -> Value {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/02_cap")
        .join(name);
    let report = check(&["--path", fixture.to_str().unwrap()]);
    // The report is a list with one entry per exercise checked.
    report.get(0).unwrap_or(&report).clone()
}

/// Every task id in `report` and whether it is done.
fn tasks(report: &Value) -> Vec<(String, bool)> {
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

fn assert_breaks(mistake: &str, task: &str) {
    let report = check_fixture(mistake);
    assert_eq!(
        report["compiled"], true,
        "{mistake} must compile: {report:#}"
    );
    let tasks = tasks(&report);
    let done = tasks.iter().find(|(id, _)| id == task).map(|(_, d)| *d);
    assert_eq!(
        done,
        Some(false),
        "the mistake {mistake} must leave task {task} not done: {tasks:?}"
    );
}

/// The fixture `spoof` compiles and earns exactly the tasks `done`, worth `score`.
fn assert_earns(spoof: &str, done: &[&str], score: u64) {
    let report = check_fixture(spoof);
    assert_eq!(report["compiled"], true, "{spoof} must compile: {report:#}");
    let earned: Vec<String> = tasks(&report)
        .into_iter()
        .filter(|(_, d)| *d)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(earned, done, "the tasks {spoof} earns: {report:#}");
    assert_eq!(report["score"], score, "{spoof}: {report:#}");
}

/// The fixture `spoof`, a crate that compiles on its own, does not compile against the
/// suite, because its `own` type is not the course's `given` one; it earns nothing.
fn assert_rejected(spoof: &str, own: &str, given: &str) {
    let report = check_fixture(spoof);
    assert_eq!(
        report["compiled"], false,
        "{spoof} must not compile against the suite: {report:#}"
    );
    let errors = report["compile_errors"].as_str().unwrap_or_default();
    assert!(
        errors.contains("mismatched types")
            && errors.contains(&format!("`{own}`"))
            && errors.contains(&format!("`{given}`")),
        "{spoof} must be rejected for answering in {own}, not {given}:\n{errors}"
    );
    // Every error is the suite's: the crate itself builds, and only the course's types
    // in the suite turn it away.
    let mut lines = errors.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("error") {
            let place = lines.find(|l| l.contains("-->")).unwrap_or_default();
            assert!(
                place.contains("checker/suites/02_cap/"),
                "{spoof}: an error outside the suite, at {place}:\n{errors}"
            );
        }
    }
    assert_eq!(report["score"], 0, "{spoof}: {report:#}");
}

#[test]
fn the_solution_passes_every_task() {
    let tasks = tasks(&check(&["--solution"]));
    assert_eq!(tasks.len(), 4, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

#[test]
fn a_minority_that_serves_reads_fails_cp() {
    assert_breaks("minority_serves_reads", "cp");
}

#[test]
fn a_majority_of_half_the_nodes_fails_cp() {
    assert_breaks("majority_half", "cp");
}

#[test]
fn a_write_applied_before_its_refusal_fails_cp() {
    assert_breaks("apply_before_refuse", "cp");
}

#[test]
fn ties_broken_by_arrival_order_fail_ap() {
    assert_breaks("ties_by_arrival", "ap");
}

#[test]
fn replicas_that_never_exchange_state_fail_convergence() {
    assert_breaks("no_anti_entropy", "convergence");
}

#[test]
fn timeouts_counted_as_refusals_fail_tradeoff() {
    assert_breaks("timeouts_counted_as_refused", "tradeoff");
}

#[test]
fn a_response_whose_comparison_always_holds_does_not_compile() {
    assert_rejected(
        "response_always_equal",
        "cap::Response",
        "cap_given::Response",
    );
}

#[test]
fn a_request_recorded_as_reads_of_nothing_does_not_compile() {
    assert_rejected("recordable_reads_nil", "cap::Request", "cap_given::Request");
}

#[test]
fn a_tally_whose_comparison_always_holds_does_not_compile() {
    assert_rejected("tally_always_equal", "cap::Tally", "cap_given::Tally");
}

#[test]
fn a_tampered_copy_of_the_workload_earns_nothing() {
    // Its late refusals cost cp; its own workload hides them from its own tradeoff,
    // but the suite counts the course's.
    assert_earns("workload_tampered", &["ap", "convergence"], 14);
    assert_earns("workload_tampered_on_skeleton", &[], 0);
}

#[test]
fn numbers_written_by_hand_earn_nothing() {
    assert_earns("tradeoff_by_hand", &["cp", "ap", "convergence"], 24);
    assert_earns("tradeoff_by_hand_on_skeleton", &[], 0);
}

#[test]
fn comparisons_that_always_hold_on_the_crates_own_types_change_nothing() {
    assert_earns(
        "own_types_always_equal",
        &["cp", "ap", "convergence", "tradeoff"],
        28,
    );
    assert_earns("own_types_always_equal_on_skeleton", &[], 0);
}
