//! The hidden suite of 04_read_your_writes: reads that never go back on a client's own
//! writes or reads, served by replicas whenever one has caught up, and deadlines that
//! end in the leader or an error, never in stale data.

mod common;
mod deadline;
mod efficiency;
mod monotonic;
mod ryw;

suite_harness::suite! {
    "ryw" => [ryw::own_writes_are_always_seen],
    "efficiency" => [efficiency::caught_up_replicas_serve_reads],
    "monotonic" => [monotonic::reads_never_go_back],
    "deadline" => [
        deadline::a_read_waits_for_a_replica_to_catch_up,
        deadline::at_the_deadline_the_leader_or_an_error,
        deadline::stalls_never_show_stale_data,
    ],
}
