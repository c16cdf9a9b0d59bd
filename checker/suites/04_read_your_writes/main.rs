//! The hidden suite of 04_read_your_writes: reads that never go back on a client's own
//! writes or reads, served by replicas whenever one has caught up, and deadlines that
//! end in the leader or an error, never in stale data.
//!
//! Each test names the rules of the README it checks (`ryw.3` is the third rule of task
//! `ryw`). Hand-built scenarios, timed to the millisecond on tokio's paused clock, catch
//! the mistakes that need a precise moment; randomized runs mix many clients, and a
//! failing one is shrunk to the smallest run of its seed that still fails.
//!
//! | module | what it holds |
//! | --- | --- |
//! | `ryw`, `efficiency`, `monotonic`, `deadline` | each task's tests |
//! | `stalls` | task `deadline` at random: replicas cut off and reconnected |
//! | `common` | clients whose answers are held against the cluster's journal, and the outcome of a read |
//! | `random` | seeds, shrinking a failing run, and the history checks' evidence |
//! | `student` | the exercise as the bridge hands it over |
//!
//! The suite is a library that never sees the exercise: `bridge.rs`, the binary, hands
//! it the student's `Router` and `Session` behind the traits of `student` (see
//! `docs/src/authors.md`, "A suite with a bridge").

mod common;
mod deadline;
mod efficiency;
mod monotonic;
mod random;
mod ryw;
mod stalls;
pub mod student;

suite_harness::suite! {
    fn run;
    "ryw" => [
        ryw::own_writes_are_always_seen [1, 2, 3, 4, 5],
        ryw::a_replica_one_write_behind_is_too_old [1, 2, 3, 4, 5, 6],
        ryw::a_cluster_without_replicas_reads_the_leader [2, 3, 4, 5],
        ryw::session_keeps_the_latest_write [2],
    ],
    "efficiency" => [
        efficiency::caught_up_replicas_serve_reads [1],
        efficiency::a_replica_exactly_at_the_floor_serves [1, 2, 3],
        efficiency::reads_spread_over_every_caught_up_replica [1, 4],
    ],
    "monotonic" => [
        monotonic::reads_never_go_back [1],
        monotonic::the_floor_takes_the_version_the_node_answered_at [1],
        monotonic::session_keeps_the_highest_read [2],
    ],
    "deadline" => [
        deadline::a_read_waits_for_a_replica_to_catch_up [1, 3, 5],
        deadline::at_the_deadline_the_leader_or_an_error [1, 2, 3, 4, 5],
        stalls::random_stalls_keep_every_policy [1, 2, 3, 4],
    ],
}
