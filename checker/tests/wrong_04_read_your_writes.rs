//! The hidden suite of 04_read_your_writes catches the classic mistakes, and cannot be
//! fooled. Each fixture under `tests/fixtures/wrong/04_read_your_writes/` is either the
//! reference solution with one mistake, and the real `checker` must mark the task that
//! mistake breaks as not done; or a spoof, built on a near-skeleton or on the solution,
//! and it must earn exactly what the honest work under it earns.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 04_read_your_writes` with `args` and returns its JSON report.
fn check(args: &[&str]) -> Value {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&ws)
        .args([
            "check",
            "04_read_your_writes",
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

/// The report of `checker check` on the fixture `name`, for its one exercise.
fn check_fixture(name: &str) -> Value {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/04_read_your_writes")
        .join(name);
    let report = check(&["--path", fixture.to_str().unwrap()]);
    report.get(0).cloned().unwrap_or(report)
}

fn assert_breaks(mistake: &str, task: &str) {
    let report = check_fixture(mistake);
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
    assert_eq!(tasks.len(), 4, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

#[test]
fn reads_from_any_replica_fail_ryw() {
    assert_breaks("random_replica", "ryw");
}

#[test]
fn reads_always_from_the_leader_fail_efficiency() {
    assert_breaks("always_leader", "efficiency");
}

#[test]
fn a_floor_that_forgets_reads_fails_monotonic() {
    assert_breaks("floor_from_writes_only", "monotonic");
}

#[test]
fn stale_data_at_the_deadline_fails_deadline() {
    assert_breaks("stale_at_deadline", "deadline");
}

/// What the near-skeleton earns: a router that sends each read to the next node in turn,
/// the leader among them, whatever its version, and a session that forgets reads. The
/// spoofs built on it must earn exactly this.
fn near_skeleton_score() -> u64 {
    static SCORE: OnceLock<u64> = OnceLock::new();
    *SCORE.get_or_init(|| {
        let report = check_fixture("near_skeleton");
        assert_eq!(report["compiled"], true, "{report:#}");
        report["score"].as_u64().unwrap()
    })
}

/// Asserts that the fixture `spoof` earns `points`, and returns its report.
fn assert_earns(spoof: &str, points: u64) -> Value {
    let report = check_fixture(spoof);
    assert_eq!(
        report["score"].as_u64(),
        Some(points),
        "{spoof} must earn {points} points: {report:#}"
    );
    report
}

/// Asserts that every test of the report that failed did so because an answer of the
/// router was not what the course's cluster did.
fn assert_caught_by_the_journal(spoof: &str, report: &Value) {
    let failed: Vec<&Value> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|task| task["tests"].as_array().unwrap())
        .filter(|test| test["passed"] == false)
        .collect();
    assert!(!failed.is_empty(), "{spoof} failed no test: {report:#}");
    for test in failed {
        let details = test["details"].as_str().unwrap_or_default();
        assert!(
            details.contains("must be what the course's cluster did during the call"),
            "{spoof}: {} failed for another reason than its forged answers: {details}",
            test["name"]
        );
    }
}

#[test]
fn a_near_skeleton_earns_nothing() {
    assert_eq!(near_skeleton_score(), 0);
}

#[test]
fn the_audits_edited_cluster_in_place_of_the_courses_does_not_compile() {
    let report = assert_earns("tampered_cluster", near_skeleton_score());
    assert_eq!(report["compiled"], false, "{report:#}");
    let errors = report["compile_errors"].as_str().unwrap();
    assert!(
        errors.contains(
            "expected `read_your_writes::Cluster`, found `read_your_writes_given::Cluster`"
        ),
        "{errors}"
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains(
            "your copy of src/cluster.rs is not used; the course's is (given/04_read_your_writes/)"
        ),
        "{report:#}"
    );
}

#[test]
fn a_router_on_a_cluster_of_its_own_earns_what_the_near_skeleton_earns() {
    let report = assert_earns("private_cluster", near_skeleton_score());
    assert_caught_by_the_journal("private_cluster", &report);
}

#[test]
fn answers_made_up_by_the_router_earn_what_the_near_skeleton_earns() {
    let report = assert_earns("forged_answers", near_skeleton_score());
    assert_caught_by_the_journal("forged_answers", &report);
}

#[test]
fn lying_trait_impls_earn_what_the_near_skeleton_earns() {
    let report = assert_earns("always_equal", near_skeleton_score());
    assert_eq!(report["compiled"], true, "{report:#}");
}

#[test]
fn answer_types_of_the_students_own_do_not_compile_against_the_suite() {
    let report = assert_earns("own_read_types", near_skeleton_score());
    assert_eq!(report["compiled"], false, "{report:#}");
    let errors = report["compile_errors"].as_str().unwrap();
    assert!(
        errors.contains("expected `read_your_writes_given::Read`, found `read_your_writes::Read`"),
        "{errors}"
    );
}

#[test]
fn lying_trait_impls_cost_the_solution_nothing() {
    let report = check_fixture("solution_always_equal");
    assert_eq!(report["score"], report["max_score"], "{report:#}");
}

#[test]
fn the_edited_cluster_exported_beside_the_solution_costs_nothing() {
    let report = check_fixture("solution_exports_tampered_cluster");
    assert_eq!(report["score"], report["max_score"], "{report:#}");
}
