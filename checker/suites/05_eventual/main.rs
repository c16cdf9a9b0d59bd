//! The hidden suite of 05_eventual: the merge laws of a grow-only counter and a
//! last-writer-wins map, and replicas that gossip them into agreement under faults.
//!
//! Given types come from `eventual_given`, never through the submission's re-exports,
//! and no verdict goes through an impl the submission writes: values are read through
//! their methods into std and given types, and copies are made by replay (`copies.rs`).

mod copies;
mod gcounter;
mod gossip;
mod lww;

suite_harness::suite! {
    "gcounter" => [
        gcounter::merge_is_commutative_associative_and_idempotent,
        gcounter::random_merges_count_every_increment_once,
    ],
    "lww_map" => [
        lww::ties_on_time_break_by_node_id,
        lww::merge_is_commutative_associative_and_idempotent,
        lww::random_deliveries_keep_the_largest_stamp,
    ],
    "gossip" => [
        gossip::replicas_converge_under_loss_duplication_and_partitions,
        gossip::writes_at_one_instant_get_distinct_stamps,
    ],
}
