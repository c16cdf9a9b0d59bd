//! The hidden suite of 03_causal: vector clocks, causal delivery, and a causally
//! consistent store judged by the causal checker.
//!
//! The course's types (`Order`, `Request`, `Response`) come from `causal_given`, never
//! through the student's crate; the student's values are looked at only through
//! `observe.rs`. Each test names the clauses of the README it checks.
//!
//! | file | concern |
//! | --- | --- |
//! | `observe.rs` | the only ways the suite reads the student's values |
//! | `blame.rs` | a failure names the task it builds on when that one fails too |
//! | `clocks.rs` | vector clocks, exhaustively over small clocks |
//! | `delivery.rs` | causal delivery, hand-built scenarios |
//! | `delivery_random.rs` | random arrival orders on 2 to 7 nodes, shrunk on failure |
//! | `kv.rs` | what the store's tests share |
//! | `store.rs` | the store, hand-built scenarios on the simulated network |
//! | `schedules.rs` | every schedule of two small worlds, with the explorer |
//! | `store_random.rs` | random clients on 2 to 7 replicas, shrunk on failure |

mod blame;
mod clocks;
mod delivery;
mod delivery_random;
mod kv;
mod observe;
mod schedules;
mod store;
mod store_random;

suite_harness::suite! {
    "clocks" => [
        clocks::missing_entries_count_as_zero [1, 2, 6],
        clocks::comparison_is_the_happened_before_order [4, 5, 6],
        clocks::merge_keeps_the_larger_entry [3],
        clocks::entries_list_the_counters_in_node_order [2, 7, 8],
        clocks::display_is_readable [9],
    ],
    "delivery" => [
        delivery::own_messages_deliver_at_once [1, 2],
        delivery::receiving_is_not_an_event [3],
        delivery::gaps_hold_back_and_fill_in_cascade [4, 6],
        delivery::waits_for_what_the_sender_had_seen [4],
        delivery::cascades_cross_senders_in_any_order [6],
        delivery::delivered_messages_are_as_sent [5],
        delivery::duplicates_are_dropped [7],
        delivery_random::random_schedules_deliver_causally [5, 8],
    ],
    "store" => [
        store::a_reply_is_never_seen_before_its_post [4],
        store::a_cut_off_replica_sees_only_its_own_writes [1, 2, 8],
        store::every_write_reaches_every_replica_at_every_size [3, 7, 10],
        store::a_write_never_loses_to_one_it_depends_on [6],
        store::snapshot_is_the_replicas_copy [9],
        schedules::held_back_writes_wait_for_their_past [2, 4, 5, 10],
        schedules::concurrent_writes_settle_alike_in_every_order [6, 7],
        store_random::random_schedules_are_causal_and_converge [7, 11],
    ],
}
