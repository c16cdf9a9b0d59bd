//! The hidden suite of 07_classification catches the classic mistakes: each fixture under
//! `tests/fixtures/wrong/07_classification/` is the reference solution with one mistake, and the
//! real `checker`, run with its default seed, must leave exactly the task that mistake
//! breaks not done, through a test aimed at it (a deterministic one: nothing here hangs
//! on a lucky seed). Two correct submissions in styles unlike the reference's must earn
//! full marks, so the tests are not fitted to one way of writing the answer.
//!
//! The same folder holds spoofs: submissions that try to earn points without the work,
//! by comparisons that always hold, a tampered copy of a given file, or the test kit's
//! checkers in place of their own. Each must earn exactly what its honest work is worth:
//! nothing on top of constant answers, everything on top of the reference solution.

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

/// The JSON report of a check of the fixture `name`.
fn check_fixture(name: &str) -> Value {
    let fixture = workspace()
        .join("checker/tests/fixtures/wrong/07_classification")
        .join(name);
    let report = check(&["--path", fixture.to_str().unwrap()]);
    report.get(0).cloned().unwrap_or(report)
}

/// What a check of `report` earned: whether it compiled, its score, and the tasks done.
fn earned(report: &Value) -> (bool, u64, Vec<String>) {
    let done = tasks(report)
        .into_iter()
        .filter(|(_, done)| *done)
        .map(|(id, _)| id)
        .collect();
    (
        report["compiled"].as_bool().unwrap(),
        report["score"].as_u64().unwrap(),
        done,
    )
}

/// Checks that the fixture `name` compiles (or not) and earns `score` points with the
/// tasks `done` done, and returns its report.
fn assert_earns(name: &str, compiles: bool, score: u64, done: &[&str]) -> Value {
    let report = check_fixture(name);
    assert_eq!(
        earned(&report),
        (
            compiles,
            score,
            done.iter().map(|d| d.to_string()).collect()
        ),
        "what {name} earned (compiled, score, tasks done): {report}"
    );
    report
}

/// Checks that the fixture `mistake` leaves exactly the tasks `not_done` not done, and
/// that `test` (a test aimed at the mistake, run on every check) is among those failing.
fn assert_breaks(mistake: &str, not_done: &[&str], test: &str) {
    let report = check_fixture(mistake);
    let missed: Vec<String> = tasks(&report)
        .into_iter()
        .filter(|(_, done)| !done)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        missed, not_done,
        "the tasks the mistake {mistake} leaves not done: {report}"
    );
    let failing: Vec<&str> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["tests"].as_array().unwrap())
        .filter(|t| !t["passed"].as_bool().unwrap())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        failing.contains(&test),
        "{test} must catch the mistake {mistake}; failing: {failing:?}"
    );
}

#[test]
fn the_solution_passes_every_task() {
    let tasks = tasks(&check(&["--solution"]));
    assert_eq!(tasks.len(), 3, "{tasks:?}");
    assert!(tasks.iter().all(|(_, done)| *done), "{tasks:?}");
}

// choose: every combination of requirements is enumerated, so each rule is read.

#[test]
fn latency_that_overrides_exact_data_fails_choose() {
    assert_breaks(
        "latency_over_exactness",
        &["choose"],
        "choose::every_combination_follows_the_framework",
    );
}

#[test]
fn own_writes_ignored_when_order_does_not_matter_fails_choose() {
    assert_breaks(
        "own_writes_ignored",
        &["choose"],
        "choose::every_combination_follows_the_framework",
    );
}

#[test]
fn real_time_taken_because_the_use_case_can_wait_fails_choose() {
    assert_breaks(
        "waiting_buys_real_time",
        &["choose"],
        "choose::the_chapter_cases_get_their_level",
    );
}

// pacelc: every cluster of up to twelve replicas, and large ones.

#[test]
fn quorums_that_only_touch_fail_pacelc() {
    assert_breaks(
        "quorum_off_by_one",
        &["pacelc"],
        "pacelc::every_setting_of_up_to_twelve_replicas",
    );
}

#[test]
fn overlapping_sloppy_quorums_taken_as_consistent_fail_pacelc() {
    assert_breaks(
        "quorums_always_consistent",
        &["pacelc"],
        "pacelc::well_known_systems_land_in_their_class",
    );
}

#[test]
fn reads_at_the_primary_ignored_fail_pacelc() {
    assert_breaks(
        "primary_ignored",
        &["pacelc"],
        "pacelc::well_known_systems_land_in_their_class",
    );
}

#[test]
fn majorities_of_half_rounded_up_fail_pacelc_on_even_and_lopsided_clusters() {
    assert_breaks(
        "majority_quorums",
        &["pacelc"],
        "pacelc::every_setting_of_up_to_twelve_replicas",
    );
}

#[test]
fn three_replicas_assumed_fail_pacelc() {
    assert_breaks(
        "replicas_assumed_three",
        &["pacelc"],
        "pacelc::large_clusters_on_both_sides_of_the_overlap",
    );
}

