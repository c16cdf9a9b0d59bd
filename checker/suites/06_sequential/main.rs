//! The hidden suite of 06_sequential: a register replicated through a sequencer is
//! sequentially consistent under delay, reordering and duplication, and the student's own
//! run shows that it is not linearizable.

mod random;
mod stale;

suite_harness::suite! {
    "sequential" => [
        random::a_client_reads_its_own_write,
        random::random_schedules_are_sequentially_consistent,
    ],
    "not_linearizable" => [
        stale::the_history_is_sequential_but_not_linearizable,
    ],
}
