//! The hidden suite of 05_eventual catches the classic mistakes, on the default run, and
//! blames the right task: each fixture under `tests/fixtures/wrong/05_eventual/` is the
//! reference solution with one mistake, and the real `checker` must mark exactly the task
//! that mistake breaks as not done, with the test aimed at it among the failures.
//!
//! Two correct implementations in styles unlike the reference earn every task. The spoof
//! fixtures add what a submission could write to make a suite believe it (equality that
//! holds for anything, a `Clone` that marks its copies, its own copy of a given file), and
//! each must earn exactly what the work under the spoof is worth.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 05_eventual` with `args` and returns its JSON report for the one
/// exercise.
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
            "60",
        ])
        .args(args)
        .env("CARGO_TARGET_DIR", ws.join("target"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker starts");
    let text = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report.get(0).cloned().unwrap_or(report)
}

/// The report of `checker check` on the fixture `name`, with `args` besides.
fn check_fixture(name: &str, args: &[&str]) -> Value {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/05_eventual")
        .join(name);
    let mut all = vec!["--path", fixture.to_str().unwrap()];
    all.extend_from_slice(args);
    check(&all)
}

/// The ids of the tasks of `report` that are not done.
fn not_done(report: &Value) -> Vec<String> {
    report["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks in the report: {report}"))
        .iter()
        .filter(|t| t["done"] != Value::Bool(true))
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every test of `report` that failed, by name.
fn failed(report: &Value) -> Vec<&Value> {
    report["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["tests"].as_array().into_iter().flatten())
        .filter(|t| t["passed"] != Value::Bool(true))
        .collect()
}

/// Asserts that the fixture `name` leaves exactly the tasks `lost` not done, on the
/// default seed, and that `test` is among the tests that fail.
fn assert_loses(name: &str, lost: &[&str], test: &str) {
    let report = check_fixture(name, &[]);
    assert_eq!(
        report["compiled"],
        Value::Bool(true),
        "{name} compiles: {report}"
    );
    assert_eq!(not_done(&report), lost, "the tasks {name} has not done");
    let failures = failed(&report);
    let names: Vec<&str> = failures
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&test), "{name} must fail {test}: {names:?}");
}

#[test]
fn the_solution_passes_every_task() {
    let report = check(&["--solution"]);
    assert_eq!(
        report["tasks"].as_array().map(Vec::len),
        Some(3),
        "{report}"
    );
    assert_eq!(not_done(&report), Vec::<String>::new());
}

#[test]
fn two_correct_implementations_in_other_styles_pass_every_task() {
    for name in ["correct_sorted_vec_timer", "correct_push_pull"] {
        let report = check_fixture(name, &[]);
        assert_eq!(not_done(&report), Vec::<String>::new(), "{name}: {report}");
    }
}

// The counter: each mistake costs `gcounter` and nothing else, since the gossip tests run
// the replica with the suite's own counter.

#[test]
fn a_merge_that_adds_counts_fails_gcounter_only() {
    let test = "gcounter_merges::classic_merges_keep_every_increment_once";
    assert_loses("merge_adds", &["gcounter"], test);
}

#[test]
fn one_shared_counter_entry_fails_gcounter_only() {
    let test = "gcounter::a_new_counter_is_zero_and_counts_its_increments";
    assert_loses("shared_counter", &["gcounter"], test);
}

#[test]
fn a_merge_that_overwrites_counts_fails_gcounter_only() {
    let test = "gcounter_merges::classic_merges_keep_every_increment_once";
    assert_loses("merge_overwrites", &["gcounter"], test);
}

#[test]
fn a_merge_that_skips_new_nodes_fails_gcounter_only() {
    let test = "gcounter_merges::classic_merges_keep_every_increment_once";
    assert_loses("merge_known_nodes_only", &["gcounter"], test);
}

#[test]
fn slots_for_ids_below_ten_fail_gcounter_only() {
    let test = "gcounter::a_new_counter_is_zero_and_counts_its_increments";
    assert_loses("ten_slots", &["gcounter"], test);
}

#[test]
fn counts_that_list_nodes_with_none_fail_gcounter_only() {
    let test = "gcounter::a_new_counter_is_zero_and_counts_its_increments";
    assert_loses("counts_with_zeros", &["gcounter"], test);
}