#[test]
fn the_partition_letter_read_from_where_reads_go_fails_pacelc() {
    assert_breaks(
        "primary_refuses_when_cut_off",
        &["pacelc"],
        "pacelc::well_known_systems_land_in_their_class",
    );
}

// histories: each mistake has hand-made histories of its own, run on every check.

#[test]
fn linearizability_without_real_time_fails_histories() {
    assert_breaks(
        "linearizable_without_real_time",
        &["histories"],
        "cases::orders_of_all_operations",
    );
}

#[test]
fn happens_before_without_transitivity_fails_histories() {
    assert_breaks(
        "causal_without_transitivity",
        &["histories"],
        "cases::happens_before_and_stale_reads",
    );
}

#[test]
fn a_return_and_a_call_at_one_tick_read_as_overlap_fail_histories() {
    assert_breaks(
        "real_time_strict_at_ties",
        &["histories"],
        "cases::the_edges_of_the_scope",
    );
}

#[test]
fn nil_read_as_zero_fails_histories() {
    assert_breaks(
        "nil_as_zero",
        &["histories"],
        "cases::the_edges_of_the_scope",
    );
}

#[test]
fn clients_assumed_numbered_from_zero_fail_histories() {
    assert_breaks(
        "clients_numbered_densely",
        &["histories"],
        "cases::the_edges_of_the_scope",
    );
}

#[test]
fn a_client_order_taken_from_the_list_fails_histories() {
    assert_breaks(
        "client_order_by_position",
        &["histories"],
        "cases::the_edges_of_the_scope",
    );
}

#[test]
fn cycles_ignored_fail_histories() {
    assert_breaks(
        "cycles_ignored",
        &["histories"],
        "cases::thin_air_and_cycles",
    );
}

#[test]
fn cycles_through_other_clients_missed_fail_histories() {
    assert_breaks(
        "only_own_future_reads_are_cycles",
        &["histories"],
        "cases::thin_air_and_cycles",
    );
}

#[test]
fn reads_of_later_writes_taken_as_thin_air_fail_histories() {
    assert_breaks(
        "later_writes_not_eventual",
        &["histories"],
        "cases::thin_air_and_cycles",
    );
}

#[test]
fn older_writes_by_real_time_fail_histories() {
    assert_breaks(
        "older_by_real_time",
        &["histories"],
        "cases::happens_before_and_stale_reads",
    );
}

#[test]
fn a_search_without_backtracking_fails_histories() {
    assert_breaks(
        "greedy_search",
        &["histories"],
        "cases::orders_of_all_operations",
    );
}

#[test]
fn correct_submissions_in_other_styles_earn_full_marks() {
    for style in [
        "correct_weakest_first_and_memo",
        "correct_table_and_fixpoint",
    ] {
        assert_earns(style, true, 24, &["choose", "pacelc", "histories"]);
    }
}

#[test]
fn constant_answers_earn_nothing() {
    assert_earns("constant_answers", true, 0, &[]);
}

#[test]
fn answers_in_types_of_ones_own_that_always_compare_equal_do_not_compile_against_the_suite() {
    let report = assert_earns("shadowed_types_always_equal", false, 0, &[]);
    let errors = report["compile_errors"].as_str().unwrap();
    assert!(
        errors.contains("expected `classification_given::Level`, found `classification::Level`"),
        "{errors}"
    );
}

#[test]
fn an_always_true_comparison_on_the_course_types_does_not_compile() {
    let report = assert_earns("always_equal_on_given_types", false, 0, &[]);
    let errors = report["compile_errors"].as_str().unwrap();
    assert!(errors.contains("error[E0117]"), "{errors}");
}

#[test]
fn always_true_comparisons_beside_constant_answers_earn_nothing() {
    assert_earns("always_equal_beside_constants", true, 0, &[]);
}

#[test]
fn always_true_comparisons_beside_the_solution_take_nothing_away() {
    assert_earns(
        "always_equal_beside_solution",
        true,
        24,
        &["choose", "pacelc", "histories"],
    );
}

#[test]
fn a_tampered_copy_of_the_given_verdicts_does_not_compile_against_the_suite() {
    let report = assert_earns("tampered_given_models", false, 0, &[]);
    let errors = report["compile_errors"].as_str().unwrap();
    assert!(
        errors.contains("expected `classification_given::Models`, found `classification::Models`"),
        "{errors}"
    );
}

#[test]
fn checkers_borrowed_from_the_test_kit_do_not_compile_and_the_report_says_why() {
    // A compile error costs the whole exercise, the two honest tasks included.
    let report = assert_earns("histories_uses_testkit", false, 0, &[]);
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap_or_else(|| panic!("no notes: {report}"))
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "07_classification is built without `testkit`: its checkers are what your own are \
             compared with; write yours in src/histories.rs, on the course's History \
             (given/07_classification/src/history.rs)"
        ],
        "{report}"
    );
}
