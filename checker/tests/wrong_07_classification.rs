//! The hidden suite of 07_classification catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/07_classification/` is the reference solution with one mistake, and the
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

/// Runs `checker check 07_classification` with `args` and returns its JSON report.
fn check(args: &[&str]) -> Value {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&ws)
        .args([
            "check",
            "07_classification",
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
        .join("checker/tests/fixtures/wrong/07_classification")
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
fn latency_that_overrides_exact_data_fails_choose() {
    assert_breaks("latency_over_exactness", "choose");
}

#[test]
fn own_writes_ignored_when_order_does_not_matter_fails_choose() {
    assert_breaks("own_writes_ignored", "choose");
}

#[test]
fn quorums_that_only_touch_fail_pacelc() {
    assert_breaks("quorum_off_by_one", "pacelc");
}

#[test]
fn reads_at_the_primary_ignored_fail_pacelc() {
    assert_breaks("primary_ignored", "pacelc");
}

#[test]
fn linearizability_without_real_time_fails_histories() {
    assert_breaks("linearizable_without_real_time", "histories");
}

#[test]
fn happens_before_without_transitivity_fails_histories() {
    assert_breaks("causal_without_transitivity", "histories");
}
