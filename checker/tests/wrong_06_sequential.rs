//! The hidden suite of 06_sequential catches the classic mistakes: each fixture
//! under `tests/fixtures/wrong/06_sequential/` is the reference solution with one
//! mistake, and the real `checker` must mark the task that mistake breaks as not done.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 06_sequential` with `args` and returns its JSON report.
fn check(args: &[&str]) -> Value {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&ws)
        .args([
            "check",
            "06_sequential",
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
        .join("checker/tests/fixtures/wrong/06_sequential")
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
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

#[test]
fn applying_writes_in_arrival_order_fails_sequential() {
    assert_breaks("arrival_order", "sequential");
}

#[test]
fn answering_a_write_before_it_is_applied_fails_sequential() {
    assert_breaks("ack_before_apply", "sequential");
}

#[test]
fn a_linearizable_history_fails_not_linearizable() {
    assert_breaks("linearizable_history", "not_linearizable");
}

#[test]
fn a_history_that_is_not_even_sequential_fails_not_linearizable() {
    assert_breaks("not_sequential_history", "not_linearizable");
}