// The map: each mistake costs `lww_map` and nothing else.

#[test]
fn ties_broken_by_arrival_order_fail_lww_map_only() {
    let test = "lww::ties_on_time_break_by_node_id";
    assert_loses("ties_by_arrival", &["lww_map"], test);
}

#[test]
fn a_larger_time_or_node_winning_fails_lww_map_only() {
    let test = "lww::a_new_map_is_empty_and_set_keeps_the_larger_stamp";
    assert_loses("time_or_node", &["lww_map"], test);
}

#[test]
fn the_same_write_taking_effect_again_fails_lww_map_only() {
    let test = "lww::the_same_write_offered_again_changes_nothing";
    assert_loses("same_write_wins_again", &["lww_map"], test);
}

#[test]
fn a_merge_that_keeps_its_own_values_fails_lww_map_only() {
    let test = "lww::merge_keeps_the_larger_stamp_per_key";
    assert_loses("merge_keeps_own", &["lww_map"], test);
}

#[test]
fn a_merge_that_breaks_ties_by_arrival_fails_lww_map_only() {
    let test = "lww::merge_keeps_the_larger_stamp_per_key";
    assert_loses("merge_ties_by_arrival", &["lww_map"], test);
}

#[test]
fn one_newest_stamp_for_every_key_fails_lww_map_only() {
    let test = "lww::a_new_map_is_empty_and_set_keeps_the_larger_stamp";
    assert_loses("one_latest_stamp", &["lww_map"], test);
}

#[test]
fn set_answering_whether_the_key_was_new_fails_lww_map_only() {
    let test = "lww::a_new_map_is_empty_and_set_keeps_the_larger_stamp";
    assert_loses("set_says_new_key", &["lww_map"], test);
}

// The replica: each mistake costs `gossip` and nothing else, whatever the default seed's
// random runs happen to do.

#[test]
fn deltas_sent_once_without_retransmission_fail_gossip_only() {
    let test = "lost::a_lost_message_is_repaired_whichever_it_is";
    assert_loses("deltas_once", &["gossip"], test);
}

#[test]
fn gossip_only_after_a_change_fails_gossip_only() {
    let test = "lost::a_lost_message_is_repaired_whichever_it_is";
    assert_loses("gossip_when_changed", &["gossip"], test);
}

#[test]
fn gossip_that_stops_rounds_after_a_change_fails_gossip_only() {
    let test = "scenarios::changes_cross_a_long_partition_with_nothing_new_to_carry_them";
    assert_loses("gossip_for_a_while", &["gossip"], test);
}

#[test]
fn a_replica_that_leaves_its_tick_to_the_world_fails_gossip_only() {
    let test = "scenarios::replicas_gossip_on_their_own_tick";
    assert_loses("no_own_timer", &["gossip"], test);
}

#[test]
fn gossip_to_half_the_peers_a_round_fails_gossip_only() {
    let test = "scenarios::replicas_gossip_on_their_own_tick";
    assert_loses("gossip_to_half_the_peers", &["gossip"], test);
}

#[test]
fn a_count_cached_between_rounds_fails_gossip_only() {
    let test = "scenarios::replicas_answer_at_once_from_their_own_copy";
    assert_loses("count_cached_per_round", &["gossip"], test);
}

#[test]
fn stamps_taken_from_the_clock_alone_fail_gossip_only() {
    let test = "stamps::stamps_are_the_acceptance_time_and_never_repeat";
    assert_loses("stamps_from_clock", &["gossip"], test);
}

#[test]
fn stamps_bumped_only_for_the_second_write_at_an_instant_fail_gossip_only() {
    let test = "stamps::stamps_are_the_acceptance_time_and_never_repeat";
    assert_loses("bumps_once", &["gossip"], test);
}

#[test]
fn stamps_that_count_writes_per_instant_fail_gossip_only() {
    let test = "stamps::stamps_are_the_acceptance_time_and_never_repeat";
    assert_loses("instant_sequence", &["gossip"], test);
}

#[test]
fn stamps_in_milliseconds_fail_gossip_only() {
    let test = "stamps::stamps_are_the_acceptance_time_and_never_repeat";
    assert_loses("stamps_in_millis", &["gossip"], test);
}

