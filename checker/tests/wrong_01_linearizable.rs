//! The hidden suite of 01_linearizable against wrong implementations: each fixture under
//! `tests/fixtures/wrong/01_linearizable/` makes one realistic mistake, and exactly the
//! task it breaks is not done, failed by the test written to catch it, on the default
//! seed. Every other task is done: a mistake costs its own task only. The reference
//! solution and two correct implementations in other styles pass every task.
//!
//! Some fixtures try to have a grade decided by code of their own instead: look-alikes
//! of the course's types with lying comparisons or a lying `Recordable`, a tampered copy
//! of the course's store, a register that keeps its state away from the store it is
//! given, and lying trait impls on the exercise's own types. Each must earn exactly what
//! its honest work is worth: nothing on top of the skeleton, everything on top of the
//! reference solution, and nothing more than the same mistake made in the open.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The workspace root, which is also the course.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `checker check 01_linearizable` with `args` and returns its one JSON report.
fn check(args: &[&str]) -> Value {
    let root = workspace();
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&root)
        .args(["check", "01_linearizable"])
        .args(args)
        .args(["--format", "json", "--timeout", "20"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker starts");
    let text = String::from_utf8_lossy(&output.stdout);
    let reports: Value = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "the checker printed no JSON ({error}):\n{text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    reports[0].clone()
}

/// The task `id` of a report.
fn task<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id} in {report:#}"))
}

/// The report of the fixture `mistake`.
fn check_fixture(mistake: &str) -> Value {
    let path = workspace()
        .join("checker/tests/fixtures/wrong/01_linearizable")
        .join(mistake);
    check(&["--path", path.to_str().unwrap()])
}

/// The ids of the tasks a report marks done, in catalog order.
fn done(report: &Value) -> Vec<String> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["done"] == true)
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that the fixture `mistake` compiles and does exactly the tasks `tasks`.
fn earns(mistake: &str, tasks: &[&str]) -> Value {
    let report = check_fixture(mistake);
    assert_eq!(
        report["compiled"], true,
        "{mistake} must compile: {report:#}"
    );
    assert_eq!(done(&report), tasks, "{mistake}: {report:#}");
    report
}

/// Asserts that the suite does not compile against the fixture `mistake`, because it
/// expects each of the course's types `given` where the fixture has a look-alike: the
/// fixture earns nothing.
fn refused(mistake: &str, given: &[&str]) {
    let report = check_fixture(mistake);
    assert_eq!(report["compiled"], false, "{mistake} compiled: {report:#}");
    assert_eq!(report["score"], 0, "{report:#}");
    let errors = report["compile_errors"].as_str().unwrap_or_default();
    for name in given {
        assert!(
            errors.contains(&format!("linearizable_given::{name}")),
            "{mistake}: the errors do not name the course's {name}:\n{errors}"
        );
    }
}

/// Checks the fixture `mistake` and asserts that exactly the task `broken` is not done,
/// and that each of `tests` is among the tests that failed it. Returns the first one's
/// report.
fn caught(mistake: &str, broken: &str, tests: &[&str]) -> Value {
    let report = check_fixture(mistake);
    assert_eq!(
        report["compiled"], true,
        "{mistake} must compile: {report:#}"
    );
    let expected: Vec<&str> = ["register", "lock", "quorum"]
        .into_iter()
        .filter(|t| *t != broken)
        .collect();
    assert_eq!(
        done(&report),
        expected,
        "{mistake} must cost task {broken} and only it: {report:#}"
    );
    let verdict = task(&report, broken);
    let failed = |test: &str| {
        verdict["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == test && t["passed"] == false)
            .unwrap_or_else(|| panic!("{mistake}: test {test} should fail: {verdict:#}"))
            .clone()
    };
    let reports: Vec<Value> = tests.iter().map(|test| failed(test)).collect();
    reports[0].clone()
}

/// Asserts that a failure's message holds `phrase`.
fn says(test: &Value, phrase: &str) {
    let details = test["details"].as_str().unwrap_or_default();
    assert!(
        details.contains(phrase),
        "the message of {} should say {phrase:?}:\n{details}",
        test["name"]
    );
}

#[test]
fn a_quorum_read_without_write_back_fails_with_its_history_drawn() {
    let test = caught(
        "read_without_write_back",
        "quorum",
        &["quorum::reads_write_back"],
    );
    // The explanation follows the messages: the read returned without a second phase.
    says(&test, "(quorum.4)");
    says(&test, "without a second phase");
    let page = test["page"]
        .as_str()
        .unwrap_or_else(|| panic!("no page: {test:#}"));
    let html = std::fs::read_to_string(workspace().join(page)).unwrap();
    assert!(html.contains("<h1>linearizability violated</h1>"), "{page}");
    // The read that cannot follow the longest legal order is drawn as the culprit, and
    // the messages around it as a sequence diagram with the partition.
    assert_eq!(html.matches("class=\"op culprit").count(), 1, "{page}");
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\""));
    assert!(html.contains("class=\"message dropped\""), "{page}");
    assert!(html.contains("partition {n0 n1 n2} {n3 n4}"), "{page}");
    // Its history is kept beside it, for `checker history check`.
    let history = workspace().join(page.replace(".html", ".history.json"));
    let run = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["history", "check"])
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn the_solution_passes_every_task() {
    let report = check(&["--solution"]);
    for verdict in report["tasks"].as_array().unwrap() {
        assert_eq!(verdict["done"], true, "{verdict:#}");
    }
    assert_eq!(report["score"], report["max_score"], "{report:#}");
}

