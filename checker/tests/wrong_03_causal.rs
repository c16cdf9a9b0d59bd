//! The hidden suite of 03_causal catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/03_causal/` is the reference solution with one mistake, and the
//! real `checker`, on its default run, must leave exactly the tasks that mistake breaks
//! not done, through the test named here. Where the task a mistake belongs to is built
//! on by another (the store delivers through the student's broadcast), the other task
//! fails too, and each of its failures must name the task the mistake is in. Two
//! fixtures `correct_*` are right in styles unlike the reference, and earn everything.
//!
//! Other fixtures are spoofs: trait impls of the student's own that a suite comparing
//! through them would believe (a `PartialEq` that says yes to anything, a `Recordable`
//! that records every call as a harmless read), and copies of the course's types kept in
//! the student's crate. Each must earn exactly what its honest work is worth: on the
//! solution, everything; on the skeleton, nothing; on a mistake, what the mistake alone
//! earns. A copy of a course type does not build against the suite at all.

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

/// The report of the fixture `name`.
fn check_fixture(name: &str) -> Value {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/03_causal")
        .join(name);
    check(&["--path", fixture.to_str().unwrap()])
}

/// The tasks the fixture `name` gets done, in catalog order.
fn done(name: &str) -> Vec<String> {
    tasks(&check_fixture(name))
        .into_iter()
        .filter(|(_, done)| *done)
        .map(|(id, _)| id)
        .collect()
}

/// The fixture `name` does not build against the suite, and the compiler says which
/// course type the student's crate put a type of its own in place of.
fn assert_rejected(name: &str, course_type: &str) {
    let report = check_fixture(name);
    let exercise = report.get(0).unwrap_or(&report);
    assert_eq!(
        exercise["compiled"].as_bool(),
        Some(false),
        "{name} must not build against the suite: {report}"
    );
    let errors = exercise["compile_errors"].as_str().unwrap_or_default();
    assert!(
        errors.contains(&format!("expected `{course_type}`")),
        "{name}: the compiler must ask for the course's {course_type}:\n{errors}"
    );
    let tasks = tasks(&report);
    assert!(tasks.iter().all(|(_, done)| !done), "{name}: {tasks:?}");
}

/// One failed test of a report: its task, its name, its message and the seed it asks
/// to be replayed from.
struct Failed {
    task: String,
    name: String,
    details: String,
    replay_seed: Option<u64>,
}

/// The tests of `report` that failed.
fn failed(report: &Value) -> Vec<Failed> {
    let exercise = report.get(0).unwrap_or(report);
    exercise["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks in the report: {report}"))
        .iter()
        .flat_map(|t| t["tests"].as_array().cloned().unwrap_or_default())
        .filter(|t| t["passed"].as_bool() == Some(false))
        .map(|t| Failed {
            task: t["task"].as_str().unwrap_or_default().to_owned(),
            name: t["name"].as_str().unwrap_or_default().to_owned(),
            details: t["details"].as_str().unwrap_or_default().to_owned(),
            replay_seed: t["replay_seed"].as_u64(),
        })
        .collect()
}

/// The mistake `name` leaves exactly the tasks `lost` not done, in catalog order, and
/// the test `caught_by` among the failing ones. Every failing test of a task the mistake
/// does not belong to (`blamed`, the task it was made in) must say, from the evidence,
/// that `blamed` fails too.
fn assert_lost(name: &str, lost: &[&str], caught_by: &str, blamed: &str) {
    let report = check_fixture(name);
    let not_done: Vec<String> = tasks(&report)
        .into_iter()
        .filter(|(_, done)| !*done)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(not_done, lost, "the tasks {name} leaves not done");
    let failures = failed(&report);
    assert!(
        failures.iter().any(|f| f.name == caught_by),
        "{name} must be caught by {caught_by}; failing: {:?}",
        failures.iter().map(|f| &f.name).collect::<Vec<_>>()
    );
    for f in &failures {
        if f.task != blamed {
            assert!(
                f.details
                    .contains(&format!("also fails when task `{blamed}` is wrong")),
                "{name}: {} fails for a mistake of task {blamed}, and must say so:\n{}",
                f.name,
                f.details
            );
        }
    }
}

