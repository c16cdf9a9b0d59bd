//! The trade-off in numbers: what the calls of a run of the course's workload
//! ([`run_workload`](crate::run_workload), given) got, counted, for each mode.
//!
//! CP refuses what reaches n0 and n1 during the partition and never serves a stale
//! read; AP refuses nothing and says "stale" on both sides of the partition.

use testkit::sim::Call;

use crate::{Mode, Replica, Request, Response, Tally, Tradeoff, run_workload};

/// Counts, in `calls`, the requests, the refusals (`Unavailable` answers) and the reads
/// served marked stale. Calls that got no answer count as requests only.
pub fn tally(calls: &[Call<Request, Response>]) -> Tally {
    let mut tally = Tally {
        requests: calls.len(),
        ..Tally::default()
    };
    for call in calls {
        match call.outcome.response() {
            Some(Response::Unavailable { .. }) => tally.refused += 1,
            Some(Response::Value { stale: true, .. }) => tally.stale_reads += 1,
            // Fresh reads, writes, and calls without an answer (timed out) are neither:
            // a timeout is not a refusal the system owned up to.
            _ => {}
        }
    }
    tally
}

/// Runs the workload with `seed` in each mode ([`run_workload`](crate::run_workload))
/// and tallies both.
pub fn tradeoff(seed: u64) -> Tradeoff {
    // The workload builds its replicas with `Replica::new`, in the mode asked for: the
    // same seed gives the same requests in both runs, so only the mode differs.
    Tradeoff {
        cp: tally(run_workload(Mode::Cp, seed, Replica::new).calls()),
        ap: tally(run_workload(Mode::Ap, seed, Replica::new).calls()),
    }
}
