//! The hidden suite of 03_causal: vector clocks, causal delivery, and a causally
//! consistent store judged by the causal checker.
//!
//! The course's types (`Order`, `Request`, `Response`) come from `causal_given`, never
//! through the student's crate; the student's values are looked at only through
//! `observe.rs`.

mod clocks;
mod delivery;
mod observe;
mod store;

suite_harness::suite! {
    "clocks" => [
        clocks::missing_entries_count_as_zero,
        clocks::comparison_is_the_happened_before_order,
        clocks::merge_keeps_the_larger_entry,
        clocks::display_is_readable,
    ],
    "delivery" => [
        delivery::own_messages_deliver_at_once,
        delivery::receiving_is_not_an_event,
        delivery::gaps_hold_back_and_fill_in_cascade,
        delivery::waits_for_what_the_sender_had_seen,
        delivery::duplicates_are_dropped,
        delivery::random_schedules_deliver_causally,
    ],
    "store" => [
        store::a_reply_is_never_seen_before_its_post,
        store::a_cut_off_replica_sees_only_its_own_writes,
        store::random_schedules_are_causal_and_converge,
    ],
}
