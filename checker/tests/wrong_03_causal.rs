//! The hidden suite of 03_causal catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/03_causal/` is the reference solution with one mistake, and the
//! real `checker` must mark the task that mistake breaks as not done.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 03_causal` with `args` and returns its JSON report.
fn check(args: &[&str]) -> Value {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&ws)
        .args(["check", "03_causal", "--format", "json", "--timeout", "20"])
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

fn assert_breaks(mistake: &str, task: &str) {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/03_causal")
        .join(mistake);
    let report = check(&["--path", fixture.to_str().unwrap()]);
    let tasks = tasks(&report);
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
fn a_derived_ord_as_happened_before_fails_clocks() {
    assert_breaks("derived_ord", "clocks");
}

#[test]
fn strictly_smaller_entries_for_before_fail_clocks() {
    assert_breaks("lt_in_compare", "clocks");
}

#[test]
fn incrementing_on_receive_fails_delivery() {
    assert_breaks("increment_on_receive", "delivery");
}

#[test]
fn a_dependency_met_exactly_taken_as_unmet_fails_delivery() {
    assert_breaks("lt_in_delivery", "delivery");
}

#[test]
fn comparing_the_senders_entry_like_the_others_fails_delivery() {
    assert_breaks("sender_like_others", "delivery");
}

#[test]
fn no_cascade_fails_delivery() {
    assert_breaks("no_cascade", "delivery");
}

#[test]
fn redelivering_a_duplicate_fails_delivery() {
    assert_breaks("redeliver_duplicate", "delivery");
}

#[test]
fn applying_writes_on_arrival_fails_store() {
    assert_breaks("no_holdback", "store");
}

#[test]
fn the_last_arrival_winning_fails_store() {
    assert_breaks("last_arrival_wins", "store");
}

#[test]
fn comparing_only_the_nodes_one_clock_names_fails_clocks() {
    assert_breaks("only_own_entries", "clocks");
}

#[test]
fn a_debug_display_fails_clocks() {
    assert_breaks("display_debug", "clocks");
}

#[test]
fn stamping_before_counting_the_send_fails_delivery() {
    assert_breaks("stamp_before_count", "delivery");
}
