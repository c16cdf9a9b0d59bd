//! The worlds the tests build: the exercise's network, the student's replicas speaking
//! the course's protocol, and histories recorded by the course's mapping.

use std::time::Duration;

use crate::student::Replica;
use sequential_given::{Msg, Request, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::sequential::Sequential;
use testkit::history::History;
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::sim::{Config, Node, NodeId, World};

/// The longest delay of the exercise's network.
pub const MAX_DELAY: Duration = Duration::from_millis(20);

/// The network of the exercise on `seed`: delays of 1 to 20 ms, so messages overtake
/// each other, and one copy in four delivered twice. Nothing is lost.
pub fn config(seed: u64) -> Config {
    Config::new(seed)
        .delay(Duration::from_millis(1), MAX_DELAY)
        .duplicate(0.25)
        .client_timeout(Duration::from_secs(10))
        .trace(false)
}

/// A network whose every message takes exactly `delay`: the order of events is fixed
/// by the script alone, whatever the seed. Ticks are off: no test may depend on them.
pub fn fixed(delay: Duration) -> Config {
    Config::new(1)
        .delay(delay, delay)
        .tick(None)
        .client_timeout(Duration::from_secs(10))
}

/// A fresh replica of the student's, to be node `_node` of a world. It speaks the
/// course's types: the bridge ties the student's node to them (see `student`).
pub fn replica(_node: NodeId) -> Replica {
    Replica::new()
}

/// `nodes` fresh replicas of the student's.
pub fn replicas(nodes: usize) -> Vec<Replica> {
    (0..nodes).map(replica).collect()
}

/// The history of `world`'s calls, as the course records them, or why none can be made
/// (an answer that does not fit its request).
pub fn record<N>(world: &World<N>) -> Result<History, String>
where
    N: Node<Request = Request, Response = Response>,
{
    sequential_given::history(world).map_err(|e| {
        format!(
            "the calls do not make a history: {e}. A read is answered with \
             Response::Value and a write with Response::Written (README rules sequential.2 \
             and sequential.9).\n{:?}",
            world.calls()
        )
    })
}

/// Whether the history of `world` is sequentially consistent (README rule
/// sequential.13); the violation drawn as a timeline if not. When `attach` (the run a
/// failure shows, not each run tried while shrinking), the smallest part of the history
/// that still fails is drawn instead, and attached as a report.
pub fn sequential_history(
    world: &World<Replica>,
    scenario: &str,
    attach: bool,
) -> Result<(), String> {
    let history = record(world)?;
    let checker = Sequential::new(ModelKind::Register);
    let verdict = checker
        .check(&history)
        .expect("a register history the checker can read");
    if let Some(violation) = verdict.violation() {
        let explained = if attach {
            let report = CheckReport::new(
                scenario.to_owned(),
                "sequential consistency",
                &history,
                Some(ModelKind::Register),
                &verdict,
            )
            .smallest(&history, &checker);
            suite_harness::attach("check-report", &report.to_json());
            report.explain(&history)
        } else {
            violation.explain(&history)
        };
        return Err(format!(
            "what the clients saw fits no single order of all writes (README rule \
             sequential.13):\n{explained}"
        ));
    }
    if !verdict.holds() {
        return Err(format!(
            "the sequential checker could not decide this history: {verdict:?}"
        ));
    }
    Ok(())
}
