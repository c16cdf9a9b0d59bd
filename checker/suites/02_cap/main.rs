//! The hidden suite of 02_cap: a CP mode that refuses without a majority, an AP mode
//! that always answers, convergence after the heal, and the trade-off in numbers.
//!
//! Each test names the clauses of the README it checks. Each task's tests run in worlds
//! where the other tasks' parts cannot decide the verdict where the API allows it: the
//! tally is held to a node of the suite's own, and the staleness test gives replicas
//! writes to spread so that a missing anti-entropy costs only `convergence`.

mod ap;
mod ap_stale;
mod common;
mod convergence;
mod cp;
mod cp_history;
mod cp_network;
mod tradeoff;

suite_harness::suite! {
    "cp" => [
        cp::minority_refuses_promptly_and_leaves_no_trace [1, 2, 3, 5, 8, 11],
        cp::a_slow_majority_is_waited_for_and_a_slower_one_refused [2, 3, 4],
        cp::many_requests_at_one_node_each_get_their_answer [1, 3, 7],
        cp_history::a_read_writes_back_what_it_returns [6],
        cp_history::a_coordinator_that_missed_writes_stamps_above_them [6, 7],
        cp_history::histories_are_linearizable_under_partitions [1, 6, 7, 9],
        cp_network::refusals_come_on_the_replicas_own_round [1, 3, 10],
        cp_network::duplicated_answers_count_once [2, 9],
        cp_network::lost_messages_are_sent_again [4, 9],
        cp_network::small_worlds_are_linearizable_in_every_schedule [6, 7, 9],
    ],
    "ap" => [
        ap_stale::every_node_answers_and_owns_up_to_staleness [1, 4, 5, 6],
        ap_stale::staleness_starts_past_stale_after [4, 5],
        ap::ties_break_by_node_id_not_arrival [2, 3],
        ap::later_writes_win_whatever_arrives_last [2, 3],
    ],
    "convergence" => [
        convergence::replicas_converge_after_the_heal [1, 2, 3, 5],
        convergence::rounds_are_the_replicas_own [1, 3, 4, 5],
    ],
    "tradeoff" => [
        tradeoff::tally_counts_every_outcome [1, 2, 3],
        tradeoff::numbers_match_the_runs [4],
    ],
}
