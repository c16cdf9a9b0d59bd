//! The hidden suite of 01_linearizable: a register with versions, a lock with fencing
//! tokens, and a register replicated with majority quorums.
//!
//! Every verdict is reached through course-owned code: the given types come from
//! `linearizable_given`, never through the exercise's re-exports; the exercise's own
//! types (`Register`, `Lock`, `Resource`, `Replica`) are read through their methods'
//! std and given results, never compared, cloned or formatted to decide.

mod lock;
mod quorum;
mod register;

/// How many seeds each randomized test runs, starting at the run's seed.
const SEEDS: u64 = 100;

suite_harness::suite! {
    "register" => [
        register::history_is_linearizable,
        register::versions_count_updates,
        register::state_is_kept_in_the_store,
        register::clones_share_the_register,
    ],
    "lock" => [
        lock::one_holder_at_a_time,
        lock::release_by_another_fails,
        lock::timed_out_client_does_not_hold,
        lock::tokens_grow,
        lock::stale_token_is_refused,
        lock::state_is_kept_in_the_register,
        lock::clones_share_the_lock,
    ],
    "quorum" => [
        quorum::linearizable_under_faults,
        quorum::reads_write_back,
        quorum::completes_with_a_majority,
    ],
}