#[test]
fn correct_implementations_in_other_styles_pass_every_task() {
    for style in ["correct_semaphore_and_backoff", "correct_rwlock_and_timers"] {
        let report = earns(style, &["register", "lock", "quorum"]);
        assert_eq!(report["score"], report["max_score"], "{style}: {report:#}");
    }
}

// Task `register`: each mistake costs `register` only, since task `lock` runs on a
// register of the suite's own.

#[test]
fn a_swap_that_reads_then_writes_is_caught() {
    let test = caught(
        "cas_not_atomic",
        "register",
        &["register::swaps_from_one_value_one_wins"],
    );
    says(&test, "swaps from that value");
}

#[test]
fn a_version_bumped_outside_the_lock_is_caught() {
    let test = caught(
        "version_not_atomic",
        "register",
        &["register::versions_count_updates"],
    );
    says(&test, "both returned version");
}

#[test]
fn a_register_that_clones_into_a_new_one_is_caught() {
    caught(
        "clone_is_a_new_register",
        "register",
        &["register::clones_share_the_register"],
    );
}

#[test]
fn a_lock_per_handle_is_caught() {
    caught(
        "lock_per_handle",
        "register",
        &["register::swaps_from_one_value_one_wins"],
    );
}

#[test]
fn versions_counted_from_zero_beside_a_store_that_holds_more_are_caught() {
    caught(
        "version_counted_beside_the_store",
        "register",
        &["register::state_is_kept_in_the_store"],
    );
}

// Task `lock`.

#[test]
fn a_lock_taken_by_read_then_write_is_caught() {
    caught(
        "acquire_read_then_write",
        "lock",
        &[
            "lock::one_holder_at_a_time",
            "lock::only_swaps_change_the_register",
        ],
    );
}

#[test]
fn a_release_by_a_non_owner_is_caught() {
    caught(
        "release_by_anyone",
        "lock",
        &["lock::release_by_another_fails"],
    );
}

#[test]
fn an_acquire_that_keeps_trying_after_its_timeout_is_caught() {
    caught(
        "timeout_keeps_trying",
        "lock",
        &["lock::timed_out_client_does_not_hold"],
    );
}

#[test]
fn a_token_that_does_not_grow_is_caught_and_shrunk() {
    let test = caught("token_is_owner", "lock", &["lock::tokens_grow"]);
    // A randomized failure reports the smallest failing run and replays from its seed.
    says(&test, "the smallest failing run found on this seed");
    let seed = test["replay_seed"]
        .as_u64()
        .unwrap_or_else(|| panic!("no replay seed: {test:#}"));
    says(&test, &format!("seed {seed},"));
}

#[test]
fn a_resource_that_accepts_stale_tokens_is_caught() {
    caught(
        "resource_accepts_stale",
        "lock",
        &["lock::stale_token_is_refused"],
    );
}

#[test]
fn a_lock_kept_beside_its_register_is_caught() {
    caught(
        "lock_beside_the_register",
        "lock",
        &["lock::register_holds_the_owner"],
    );
}

#[test]
fn a_lock_clone_that_forgets_the_holder_is_caught() {
    caught(
        "lock_clone_forgets_the_holder",
        "lock",
        &["lock::clones_share_the_lock"],
    );
}

#[test]
fn owner_zero_taken_for_free_is_caught() {
    let test = caught(
        "owner_zero_means_free",
        "lock",
        &["lock::register_holds_the_owner"],
    );
    says(&test, "client 0 holds the lock");
}

#[test]
fn tokens_counted_beside_the_register_are_caught() {
    caught(
        "token_from_a_counter",
        "lock",
        &["lock::two_locks_on_one_register_are_one"],
    );
}

#[test]
fn a_timeout_read_in_the_wrong_unit_is_caught() {
    caught(
        "timeout_read_as_seconds",
        "lock",
        &[
            "lock::waiters_get_a_freed_lock",
            "lock::timeouts_end_on_time",
        ],
    );
}

#[test]
fn a_waiter_that_gives_up_on_a_lost_race_is_caught() {
    caught(
        "lost_race_gives_up",
        "lock",
        &["lock::waiters_get_a_freed_lock"],
    );
}

