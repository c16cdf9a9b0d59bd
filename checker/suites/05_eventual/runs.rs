//! Randomized runs: a seed loop that, on the first failing run, shrinks it to the smallest
//! run of that seed that still fails and fails the test with that one.
//!
//! Each randomized test is a function from a seed and a size (how many copies, steps,
//! nodes, ...) to `Ok` or the failure it explains. The loop tries the test's seeds from
//! the suite's seed on; the first that fails is named to the checker
//! (`suite_harness::replay_from`), so the replay line starts the loop at that run, and is
//! shrunk with `testkit::shrink` within a fixed budget of tries, so the same failure
//! always shrinks to the same run.

use std::fmt::Display;
use std::panic::{self, AssertUnwindSafe};

use testkit::shrink::{Budget, Shrink, shrink};

/// Runs shrinking may try: a few hundred milliseconds for the largest worlds here.
const TRIES: usize = 60;

/// Runs `scenario`, turning a panic of the code under test into a failure, so a run that
/// panics is shrunk and replayed like any other.
pub fn attempt(scenario: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    match panic::catch_unwind(AssertUnwindSafe(scenario)) {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a value that is not text".to_owned());
            Err(format!("The code under test panicked: {text}"))
        }
    }
}

/// Tries `run` on `seeds` seeds from the suite's seed on, each at the size `full` gives
/// for that seed (a size decided by the seed, not by its place in the loop, so that the
/// replay line, which starts the loop at the failing seed, replays the same run). On the
/// first failure: names that seed for the
/// replay, shrinks the run's size, and fails the test with the smallest failing run's
/// explanation.
pub fn over_seeds<P: Shrink + Display>(
    seeds: u64,
    full: impl Fn(u64) -> P,
    run: impl Fn(u64, &P) -> Result<(), String>,
) {
    let base = suite_harness::seed();
    for seed in base..base + seeds {
        let full = full(seed);
        let Err(failure) = attempt(|| run(seed, &full)) else {
            continue;
        };
        suite_harness::replay_from(seed);
        let smallest = shrink(full.clone(), failure, Budget { tries: TRIES }, |size| {
            attempt(|| run(seed, size)).err()
        });
        let how = if smallest.steps == 0 {
            format!("No smaller run of seed {seed} fails: this is the run ({full}).")
        } else {
            format!(
                "This is the smallest failing run found of seed {seed}: {} (the first run \
                 to fail had {full}; {} smaller runs tried).",
                smallest.params, smallest.tries
            )
        };
        suite_harness::fail(format!(
            "{}\n\n{how} Seed {seed} is the {} run of this test's loop.",
            smallest.failure,
            ordinal(seed - base + 1)
        ));
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ... `11th`, `21st`.
fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
