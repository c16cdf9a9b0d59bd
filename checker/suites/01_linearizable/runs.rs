//! Randomized runs: the seeds a test tries, and what it reports when one fails.
//!
//! A randomized test tries `count` seeds from the run's seed. When one fails, the test
//! shrinks that run (the same seed with fewer clients, operations, nodes or faults; see
//! `testkit::shrink`) to the smallest that still fails, within a budget of tries, names
//! the failing seed to the checker (`suite_harness::replay_from`) so that its replay line
//! starts at that run, and fails with the smallest run's own message.

use testkit::shrink::{Budget, Shrink, shrink};

/// How many smaller runs a failure may try before it reports the smallest found. Runs of
/// the course's suites take milliseconds; a failure is worth a fraction of a second.
const TRIES: usize = 60;

/// Runs `run` for each seed of `seeds`, on the run `start` gives for that seed, and
/// returns when all pass. On the first failure, shrinks the run on that seed and fails
/// the test with its message: what `run` said about the smallest failing run, the size
/// it had, and the size it started from. `run` returns `None` when the run passed, or
/// why it failed.
pub fn each_seed<P>(
    seeds: impl IntoIterator<Item = u64>,
    start: impl Fn(u64) -> P,
    mut run: impl FnMut(u64, &P) -> Option<String>,
) where
    P: Shrink + std::fmt::Display + PartialEq,
{
    for seed in seeds {
        let start = start(seed);
        let Some(failure) = run(seed, &start) else {
            continue;
        };
        let smallest = shrink(start.clone(), failure, Budget { tries: TRIES }, |p| {
            run(seed, p)
        });
        suite_harness::replay_from(seed);
        let size = if smallest.params == start {
            format!("the run: {start}")
        } else {
            format!(
                "the smallest failing run found on this seed: {} (the test's own run: {start})",
                smallest.params
            )
        };
        suite_harness::fail(format!("seed {seed}, {size}\n\n{}", smallest.failure));
    }
}

/// The seeds of a randomized test: `count` of them from the run's seed.
pub fn seeds(count: u64) -> std::ops::Range<u64> {
    let base = suite_harness::seed();
    base..base.saturating_add(count)
}
