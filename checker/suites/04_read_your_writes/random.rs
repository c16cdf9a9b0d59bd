//! Randomized runs: many seeds from the suite's seed on, and a failing run shrunk to the
//! smallest one that still fails on its seed, reported with that seed so that the
//! checker's replay line starts at it.
//!
//! A run's size is a `testkit::shrink::RunSize`: its `nodes` are the leader and the
//! replicas, its `faults` the times a replica is cut off or reconnected.

use std::panic::{AssertUnwindSafe, catch_unwind};

use testkit::check::ConsistencyCheck;
use testkit::check::causal::{Guarantee, Session as SessionCheck};
use testkit::history::History;
use testkit::report::CheckReport;
use testkit::shrink::{Budget, RunSize, shrink};

/// Smaller runs tried, at most, when one fails: a run takes a few milliseconds, so this
/// costs well under a second, and a failing submission can afford it.
const TRIES: usize = 60;

/// How one run failed: what to tell the student, and the history check's report to draw
/// when the history itself shows the violation.
#[derive(Clone, Debug)]
pub struct Failure {
    pub message: String,
    pub report: Option<String>,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure {
            message,
            report: None,
        }
    }
}

/// The number of replicas of a run.
pub fn replicas(size: &RunSize) -> usize {
    size.nodes - 1
}

/// Runs `run` on seeds `seed()..seed() + seeds`, each at size `start`; at the first that
/// fails, shrinks it and fails with the smallest failing run of that seed.
/// `describe` says what a run of a given size does.
pub fn each_seed(
    seeds: u64,
    start: RunSize,
    describe: impl Fn(&RunSize) -> String,
    run: impl Fn(u64, &RunSize) -> Result<(), Failure>,
) {
    let base = suite_harness::seed();
    for seed in base..base + seeds {
        if let Err(failure) = guarded(&run, seed, &start) {
            fail_smallest(seed, start, failure, &describe, &run);
        }
    }
}

/// Shrinks the run of `seed` that failed at `start` and fails the test with the
/// smallest that still fails, its seed and its size; the replay line starts at `seed`.
pub fn fail_smallest(
    seed: u64,
    start: RunSize,
    failure: Failure,
    describe: &impl Fn(&RunSize) -> String,
    run: &impl Fn(u64, &RunSize) -> Result<(), Failure>,
) -> ! {
    let smallest = shrink(start, failure, Budget { tries: TRIES }, |size| {
        guarded(run, seed, size).err()
    });
    suite_harness::replay_from(seed);
    if let Some(report) = &smallest.failure.report {
        suite_harness::attach("check-report", report);
    }
    let shrunk = if smallest.steps == 0 {
        "No smaller run of this seed fails".to_owned()
    } else {
        format!(
            "This is the smallest run of this seed that still fails, found in {} tries; the \
             test began with {} replicas, {} clients and {} operations each",
            smallest.tries,
            replicas(&start),
            start.clients,
            start.ops
        )
    };
    panic!(
        "{}\n{}\n(Seed {seed}. {shrunk}.)",
        describe(&smallest.params),
        smallest.failure.message
    )
}

/// One run, with a panic of the submission's code on the test's thread counted as a
/// failure like any other, so that shrinking can go on past it.
fn guarded(
    run: &impl Fn(u64, &RunSize) -> Result<(), Failure>,
    seed: u64,
    size: &RunSize,
) -> Result<(), Failure> {
    match catch_unwind(AssertUnwindSafe(|| run(seed, size))) {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a value that is not text".to_owned());
            // Dropping a payload runs the submission's code, which may panic again.
            std::mem::forget(payload);
            Err(format!("the run panicked: {text}").into())
        }
    }
}

/// When `history` breaks `guarantee`: the checker's explanation (a timeline of the
/// violating part) and its report, for the checker to draw.
pub fn violation(history: &History, guarantee: Guarantee, title: &str) -> Option<Failure> {
    let verdict = match SessionCheck(guarantee).check(history) {
        Ok(verdict) => verdict,
        Err(error) => {
            return Some(format!("the history checker could not read the history: {error}").into());
        }
    };
    verdict.violation()?;
    let report = CheckReport::new(
        title.to_owned(),
        guarantee.to_string(),
        history,
        None,
        &verdict,
    )
    .smallest(history, &SessionCheck(guarantee));
    Some(Failure {
        message: report.explain(history),
        report: Some(report.to_json()),
    })
}