#[test]
fn the_solution_passes_every_task() {
    let tasks = tasks(&check(&["--solution"]));
    assert_eq!(tasks.len(), 3, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

#[test]
fn correct_implementations_in_other_styles_earn_everything() {
    // A dense clock with per-sender queues and a multi-version store; a hashed clock, a
    // rescanned queue, batches sent on a timer of the replica's own and a lexicographic
    // rank: each within the README's rules, unlike the reference in every file.
    for name in ["correct_dense_queues", "correct_hashed_batches"] {
        assert_eq!(done(name), ["clocks", "delivery", "store"], "{name}");
    }
}

#[test]
fn a_derived_ord_as_happened_before_fails_clocks() {
    assert_lost(
        "derived_ord",
        &["clocks"],
        "clocks::comparison_is_the_happened_before_order",
        "clocks",
    );
}

#[test]
fn strictly_smaller_entries_for_before_fail_clocks() {
    assert_lost(
        "lt_in_compare",
        &["clocks"],
        "clocks::comparison_is_the_happened_before_order",
        "clocks",
    );
}

#[test]
fn comparing_only_the_nodes_one_clock_names_fails_clocks() {
    assert_lost(
        "only_own_entries",
        &["clocks"],
        "clocks::comparison_is_the_happened_before_order",
        "clocks",
    );
}

#[test]
fn a_debug_display_fails_clocks() {
    assert_lost(
        "display_debug",
        &["clocks"],
        "clocks::display_is_readable",
        "clocks",
    );
}

#[test]
fn a_display_sorted_as_text_fails_clocks() {
    // "n10: 1" sorts before "n2: 3": right while ids have one digit.
    assert_lost(
        "display_sorted_as_text",
        &["clocks"],
        "clocks::display_is_readable",
        "clocks",
    );
}

#[test]
fn stamping_before_counting_the_send_fails_delivery() {
    assert_lost(
        "stamp_before_count",
        &["delivery", "store"],
        "delivery::own_messages_deliver_at_once",
        "delivery",
    );
}

#[test]
fn incrementing_on_receive_fails_delivery() {
    assert_lost(
        "increment_on_receive",
        &["delivery", "store"],
        "delivery::receiving_is_not_an_event",
        "delivery",
    );
}

#[test]
fn a_dependency_met_exactly_taken_as_unmet_fails_delivery() {
    assert_lost(
        "lt_in_delivery",
        &["delivery", "store"],
        "delivery::waits_for_what_the_sender_had_seen",
        "delivery",
    );
}

#[test]
fn comparing_the_senders_entry_like_the_others_fails_delivery() {
    assert_lost(
        "sender_like_others",
        &["delivery", "store"],
        "delivery::waits_for_what_the_sender_had_seen",
        "delivery",
    );
}

#[test]
fn no_cascade_fails_delivery() {
    assert_lost(
        "no_cascade",
        &["delivery", "store"],
        "delivery::gaps_hold_back_and_fill_in_cascade",
        "delivery",
    );
}

#[test]
fn a_single_pass_over_the_held_messages_fails_delivery() {
    // Sorted by sender, one pass frees a chain whose senders go up, not one whose
    // senders go down; the store's worlds never build such a chain.
    assert_lost(
        "single_pass_cascade",
        &["delivery"],
        "delivery::cascades_cross_senders_in_any_order",
        "delivery",
    );
}

#[test]
fn redelivering_a_duplicate_fails_delivery() {
    assert_lost(
        "redeliver_duplicate",
        &["delivery"],
        "delivery::duplicates_are_dropped",
        "delivery",
    );
}

#[test]
fn counting_arrivals_as_deliveries_fails_delivery() {
    assert_lost(
        "delivered_counts_arrivals",
        &["delivery"],
        "delivery::duplicates_are_dropped",
        "delivery",
    );
}

#[test]
fn knowing_messages_by_sender_and_number_written_together_fails_delivery() {
    // n1's eleventh message and n11's first are both "111".
    assert_lost(
        "dedup_by_text_key",
        &["delivery"],
        "delivery::duplicates_are_dropped",
        "delivery",
    );
}

#[test]
fn handing_on_messages_restamped_fails_delivery_and_the_store_says_so() {
    // The store ranks writes by the clocks its broadcast hands on, so it fails too; its
    // failures name task delivery.
    assert_lost(
        "restamp_on_delivery",
        &["delivery", "store"],
        "delivery::delivered_messages_are_as_sent",
        "delivery",
    );
}

#[test]
fn applying_writes_on_arrival_fails_store() {
    assert_lost(
        "no_holdback",
        &["store"],
        "store::a_reply_is_never_seen_before_its_post",
        "store",
    );
}

#[test]
fn the_last_arrival_winning_fails_store() {
    assert_lost(
        "last_arrival_wins",
        &["store"],
        "schedules::concurrent_writes_settle_alike_in_every_order",
        "store",
    );
}

#[test]
fn letting_the_larger_node_win_over_a_write_it_came_before_fails_store() {
    assert_lost(
        "largest_origin_wins",
        &["store"],
        "store::a_write_never_loses_to_one_it_depends_on",
        "store",
    );
}

#[test]
fn one_copy_shared_by_every_replica_fails_store() {
    // Every replica reads and writes one map in the test's thread: no message is needed
    // for a write to be seen everywhere, which is causal and converges, but is no store
    // of replicas at all.
    assert_lost(
        "shared_copy",
        &["store"],
        "store::a_cut_off_replica_sees_only_its_own_writes",
        "store",
    );
}

#[test]
fn a_tie_of_sums_left_to_the_first_arrival_fails_store() {
    assert_lost(
        "tie_keeps_first",
        &["store"],
        "schedules::concurrent_writes_settle_alike_in_every_order",
        "store",
    );
}

#[test]
fn a_rule_right_for_two_writes_only_fails_store() {
    // "The later wins, else the larger node": x -> y, z concurrent with both, origins
    // x > z > y, and the winner depends on the order of arrival.
    assert_lost(
        "concurrent_larger_origin",
        &["store"],
        "schedules::concurrent_writes_settle_alike_in_every_order",
        "store",
    );
}

#[test]
fn a_snapshot_replaying_the_deliveries_fails_store() {
    assert_lost(
        "snapshot_replays_log",
        &["store"],
        "store::snapshot_is_the_replicas_copy",
        "store",
    );
}

#[test]
fn applying_only_the_first_write_of_a_cascade_fails_store() {
    assert_lost(
        "applies_arrival_only",
        &["store"],
        "schedules::held_back_writes_wait_for_their_past",
        "store",
    );
}

#[test]
fn releasing_held_writes_on_the_default_tick_fails_store() {
    // Right with the world's default tick of 10 ms; the store's worlds have none.
    assert_lost(
        "retry_on_default_tick",
        &["store"],
        "schedules::held_back_writes_wait_for_their_past",
        "store",
    );
}

#[test]
fn applying_a_replicas_own_write_when_it_comes_back_fails_store() {
    assert_lost(
        "own_write_by_loopback",
        &["store"],
        "schedules::held_back_writes_wait_for_their_past",
        "store",
    );
}

#[test]
fn a_cluster_of_three_written_in_fails_store() {
    assert_lost(
        "three_replicas_hardcoded",
        &["store"],
        "store::every_write_reaches_every_replica_at_every_size",
        "store",
    );
}

#[test]
fn a_randomized_failure_replays_from_the_seed_it_names() {
    let report = check_fixture("dedup_by_text_key");
    let random = failed(&report)
        .into_iter()
        .find(|f| f.name == "delivery_random::random_schedules_deliver_causally")
        .expect("the random arrival orders catch dedup_by_text_key");
    let seed = random
        .replay_seed
        .unwrap_or_else(|| panic!("no replay seed: {}", random.details));
    assert!(
        random.details.contains(&format!("(seed {seed})")),
        "the replay seed {seed} is the one the failure names:\n{}",
        random.details
    );
    assert!(
        random.details.contains("The smallest run found that fails"),
        "{}",
        random.details
    );
}

#[test]
fn clocks_that_are_all_equal_earn_nothing_on_the_skeleton() {
    assert_eq!(
        done("always_equal_clocks_on_skeleton"),
        Vec::<String>::new()
    );
}

#[test]
fn clocks_that_are_all_equal_change_nothing_on_the_solution() {
    assert_eq!(
        done("always_equal_clocks_on_solution"),
        ["clocks", "delivery", "store"]
    );
}

#[test]
fn clocks_that_are_all_equal_earn_what_the_mistake_beneath_earns() {
    // The clocks compare equal whatever they hold, on top of a `delivered()` that counts
    // duplicates: only the clocks' entries show the wrong count.
    assert_eq!(
        done("always_equal_clocks"),
        done("delivered_counts_arrivals")
    );
}

#[test]
fn an_order_of_the_students_own_does_not_build() {
    // Its `PartialEq` says every two orders are equal, on top of a compare that misses
    // the nodes only the other clock names.
    assert_rejected("own_order", "causal_given::Order");
}

#[test]
fn requests_of_the_students_own_with_a_harmless_recordable_do_not_build() {
    // The store beneath lets a write lose to one it came after, which only the history
    // shows; the spoof records every call as a read of nothing.
    assert_rejected("fake_recordable", "causal_given::Request");
}

#[test]
fn a_response_of_the_students_own_recorded_for_the_course_request_does_not_build() {
    assert_rejected("own_response", "causal_given::Response");
}
