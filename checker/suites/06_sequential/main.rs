//! The hidden suite of 06_sequential: a register replicated through a sequencer is
//! sequentially consistent under delay, reordering and duplication, and the student's
//! scenario, played here on the student's replicas, shows that it is not linearizable.
//!
//! Every value a verdict reads is of a type the course wrote (`sequential_given`), and
//! every history is recorded here from what the calls returned: nothing the student's
//! crate implements for a type of its own decides a result.

mod random;
mod stale;
mod world;

suite_harness::suite! {
    "sequential" => [
        random::a_client_reads_its_own_write,
        random::random_schedules_are_sequentially_consistent,
    ],
    "not_linearizable" => [
        stale::the_run_is_sequential_but_not_linearizable,
        stale::the_run_comes_from_a_register_that_keeps_its_rules,
    ],
}
