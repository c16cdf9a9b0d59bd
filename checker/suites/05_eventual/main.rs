//! The hidden suite of 05_eventual: a grow-only counter and a last-writer-wins map, rule by
//! rule, and replicas that gossip them into agreement under faults.
//!
//! Given types come from `eventual_given`, never through the submission's re-exports, and
//! no verdict goes through an impl the submission writes: values are read through the
//! course's traits into std and given types, and copies are made by replay (`copies.rs`).
//! The gossip tests run the submitted replica with the suite's own counter and map
//! (`reference.rs`), so each task is graded on its own.
//!
//! | file | concern |
//! | --- | --- |
//! | `copies.rs` | copies of a submitted value, made by replaying its calls |
//! | `runs.rs` | the seed loop of a randomized test: replay line and shrinking |
//! | `gcounter.rs`, `gcounter_merges.rs` | the counter: what it shows, merge laws, merges |
//! | `lww.rs`, `lww_random.rs` | the map: set call by call, ties, merges, random writes |
//! | `reference.rs` | the suite's counter and map, for the gossip tests |
//! | `evidence.rs` | what gossiping replicas must end with, explained from the run |
//! | `scenarios.rs`, `stamps.rs`, `lost.rs` | gossip in hand-built and explored schedules |
//! | `gossip.rs` | gossip on random runs with loss, duplication and partitions |

mod copies;
mod evidence;
mod gcounter;
mod gcounter_merges;
mod gossip;
mod lost;
mod lww;
mod lww_random;
mod reference;
mod runs;
mod scenarios;
mod stamps;

suite_harness::suite! {
    "gcounter" => [
        gcounter::a_new_counter_is_zero_and_counts_its_increments [1, 2, 3],
        gcounter::merge_is_commutative_associative_and_idempotent [4, 5, 6],
        gcounter_merges::classic_merges_keep_every_increment_once [4, 6, 7],
        gcounter_merges::random_merges_count_every_increment_once [6, 7],
    ],
    "lww_map" => [
        lww::a_new_map_is_empty_and_set_keeps_the_larger_stamp [1, 2, 3, 4, 6],
        lww::ties_on_time_break_by_node_id [2, 3, 4],
        lww::the_same_write_offered_again_changes_nothing [5, 8],
        lww::merge_keeps_the_larger_stamp_per_key [4, 7],
        lww_random::merge_is_commutative_associative_and_idempotent [8],
        lww_random::random_deliveries_keep_the_largest_stamp [9],
    ],
    "gossip" => [
        scenarios::replicas_answer_at_once_from_their_own_copy [1, 2],
        stamps::stamps_are_the_acceptance_time_and_never_repeat [3, 4, 8],
        scenarios::replicas_gossip_on_their_own_tick [5, 7, 8],
        scenarios::changes_cross_a_long_partition_with_nothing_new_to_carry_them [6, 7, 8],
        lost::a_lost_message_is_repaired_whichever_it_is [6, 7, 8],
        gossip::replicas_converge_under_loss_duplication_and_partitions [1, 2, 7, 8],
    ],
}
