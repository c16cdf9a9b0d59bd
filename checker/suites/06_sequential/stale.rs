//! The student's scenario of a stale read, played by the suite on the course's own
//! register: the run must tell sequential consistency and linearizability apart.
//!
//! The student hands over a script, never a history: the suite builds every world, from
//! the course's replica (`course.rs`), plays the script on it with the course's player,
//! and records what the calls returned with the course's mapping. The student's replica
//! plays no part, so this task costs nothing when the replica is wrong, and a mistake
//! here is the scenario's own.

use std::time::Duration;

use sequential_given::Scenario;
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::history::timeline::{Options, render};
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::sim::Config;

use crate::course::CourseReplica;
use crate::world::config;

/// Seeds of the exercise's network to play the scenario on: the run must make the
/// point on each.
const SEEDS: u64 = 40;

/// The student's scenario, typed as the course's: the bridge returns the course's
/// `Scenario`, so a scenario type of the student's own does not compile.
fn scenario() -> Scenario {
    crate::student::stale_read_scenario()
}

/// `stale_read_scenario` can be played, and writes at least once and each value at
/// most once.
pub fn the_scenario_is_well_formed() {
    let scenario = scenario();
    if let Err(e) = scenario.check() {
        suite_harness::fail(format!(
            "stale_read_scenario cannot be played: {e} (README rule not_linearizable.1).\n{}",
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
             {} distinct value(s) (README rule not_linearizable.2).\n{}",
            written.len(),
            steps(&scenario)
        ));
    }
    if let Err(e) = scenario.run(config(suite_harness::seed()), |_| CourseReplica::default()) {
        suite_harness::fail(format!(
            "stale_read_scenario stopped: {e} (README rule not_linearizable.1).\n{}",
            steps(&scenario)
        ));
    }
}

/// On every seed of the exercise's network, the run is sequentially consistent and not
/// linearizable.
pub fn the_run_is_sequential_but_not_linearizable() {
    let scenario = scenario();
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let network = format!(
            "the exercise's network (delays of 1 to 20 ms, reordering, duplicates), seed {seed}"
        );
        if let Err(why) = judge(&scenario, config(seed), &network) {
            suite_harness::replay_from(seed);
            suite_harness::fail(format!("seed {seed}: {why}"));
        }
    }
}

/// The run makes its point on the fastest and on the slowest network the exercise
/// allows: every message 1 ms, and every message 20 ms.
pub fn the_run_makes_its_point_at_every_speed() {
    let scenario = scenario();
    for delay in [1, 20] {
        let d = Duration::from_millis(delay);
        let config = Config::new(suite_harness::seed())
            .delay(d, d)
            .client_timeout(Duration::from_secs(10))
            .trace(false);
        let network = format!("a network whose every message takes {delay} ms");
        if let Err(why) = judge(&scenario, config, &network) {
            suite_harness::fail(format!(
                "{why}\nOn the exercise's network a message takes anything from 1 to 20 ms, \
                 so the scenario must make its point whether messages are all fast or all \
                 slow: wait for answers (Step::Await), not for a guessed span of time \
                 (README rule not_linearizable.5)."
            ));
        }
    }
}

/// Plays `scenario` on the course's register on `config`, described as `network`, and
/// judges its history: sequentially consistent, and not linearizable.
fn judge(scenario: &Scenario, config: Config, network: &str) -> Result<(), String> {
    let play =
        |trace: bool| scenario.run(config.clone().trace(trace), |_| CourseReplica::default());
    let world = play(false).map_err(|e| {
        format!(
            "stale_read_scenario stopped on {network}: {e} (README rule \
             not_linearizable.1).\n{}",
            steps(scenario)
        )
    })?;
    let history = crate::world::record(&world)?;
    // Played again with its trace to draw a failure: the seed makes both runs the same.
    // The smallest part that still fails is drawn, and told.
    let report = |check: &str, checker: &dyn ConsistencyCheck, verdict| {
        let traced = play(true).expect("the same scenario played the same way");
        let report = CheckReport::new(
            format!("stale_read_scenario on {network}"),
            check,
            &history,
            Some(ModelKind::Register),
            verdict,
        )
        .smallest(&history, checker)
        .with_trace(&history, traced.trace());
        suite_harness::attach("check-report", &report.to_json());
        report.explain(&history)
    };
    let checker = Sequential::new(ModelKind::Register);
    let seq = checker
        .check(&history)
        .expect("a register history the checker can read");
    if seq.violation().is_some() {
        let explained = report("sequential consistency", &checker, &seq);
        return Err(format!(
            "played on {network}, on the course's own register (which keeps every rule of \
             task `sequential`), the run of stale_read_scenario is not even sequentially \
             consistent, so it shows no gap between the two models. Keep each client at \
             one replica: a client that reads a new value at one replica and then an older \
             one at another goes back on its own order (README rule not_linearizable.3).\n{}",
            explained
        ));
    }
    if !seq.holds() {
        return Err(format!("the sequential checker said {seq:?}"));
    }
    let lin = Linearizable::new(ModelKind::Register)
        .check(&history)
        .expect("a register history the checker can read");
    if lin.holds() {
        return Err(format!(
            "played on {network}, on the course's own register, the run of \
             stale_read_scenario is linearizable, so it does not tell the two models apart \
             (README rule not_linearizable.4):\n{}\n\
             Make a read start after a write has returned (await the write's answer before \
             the read is called), at a replica that has not applied that write and cannot \
             get it, so that it answers from its stale copy.",
            render(&history, &Options::new())
        ));
    }
    if lin.violation().is_none() {
        return Err(format!("the linearizability checker said {lin:?}"));
    }
    Ok(())
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
