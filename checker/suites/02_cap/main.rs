//! The hidden suite of 02_cap: a CP mode that refuses without a majority, an AP mode
//! that always answers, convergence after the heal, and the trade-off in numbers.

mod ap;
mod common;
mod cp;
mod tradeoff;

suite_harness::suite! {
    "cp" => [
        cp::minority_refuses_promptly_and_leaves_no_trace,
        cp::two_two_split_refuses_on_both_sides,
        cp::histories_are_linearizable_under_partitions,
    ],
    "ap" => [
        ap::every_node_answers_and_owns_up_to_staleness,
        ap::ties_break_by_node_id_not_arrival,
    ],
    "convergence" => [ap::replicas_converge_after_the_heal],
    "tradeoff" => [
        tradeoff::tally_counts_the_calls_of_a_run,
        tradeoff::numbers_match_the_runs,
    ],
}
