//! The hidden suite of 05_eventual catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/05_eventual/` is the reference solution with one mistake, and the
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

fn assert_breaks(mistake: &str, task: &str) {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/05_eventual")
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
