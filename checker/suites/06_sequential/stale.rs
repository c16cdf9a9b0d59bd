//! The student's scenario of a stale read, played by the suite on the student's replicas:
//! the run must tell sequential consistency and linearizability apart.
//!
//! The student hands over a script, never a history: the suite builds every world from
//! the student's `Replica`, plays the script on it with the course's player, and records
//! what the calls returned with the course's mapping.

use sequential_given::Scenario;
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::history::History;
use testkit::history::timeline::{Options, render};
use testkit::model::ModelKind;
use testkit::report::CheckReport;

use crate::random;
use crate::world::{config, record, replica};

/// Seeds to play the scenario on: the run must make the point on each.
const SEEDS: u64 = 100;

/// `stale_read_scenario`, played on the student's replicas on every seed, writes each
/// value at most once and gives a history that the sequential checker accepts and the
/// linearizability checker rejects.
pub fn the_run_is_sequential_but_not_linearizable() {
    // Typed as the course's: a scenario type of the student's own does not compile here.
    let scenario: Scenario = sequential::stale_read_scenario();
    if let Err(e) = scenario.check() {
        suite_harness::fail(format!(
            "stale_read_scenario cannot be played: {e}.\n{}",
            steps(&scenario)
        ));
    }
    let mut written = scenario.written();
    let writes = written.len();
    written.sort_unstable();
    written.dedup();
    if written.len() != writes || writes == 0 {
        suite_harness::fail(format!(
            "stale_read_scenario must write at least once, and each value at most once \
             (unique values make every read point at one write); it writes {writes} time(s), \
             {} distinct value(s).\n{}",
            written.len(),
            steps(&scenario)
        ));
    }
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        // Played without a trace (fast), and again with one to draw a failure: the seed
        // makes both runs the same.
        let play = |trace: bool| scenario.run(config(seed).trace(trace), replica);
        let world = play(false).unwrap_or_else(|e| {
            suite_harness::fail(format!(
                "seed {seed}: stale_read_scenario stopped: {e}.\n{}",
                steps(&scenario)
            ))
        });
        let history = record(&world).unwrap_or_else(|why| {
            suite_harness::fail(format!("seed {seed}: stale_read_scenario: {why}"))
        });
        let report = |check: &str, verdict| {
            let traced = play(true).expect("the same scenario played the same way");
            let report = CheckReport::new(
                format!("stale_read_scenario (seed {seed})"),
                check,
                &history,
                Some(ModelKind::Register),
                verdict,
            )
            .with_trace(&history, traced.trace());
            suite_harness::attach("check-report", &report.to_json());
        };
        let seq = Sequential::new(ModelKind::Register)
            .check(&history)
            .expect("a register history the checker can read");
        if let Some(violation) = seq.violation() {
            report("sequential consistency", &seq);
            suite_harness::fail(format!(
                "seed {seed}: the run of stale_read_scenario is not even sequentially \
                 consistent, so it shows a broken register rather than the gap between the two \
                 models. Keep each client at one replica: a client that reads a new value at \
                 one replica and then an older one at another goes back on its own order.\n{}",
                violation.explain(&history)
            ));
        }
        if !seq.holds() {
            suite_harness::fail(format!("seed {seed}: the sequential checker said {seq:?}"));
        }
        let lin = Linearizable::new(ModelKind::Register)
            .check(&history)
            .expect("a register history the checker can read");
        if lin.holds() {
            suite_harness::fail(format!(
                "seed {seed}: the run of stale_read_scenario is linearizable, so it does not \
                 tell the two models apart:\n{}\n\
                 Make a read start after a write has returned (await the write's answer \
                 before the read is called), at a replica that has not applied that write \
                 yet and cannot get it, so that it answers from its stale copy.",
                timeline(&history)
            ));
        }
        if lin.violation().is_none() {
            suite_harness::fail(format!(
                "seed {seed}: the linearizability checker said {lin:?}"
            ));
        }
    }
}

/// The run of the scenario counts only on a replica that keeps the rules of task
/// `sequential`: a replica that answers at once and orders nothing shows stale reads
/// too, but not the gap between the two models.
pub fn the_run_comes_from_a_register_that_keeps_its_rules() {
    if let Err(why) = random::the_rules_hold() {
        suite_harness::fail(format!(
            "A stale read only tells the two models apart when the register that served it \
             is sequentially consistent, so this task counts once your Replica keeps the rules \
             of task `sequential`. It breaks one:\n{why}"
        ));
    }
}

/// The scenario's steps, one a line, for a failure message.
fn steps(scenario: &Scenario) -> String {
    let lines: Vec<String> = scenario
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| format!("  step {i}: {step:?}"))
        .collect();
    format!(
        "The scenario ({} replicas):\n{}",
        scenario.replicas,
        lines.join("\n")
    )
}

/// The history drawn as a timeline.
fn timeline(history: &History) -> String {
    render(history, &Options::new())
}
