//! The hidden suite of 01_linearizable: a register with versions, a lock with fencing
//! tokens, and a register replicated with majority quorums.
//!
//! Every verdict is reached through course-owned code: the given types come from
//! `linearizable_given`; the exercise's own types (`Register`, `Lock`, `Resource`,
//! `Replica`) are read through their methods' std and given results, never compared,
//! cloned or formatted to decide. Task `lock` runs the student's lock on a register of the
//! suite's own (`course_register`), so that each task's points depend on that task's code
//! alone.
//!
//! The suite is a library that never sees the exercise: `bridge.rs`, the binary, hands
//! it the student's types behind the traits of `student` (see `docs/src/authors.md`, "A
//! suite with a bridge"), so an edit of the exercise recompiles the bridge alone.
//!
//! Each test names the clauses of the README it checks (`register.1`, ...); randomized
//! tests shrink a failing run and name its seed (`runs`), and quorum failures say what
//! the messages show (`audit`).

mod audit;
mod course_register;
mod lock;
mod quorum;
mod register;
mod runs;
pub mod student;

/// How many seeds each randomized test runs, starting at the run's seed.
const SEEDS: u64 = 100;

suite_harness::suite! {
    fn run;
    "register" => [
        register::history_is_linearizable [1, 2, 3, 9],
        register::swaps_from_one_value_one_wins [2, 3, 8],
        register::versions_count_updates [4, 5],
        register::state_is_kept_in_the_store [6, 7],
        register::clones_share_the_register [8],
    ],
    "lock" => [
        lock::register_holds_the_owner [1],
        lock::only_swaps_change_the_register [2],
        lock::two_locks_on_one_register_are_one [3, 9],
        lock::one_holder_at_a_time [4, 5],
        lock::waiters_get_a_freed_lock [5],
        lock::timeouts_end_on_time [6],
        lock::timed_out_client_does_not_hold [7],
        lock::release_by_another_fails [8],
        lock::tokens_grow [9],
        lock::clones_share_the_lock [10],
        lock::stale_token_is_refused [11, 12, 13],
    ],
    "quorum" => [
        quorum::linearizable_under_faults [1],
        quorum::even_clusters_need_more_than_half [1, 2],
        quorum::duplicates_count_once [2],
        quorum::late_answers_are_not_stores [2],
        quorum::write_tags_exceed_what_was_seen [3],
        quorum::concurrent_writes_get_distinct_tags [3],
        quorum::reads_write_back [4],
        quorum::late_pairs_never_replace_newer [5],
        quorum::completes_with_a_majority [6],
        quorum::completes_when_answers_outlast_a_tick [6],
        quorum::stored_reports_what_a_replica_holds [7],
        quorum::every_schedule_of_three_nodes [1],
    ],
}
