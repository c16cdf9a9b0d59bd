//! The hidden suite of 04_read_your_writes catches the classic mistakes, blames the
//! right task, and cannot be fooled. Each fixture under
//! `tests/fixtures/wrong/04_read_your_writes/` is one of:
//!
//! - the reference solution with one mistake: on the default seed the real `checker`
//!   must leave exactly the tasks it breaks not done, fail the test built to catch it,
//!   and explain the failure by its evidence;
//! - a correct solution in another style (`correct_*`): full marks;
//! - a spoof, built on a near-skeleton or on the solution: it must earn exactly what
//!   the honest work under it earns.

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

/// The tests of `report` that failed, with their details.
fn failed_tests(report: &Value) -> Vec<(String, String)> {
    report["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks in the report: {report}"))
        .iter()
        .flat_map(|task| task["tests"].as_array().unwrap())
        .filter(|test| test["passed"] == false)
        .map(|test| {
            (
                test["name"].as_str().unwrap().to_owned(),
                test["details"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Asserts that the fixture `mistake`, on the default seed, leaves exactly the tasks
/// `lost` not done, that its test `caught_by` fails, and that the failure of that test
/// names the evidence (`evidence` is part of its message). Returns the report.
fn assert_loses(mistake: &str, lost: &[&str], caught_by: &str, evidence: &str) -> Value {
    let report = check_fixture(mistake);
    assert_eq!(
        report["compiled"], true,
        "{mistake} must compile: {report:#}"
    );
    let not_done: Vec<String> = tasks(&report)
        .into_iter()
        .filter(|(_, done)| !done)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        not_done, lost,
        "the mistake {mistake} must leave exactly these tasks not done"
    );
    let failed = failed_tests(&report);
    let details = failed
        .iter()
        .find(|(name, _)| name == caught_by)
        .map(|(_, details)| details)
        .unwrap_or_else(|| panic!("{caught_by} must catch {mistake}; failed: {failed:#?}"));
    assert!(
        details.contains(evidence),
        "{caught_by} must explain {mistake} by its evidence ({evidence:?}): {details}"
    );
    report
}

/// Asserts that every failure of the task `task` in `report` says that it also fails
/// when task `first` is wrong: a mistake that cannot help breaking both is blamed on the
/// task it belongs to.
fn assert_names_first(report: &Value, task: &str, first: &str) {
    for (name, details) in failed_tests(report) {
        if name.starts_with(&format!("{task}::")) {
            assert!(
                details.contains(&format!("task {first}")),
                "{name} must name task {first} as the one to check first: {details}"
            );
        }
    }
}

#[test]
fn the_solution_passes_every_task() {
    let tasks = tasks(&check(&["--solution"]));
    assert_eq!(tasks.len(), 4, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

#[test]
fn correct_solutions_in_other_styles_earn_full_marks() {
    for style in ["correct_single_floor", "correct_least_loaded"] {
        let report = check_fixture(style);
        assert_eq!(report["score"], report["max_score"], "{style}: {report:#}");
    }
}

#[test]
fn reads_from_any_replica_fail_ryw_and_the_deadline_names_ryw() {
    let report = assert_loses(
        "random_replica",
        &["ryw", "deadline"],
        "ryw::a_replica_one_write_behind_is_too_old",
        "below the session's floor: a read goes only to a node at the floor or beyond (ryw.3)",
    );
    // A read that never waits cannot pass a test of waiting; it is blamed on ryw.
    assert_names_first(&report, "deadline", "ryw");
}

#[test]
fn a_replica_one_write_behind_fails_ryw_only() {
    assert_loses(
        "floor_one_below",
        &["ryw"],
        "ryw::a_replica_one_write_behind_is_too_old",
        "(ryw.3)",
    );
}

#[test]
fn a_cluster_without_replicas_fails_ryw_only() {
    assert_loses(
        "no_replicas_panics",
        &["ryw"],
        "ryw::a_cluster_without_replicas_reads_the_leader",
        "the router panicked",
    );
}

#[test]
fn a_session_that_keeps_the_last_write_fails_ryw_only() {
    assert_loses(
        "wrote_keeps_last",
        &["ryw"],
        "ryw::session_keeps_the_latest_write",
        "wrote(5), wrote(3): session.floor() is 3",
    );
}

#[test]
fn reads_always_from_the_leader_fail_efficiency_and_the_deadline_names_efficiency() {
    let report = assert_loses(
        "always_leader",
        &["efficiency", "deadline"],
        "efficiency::a_replica_exactly_at_the_floor_serves",
        "yet 10 of the 10 reads were not served by a replica",
    );
    assert_names_first(&report, "deadline", "efficiency");
}

#[test]
fn a_strict_floor_fails_efficiency_and_the_deadline_names_efficiency() {
    let report = assert_loses(
        "strict_floor",
        &["efficiency", "deadline"],
        "efficiency::a_replica_exactly_at_the_floor_serves",
        "a replica at the floor is recent enough",
    );
    // A read that waits for a replica beyond the floor cannot pass the test of a replica
    // that reaches exactly the floor while it waits; it is blamed on efficiency.
    assert_names_first(&report, "deadline", "efficiency");
}

#[test]
fn the_leaders_version_as_floor_fails_efficiency_only() {
    assert_loses(
        "floor_is_leader_version",
        &["efficiency"],
        "efficiency::a_replica_exactly_at_the_floor_serves",
        "however far ahead the leader is (efficiency.2)",
    );
}

#[test]
fn always_the_freshest_replica_fails_efficiency_only() {
    assert_loses(
        "freshest_replica",
        &["efficiency"],
        "efficiency::reads_spread_over_every_caught_up_replica",
        "(efficiency.4)",
    );
}

#[test]
fn a_floor_that_forgets_reads_fails_monotonic_only() {
    assert_loses(
        "floor_from_writes_only",
        &["monotonic"],
        "monotonic::session_keeps_the_highest_read",
        "read(7): session.floor() is 0",
    );
}

#[test]
fn the_version_a_replica_had_when_chosen_fails_monotonic_only() {
    assert_loses(
        "floor_from_pick_time",
        &["monotonic"],
        "monotonic::the_floor_takes_the_version_the_node_answered_at",
        "applied more writes before it answered",
    );
}

#[test]
fn a_read_of_the_leader_that_does_not_raise_the_floor_fails_monotonic_only() {
    assert_loses(
        "leader_reads_not_noted",
        &["monotonic"],
        "monotonic::the_floor_takes_the_version_the_node_answered_at",
        "a read the leader served counts as much as one a replica served",
    );
}

#[test]
fn a_session_that_keeps_the_last_read_fails_monotonic_only() {
    assert_loses(
        "read_keeps_last",
        &["monotonic"],
        "monotonic::session_keeps_the_highest_read",
        "read(7), read(4): session.floor() is 4",
    );
}

#[test]
fn stale_data_at_the_deadline_fails_deadline_only() {
    assert_loses(
        "stale_at_deadline",
        &["deadline"],
        "deadline::at_the_deadline_the_leader_or_an_error",
        "(deadline.5)",
    );
}

#[test]
fn a_wait_that_ends_at_the_first_change_fails_deadline_only() {
    assert_loses(
        "first_change_only",
        &["deadline"],
        "deadline::a_read_waits_for_a_replica_to_catch_up",
        "not just until the next change",
    );
}

#[test]
fn a_wait_for_a_replica_beyond_the_floor_fails_deadline_only() {
    assert_loses(
        "wait_beyond_the_floor",
        &["deadline"],
        "deadline::a_read_waits_for_a_replica_to_catch_up",
        "The replicas reached exactly the floor 15 ms after the call",
    );
}

#[test]
fn a_wait_truncated_to_seconds_fails_deadline_only() {
    assert_loses(
        "wait_truncated_to_seconds",
        &["deadline"],
        "deadline::a_read_waits_for_a_replica_to_catch_up",
        "It gave up at once",
    );
}

#[test]
fn a_wait_restarted_by_each_change_fails_deadline_only() {
    assert_loses(
        "deadline_resets_on_progress",
        &["deadline"],
        "deadline::at_the_deadline_the_leader_or_an_error",
        "does not restart the wait",
    );
}

#[test]
fn the_best_replica_of_the_call_fails_deadline_only() {
    assert_loses(
        "best_at_call_time",
        &["deadline"],
        "deadline::at_the_deadline_the_leader_or_an_error",
        "that was the best when the read began",
    );
}

#[test]
fn an_error_after_a_read_fails_deadline_only() {
    assert_loses(
        "error_after_reading",
        &["deadline"],
        "deadline::at_the_deadline_the_leader_or_an_error",
        "a read that fails reads nothing (deadline.4)",
    );
}

#[test]
fn the_leader_at_once_with_a_leader_fallback_fails_deadline_only() {
    assert_loses(
        "leader_fallback_without_waiting",
        &["deadline"],
        "deadline::a_read_waits_for_a_replica_to_catch_up",
        "It went to the leader at once",
    );
}

#[test]
fn sleeping_through_the_wait_fails_deadline_only() {
    assert_loses(
        "sleeps_the_whole_wait",
        &["deadline"],
        "deadline::a_read_waits_for_a_replica_to_catch_up",
        "as soon as a replica reaches the floor",
    );
}

/// A randomized test that fails shrinks its run and names the seed it failed on, which
/// the replay line starts from; a replay from another seed starts there.
#[test]
fn a_randomized_failure_is_shrunk_and_replays_from_its_seed() {
    for args in [&[][..], &["--seed", "500"][..]] {
        let fixture = workspace()
            .join("checker/tests/fixtures/wrong/04_read_your_writes/floor_from_pick_time");
        let mut all = vec![
            "--path",
            fixture.to_str().unwrap(),
            "--test",
            "monotonic::reads_never_go_back",
        ];
        all.extend_from_slice(args);
        let report = check(&all);
        let report = report.get(0).cloned().unwrap_or(report);
        let test = report["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|task| task["tests"].as_array().unwrap())
            .find(|test| test["passed"] == false)
            .unwrap_or_else(|| panic!("the randomized test must fail: {report:#}"));
        let seed = test["replay_seed"].as_u64().expect("a replay seed");
        let first = if args.is_empty() { 1 } else { 500 };
        assert!(
            seed >= first,
            "{args:?}: replays from {seed}, before the run's first seed"
        );
        let details = test["details"].as_str().unwrap();
        assert!(details.contains(&format!("(Seed {seed}.")), "{details}");
        assert!(details.contains("smallest run of this seed"), "{details}");
    }
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

/// The tests that call only `Session`, never the router: a spoof built on the
/// near-skeleton fails them for its honest (near-skeleton) session.
const SESSION_ONLY: [&str; 2] = [
    "ryw::session_keeps_the_latest_write",
    "monotonic::session_keeps_the_highest_read",
];

/// Asserts that every test of the report that reaches the router and failed did so
/// because an answer of the router was not what the course's cluster did.
fn assert_caught_by_the_journal(spoof: &str, report: &Value) {
    let failed = failed_tests(report);
    assert!(!failed.is_empty(), "{spoof} failed no test: {report:#}");
    for (name, details) in failed {
        if SESSION_ONLY.contains(&name.as_str()) {
            continue;
        }
        assert!(
            details.contains("must be what the course's cluster did during the call"),
            "{spoof}: {name} failed for another reason than its forged answers: {details}"
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
