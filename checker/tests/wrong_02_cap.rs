//! The hidden suite of 02_cap catches the classic mistakes, each on the task it breaks
//! and only there: each fixture under `tests/fixtures/wrong/02_cap/` is the reference
//! solution (or another correct solution) with one mistake, and the real `checker` must
//! leave exactly the tasks that mistake breaks not done, with the test written to catch
//! it among the failures, on the default seed. Two correct solutions in other styles
//! earn every task.
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

/// The points of each task, as the catalog gives them.
const POINTS: [(&str, u64); 4] = [("cp", 10), ("ap", 8), ("convergence", 6), ("tradeoff", 4)];

/// The fixture `mistake` compiles, leaves exactly the tasks `lost` not done (and earns
/// the points of the others), and each of `tests`, tests of the lost tasks, fails.
fn caught(mistake: &str, lost: &[&str], tests: &[&str]) {
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
    assert_eq!(not_done, lost, "the tasks {mistake} loses: {report:#}");
    let score: u64 = POINTS
        .iter()
        .filter(|(id, _)| !lost.contains(id))
        .map(|(_, points)| points)
        .sum();
    assert_eq!(report["score"], score, "{mistake}: {report:#}");
    for test in tests {
        let failed = report["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["tests"].as_array().unwrap())
            .any(|t| t["name"] == *test && t["passed"] == false);
        assert!(failed, "{test} must catch {mistake}: {report:#}");
    }
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
fn a_solution_with_digests_and_reads_that_skip_a_needless_write_back_passes() {
    assert_earns(
        "correct_digests",
        &["cp", "ap", "convergence", "tradeoff"],
        28,
    );
}

#[test]
fn a_solution_with_deadline_timers_and_a_sorted_store_passes() {
    assert_earns(
        "correct_timers",
        &["cp", "ap", "convergence", "tradeoff"],
        28,
    );
}

const MINORITY: &str = "cp::minority_refuses_promptly_and_leaves_no_trace";

#[test]
fn a_minority_that_serves_reads_fails_cp() {
    caught("minority_serves_reads", &["cp"], &[MINORITY]);
}

#[test]
fn a_majority_of_half_the_nodes_fails_cp_only() {
    // It never refuses in the trade-off's workload either; that costs nothing there.
    caught(
        "majority_half",
        &["cp"],
        &[
            MINORITY,
            "cp_history::histories_are_linearizable_under_partitions",
            "cp_network::small_worlds_are_linearizable_in_every_schedule",
        ],
    );
}

#[test]
fn a_majority_of_half_rounded_up_fails_cp_on_even_sizes() {
    caught("majority_rounded_up", &["cp"], &[MINORITY]);
}

#[test]
fn a_write_applied_before_its_refusal_fails_cp() {
    caught("apply_before_refuse", &["cp"], &[MINORITY]);
}

#[test]
fn cp_reads_marked_stale_fail_cp() {
    caught("cp_reads_marked_stale", &["cp"], &[MINORITY]);
}

#[test]
fn a_reach_timeout_misread_as_nanoseconds_fails_cp() {
    caught(
        "reach_timeout_in_nanos",
        &["cp"],
        &["cp::a_slow_majority_is_waited_for_and_a_slower_one_refused"],
    );
}

#[test]
fn one_refusal_per_round_fails_cp() {
    caught(
        "one_refusal_per_round",
        &["cp"],
        &["cp::many_requests_at_one_node_each_get_their_answer"],
    );
}

#[test]
fn versions_unique_for_two_writes_only_fail_cp() {
    caught(
        "versions_unique_for_two",
        &["cp"],
        &["cp::many_requests_at_one_node_each_get_their_answer"],
    );
}

#[test]
fn answers_counted_per_message_fail_cp() {
    caught(
        "answers_counted_per_message",
        &["cp"],
        &["cp_network::duplicated_answers_count_once"],
    );
}

#[test]
fn a_read_without_write_back_fails_cp() {
    caught(
        "read_without_write_back",
        &["cp"],
        &["cp_history::a_read_writes_back_what_it_returns"],
    );
}

#[test]
fn a_stamp_from_the_local_copy_fails_cp() {
    caught(
        "stamp_from_local_copy",
        &["cp"],
        &[
            "cp_history::a_coordinator_that_missed_writes_stamps_above_them",
            "cp_network::small_worlds_are_linearizable_in_every_schedule",
        ],
    );
}

#[test]
fn a_write_back_that_forgets_its_coordinator_fails_cp() {
    caught(
        "write_back_forgets_its_coordinator",
        &["cp"],
        &["cp_history::a_coordinator_that_missed_writes_stamps_above_them"],
    );
}

#[test]
fn stores_sent_only_once_fail_cp() {
    caught(
        "stores_sent_once",
        &["cp"],
        &["cp_network::lost_messages_are_sent_again"],
    );
}

#[test]
fn a_replica_without_a_round_of_its_own_fails_both_modes_rounds() {
    // The mistake is in `on_start`, shared by both modes: CP never checks its deadlines
    // and AP never runs anti-entropy.
    caught(
        "no_own_tick",
        &["cp", "convergence"],
        &[
            "cp_network::refusals_come_on_the_replicas_own_round",
            "convergence::rounds_are_the_replicas_own",
        ],
    );
}

const TIES: &str = "ap::ties_break_by_node_id_not_arrival";
const STALENESS: &str = "ap_stale::every_node_answers_and_owns_up_to_staleness";

#[test]
fn ties_broken_by_arrival_order_fail_ap_only() {
    caught("ties_by_arrival", &["ap"], &[TIES]);
}

#[test]
fn node_ids_compared_as_text_fail_ap() {
    caught("ties_by_name", &["ap"], &[TIES]);
}

#[test]
fn stamps_in_milliseconds_fail_ap() {
    caught(
        "stamp_in_millis",
        &["ap"],
        &["ap::later_writes_win_whatever_arrives_last"],
    );
}

#[test]
fn stale_only_when_no_peer_is_heard_fails_ap() {
    caught("stale_only_when_alone", &["ap"], &[STALENESS]);
}

#[test]
fn stale_reads_before_the_first_round_fail_ap() {
    caught("stale_before_first_round", &["ap"], &[STALENESS]);
}

#[test]
fn stale_from_exactly_stale_after_on_fails_ap() {
    caught(
        "stale_at_stale_after",
        &["ap"],
        &["ap_stale::staleness_starts_past_stale_after"],
    );
}

const CONVERGE: &str = "convergence::replicas_converge_after_the_heal";

#[test]
fn replicas_that_exchange_state_only_on_writes_fail_convergence_only() {
    caught("no_anti_entropy", &["convergence"], &[CONVERGE]);
}

#[test]
fn gossip_only_to_peers_heard_lately_fails_convergence() {
    caught("gossip_only_to_live_peers", &["convergence"], &[CONVERGE]);
}

#[test]
fn timeouts_counted_as_refusals_fail_tradeoff() {
    caught(
        "timeouts_counted_as_refused",
        &["tradeoff"],
        &["tradeoff::tally_counts_every_outcome"],
    );
}

#[test]
fn stale_reads_counted_only_with_a_value_fail_tradeoff() {
    caught(
        "stale_reads_need_a_value",
        &["tradeoff"],
        &["tradeoff::tally_counts_every_outcome"],
    );
}

#[test]
fn the_two_modes_on_different_seeds_fail_tradeoff() {
    caught(
        "modes_on_different_seeds",
        &["tradeoff"],
        &["tradeoff::numbers_match_the_runs"],
    );
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