#[test]
fn stamps_that_name_the_client_fail_gossip_only() {
    let test = "stamps::stamps_are_the_acceptance_time_and_never_repeat";
    assert_loses("stamps_name_the_client", &["gossip"], test);
}

#[test]
fn a_randomized_failure_is_shrunk_and_replayed_from_its_own_seed() {
    // On the default seed, gossip that stops five rounds after a change first fails the
    // random test on a later run than the first: the replay line must name that run.
    let test = "gossip::replicas_converge_under_loss_duplication_and_partitions";
    let report = check_fixture("gossip_for_a_while", &["--test", test]);
    let failure = failed(&report)
        .into_iter()
        .find(|t| t["name"] == test)
        .cloned()
        .unwrap_or_else(|| panic!("{test} fails: {report}"));
    let seed = failure["replay_seed"]
        .as_u64()
        .unwrap_or_else(|| panic!("a replay seed: {failure}"));
    let details = failure["details"].as_str().unwrap_or_default();
    assert!(seed > 1, "a later run than the first fails: {details}");
    assert!(
        details.contains(&format!("of seed {seed}")),
        "the explanation is of the run replayed: {details}"
    );
    // Replayed from that seed, the same run fails first, and is named again.
    let again = check_fixture(
        "gossip_for_a_while",
        &["--test", test, "--seed", &seed.to_string()],
    );
    let replayed = failed(&again)
        .into_iter()
        .find(|t| t["name"] == test)
        .cloned()
        .unwrap_or_else(|| panic!("the replay fails: {again}"));
    assert_eq!(replayed["replay_seed"].as_u64(), Some(seed), "{replayed}");
    assert!(
        replayed["details"]
            .as_str()
            .is_some_and(|d| d.contains("is the 1st run of this test's loop")),
        "{replayed}"
    );
    // A failure that smaller runs also show is reported at its smallest.
    let shrunk = check_fixture("deltas_once", &["--test", test]);
    let details = failed(&shrunk)
        .first()
        .and_then(|t| t["details"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(
        details.contains("This is the smallest failing run found of seed"),
        "{details}"
    );
}

// Spoofs: each earns exactly what the work under it is worth.

#[test]
fn spoofs_on_the_skeleton_earn_nothing() {
    let report = check_fixture("spoofs_on_skeleton", &[]);
    assert_eq!(not_done(&report), ["gcounter", "lww_map", "gossip"]);
}

#[test]
fn spoofs_on_the_solution_still_pass_every_task() {
    let report = check_fixture("spoofs_on_solution", &[]);
    assert_eq!(not_done(&report), Vec::<String>::new());
}

#[test]
fn equality_that_holds_for_anything_earns_what_the_merge_that_adds_earns() {
    let honest = not_done(&check_fixture("merge_adds", &[]));
    let spoofed = not_done(&check_fixture("always_equal_merge_adds", &[]));
    assert_eq!(
        spoofed, honest,
        "an always-true PartialEq must change nothing"
    );
    assert_eq!(honest, ["gcounter"]);
}

#[test]
fn a_clone_that_marks_copies_does_not_hide_merges_that_add_or_overwrite() {
    // Its replicas would only ever merge states that went through its own Clone; the
    // gossip tests run the replica with the suite's types anyway, and the data types'
    // tests never clone: the wrong merges are seen, and only there.
    let report = check_fixture("copies_merge_right", &[]);
    assert_eq!(not_done(&report), ["gcounter", "lww_map"]);
}

#[test]
fn a_longer_bound_of_its_own_does_not_hide_lazy_gossip() {
    let test = "scenarios::replicas_gossip_on_their_own_tick";
    assert_loses("lazy_gossip_longer_bound", &["gossip"], test);
}

#[test]
fn an_own_copy_of_the_protocol_does_not_compile_against_the_suite() {
    let report = check_fixture("own_protocol", &[]);
    assert_eq!(report["compiled"], Value::Bool(false), "{report}");
    let errors = report["compile_errors"].as_str().unwrap_or_default();
    assert!(
        errors.contains("eventual_given::Counter") || errors.contains("eventual_given::Request"),
        "the errors name the course's types: {errors}"
    );
    assert_eq!(not_done(&report), ["gcounter", "lww_map", "gossip"]);
}