#[test]
fn a_resource_that_starts_at_zero_is_caught() {
    caught(
        "resource_value_defaults_to_zero",
        "lock",
        &["lock::stale_token_is_refused"],
    );
}

#[test]
fn a_refused_token_that_lowers_the_newest_is_caught() {
    caught(
        "refusal_lowers_newest",
        "lock",
        &["lock::stale_token_is_refused"],
    );
}

// Task `quorum`.

#[test]
fn a_write_tag_from_local_state_is_caught() {
    let test = caught(
        "write_with_local_tag",
        "quorum",
        &["quorum::write_tags_exceed_what_was_seen"],
    );
    says(&test, "(quorum.3)");
}

#[test]
fn a_node_that_never_resends_is_caught() {
    caught(
        "no_resend",
        "quorum",
        &["quorum::completes_when_answers_outlast_a_tick"],
    );
}

#[test]
fn a_majority_of_half_rounded_up_is_caught() {
    caught(
        "majority_half_rounded_up",
        "quorum",
        &["quorum::even_clusters_need_more_than_half"],
    );
}

#[test]
fn duplicated_answers_counted_twice_are_caught() {
    let test = caught(
        "duplicates_counted_twice",
        "quorum",
        &["quorum::duplicates_count_once"],
    );
    says(&test, "(quorum.2)");
}

#[test]
fn two_writes_of_one_node_with_one_tag_are_caught() {
    let test = caught(
        "same_tag_for_concurrent_writes",
        "quorum",
        &["quorum::concurrent_writes_get_distinct_tags"],
    );
    says(&test, "two writes share the tag");
}

#[test]
fn a_late_pair_that_replaces_a_newer_one_is_caught() {
    // Also in every schedule of a three-node world: the bounded explorer finds the
    // schedule in which an old pair arrives late.
    let test = caught(
        "store_overwrites_newer",
        "quorum",
        &[
            "quorum::late_pairs_never_replace_newer",
            "quorum::every_schedule_of_three_nodes",
        ],
    );
    says(&test, "(quorum.5)");
}

#[test]
fn a_late_first_phase_answer_counted_as_stored_is_caught() {
    let test = caught(
        "late_answer_counts_for_the_next_phase",
        "quorum",
        &["quorum::late_answers_are_not_stores"],
    );
    says(&test, "had stored its pair");
}

#[test]
fn a_resend_that_starts_the_count_over_is_caught() {
    caught(
        "resend_renumbers_the_operation",
        "quorum",
        &["quorum::completes_when_answers_outlast_a_tick"],
    );
}

#[test]
fn a_stored_that_reports_fields_left_behind_is_caught() {
    caught(
        "stored_left_behind",
        "quorum",
        &["quorum::stored_reports_what_a_replica_holds"],
    );
}

// Submissions that try to have a grade decided by code of their own.

#[test]
fn look_alike_lock_types_with_lying_comparisons_do_not_compile() {
    refused("shadowed_lock_types", &["LockError", "Token"]);
}

#[test]
fn a_look_alike_response_with_a_lying_recordable_does_not_compile() {
    refused("shadowed_response", &["Response"]);
}

#[test]
fn a_tampered_store_used_in_place_of_the_course_s_does_not_compile() {
    refused("instant_store_used", &["Store"]);
}

#[test]
fn a_tampered_store_left_in_src_is_not_used_and_the_report_says_so() {
    let report = earns("instant_store_left_over", &["register", "lock", "quorum"]);
    let notes = report["notes"].as_array().cloned().unwrap_or_default();
    assert!(
        notes.iter().any(|n| n
            == "your copy of src/store.rs is not used; the course's is (given/01_linearizable/)"),
        "{report:#}"
    );
}

#[test]
fn a_register_on_a_store_of_its_own_earns_what_its_unlocked_swap_earns() {
    // The same unlocked swap on the course's store is `cas_not_atomic`: keeping the
    // state where no latency reaches it must not earn a task more.
    let open = check_fixture("cas_not_atomic");
    let hidden = check_fixture("private_instant_store");
    assert_eq!(hidden["compiled"], true, "{hidden:#}");
    assert_eq!(done(&hidden), done(&open), "{hidden:#}");
    assert_eq!(hidden["score"], open["score"], "{hidden:#}");
    let verdict = task(&hidden, "register");
    for test in [
        "register::state_is_kept_in_the_store",
        "register::swaps_from_one_value_one_wins",
    ] {
        assert!(
            verdict["tests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == test && t["passed"] == false),
            "{test} should fail: {verdict:#}"
        );
    }
}

#[test]
fn lying_trait_impls_on_the_skeleton_earn_nothing() {
    let report = earns("spoofs_on_skeleton", &[]);
    assert_eq!(report["score"], 0, "{report:#}");
}

#[test]
fn lying_trait_impls_on_the_solution_cost_nothing() {
    let report = earns("spoofs_on_solution", &["register", "lock", "quorum"]);
    assert_eq!(report["score"], report["max_score"], "{report:#}");
}
