//! The trade-off in numbers: the tallies agree with the runs, and show the trade.

use cap::{Mode, Request, Response, Tally};
use testkit::sim::Call;

/// The suite's own count of one run.
fn count(calls: &[Call<Request, Response>]) -> Tally {
    let refused = calls
        .iter()
        .filter(|c| matches!(c.outcome.response(), Some(Response::Unavailable { .. })))
        .count();
    let stale_reads = calls
        .iter()
        .filter(|c| {
            matches!(
                c.outcome.response(),
                Some(Response::Value { stale: true, .. })
            )
        })
        .count();
    Tally {
        requests: calls.len(),
        refused,
        stale_reads,
    }
}

pub fn numbers_match_the_runs() {
    let base = suite_harness::seed();
    for seed in base..base + 20 {
        let got = cap::tradeoff(seed);
        let cp = count(cap::run_workload(Mode::Cp, seed).calls());
        let ap = count(cap::run_workload(Mode::Ap, seed).calls());
        let what = "run_workload in each mode (healthy, then {n0 n1} | {n2 n3 n4} for 200ms, \
                    then healed); a tally counts every request, the ones answered Unavailable, \
                    and the reads answered with stale: true";
        assert!(
            got.cp == cp && got.ap == ap,
            "{what}.\nCounted from the calls of the runs: CP {cp:?}, AP {ap:?}.\n\
             tradeoff({seed}) reported: CP {:?}, AP {:?}.",
            got.cp,
            got.ap
        );
        assert!(
            cp.refused > 0 && cp.stale_reads == 0,
            "{what}.\nCP mode must refuse the requests that reach n0 and n1 during the \
             partition and never serve a stale read; it refused {} and served {} stale reads \
             (seed {seed}).",
            cp.refused,
            cp.stale_reads
        );
        assert!(
            ap.refused == 0 && ap.stale_reads > 0,
            "{what}.\nAP mode must refuse nothing and mark the reads made while cut off as \
             stale; it refused {} and served {} stale reads (seed {seed}).",
            ap.refused,
            ap.stale_reads
        );
    }
}
