//! The hidden suite of 03_causal catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/03_causal/` is the reference solution with one mistake, and the
//! real `checker` must mark the task that mistake breaks as not done.
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

fn assert_breaks(mistake: &str, task: &str) {
    let tasks = tasks(&check_fixture(mistake));
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

#[test]
fn counting_arrivals_as_deliveries_fails_delivery() {
    assert_eq!(done("delivered_counts_arrivals"), ["clocks", "store"]);
}

#[test]
fn letting_the_larger_node_win_over_a_write_it_came_before_fails_store() {
    assert_eq!(done("largest_origin_wins"), ["clocks", "delivery"]);
}

#[test]
fn one_copy_shared_by_every_replica_fails_store() {
    // Every replica reads and writes one map in the test's thread: no message is needed
    // for a write to be seen everywhere, which is causal and converges, but is no store
    // of replicas at all.
    assert_eq!(done("shared_copy"), ["clocks", "delivery"]);
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
