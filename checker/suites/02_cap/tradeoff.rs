//! The trade-off in numbers: the tallies agree with the runs, and the runs show the
//! trade.
//!
//! Every run is the course's workload (`cap_given::run_workload`) on the student's
//! replicas, driven here and counted here: the numbers the verdicts read come from the
//! calls the world recorded, and the student's `tally` and `tradeoff` are held to them.
//! Their results are taken as `cap_given`'s `Tally` and `Tradeoff`, so the comparison is
//! the course's derived one.

use cap::Replica;
use cap_given::{Mode, Request, Response, Tally, Tradeoff, run_workload};
use testkit::sim::Call;

/// How many seeds each test runs, from the suite's seed on.
const SEEDS: u64 = 20;

const WHAT: &str = "run_workload in each mode (healthy, then {n0 n1} | {n2 n3 n4} for 200ms, \
                    then healed); a tally counts every request, the ones answered Unavailable, \
                    and the reads answered with stale: true";

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

/// `tally` of the calls of a run the suite made counts what the suite counts, in both
/// modes; of no calls, nothing.
pub fn tally_counts_the_calls_of_a_run() {
    let none: Tally = cap::tally(&[]);
    assert!(
        none == Tally::default(),
        "tally(&[]) must count nothing; it counted {none:?}."
    );
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        for mode in [Mode::Cp, Mode::Ap] {
            let run = run_workload(mode, seed, Replica::new);
            let counted = count(run.calls());
            let told: Tally = cap::tally(run.calls());
            assert!(
                told == counted,
                "{WHAT}.\nThe {mode:?} run of seed {seed} made {} calls; counted from their \
                 outcomes: {counted:?}. tally of the same calls said {told:?}. A call that \
                 timed out got no answer: it is a request, not a refusal.",
                counted.requests
            );
        }
    }
}

/// `tradeoff(seed)` reports the counts of the course's runs with `seed`, and those runs
/// show the trade: CP refuses and is never stale, AP never refuses and is stale.
pub fn numbers_match_the_runs() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let got: Tradeoff = cap::tradeoff(seed);
        let cp = count(run_workload(Mode::Cp, seed, Replica::new).calls());
        let ap = count(run_workload(Mode::Ap, seed, Replica::new).calls());
        assert!(
            got == (Tradeoff { cp, ap }),
            "{WHAT}.\nCounted from the calls of the course's runs: CP {cp:?}, AP {ap:?}.\n\
             tradeoff({seed}) reported: CP {:?}, AP {:?}. Run the given workload, in each \
             mode, with the same seed, and tally its calls.",
            got.cp,
            got.ap
        );
        assert!(
            cp.refused > 0 && cp.stale_reads == 0,
            "{WHAT}.\nCP mode must refuse the requests that reach n0 and n1 during the \
             partition and never serve a stale read; it refused {} and served {} stale reads \
             (seed {seed}).",
            cp.refused,
            cp.stale_reads
        );
        assert!(
            ap.refused == 0 && ap.stale_reads > 0,
            "{WHAT}.\nAP mode must refuse nothing and mark the reads made while cut off as \
             stale; it refused {} and served {} stale reads (seed {seed}).",
            ap.refused,
            ap.stale_reads
        );
    }
}
