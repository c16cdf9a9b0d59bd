//! The trade-off in numbers: what the calls of a run of the course's workload
//! ([`run_workload`](crate::run_workload), given) got, counted, for each mode.
//!
//! CP refuses what reaches n0 and n1 during the partition and never serves a stale
//! read; AP refuses nothing and says "stale" on both sides of the partition.

use testkit::sim::Call;

use crate::{Request, Response, Tally, Tradeoff};

/// Counts, in `calls`, the requests, the refusals (`Unavailable` answers) and the reads
/// served marked stale. Calls that got no answer count as requests only.
pub fn tally(calls: &[Call<Request, Response>]) -> Tally {
    // TODO: count what each call's outcome says.
    todo!("tally {} calls", calls.len())
}

/// Runs the workload with `seed` in each mode ([`run_workload`](crate::run_workload))
/// and tallies both.
pub fn tradeoff(seed: u64) -> Tradeoff {
    // TODO: one run of the course's workload per mode (its replicas made by
    // `Replica::new`), one tally per run.
    todo!("compare the modes on the workload with seed {seed}")
}
