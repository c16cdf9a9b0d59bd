//! What the tests share: building worlds, describing calls, reading replicas.
//!
//! The suite takes only `Replica` from the student's crate; every type a verdict reads
//! comes from `cap_given`, the course's crate, whose derived comparisons are the
//! course's. A crate whose replica speaks in a `Request` or `Response` of its own, with
//! its own `PartialEq` or `Recordable`, does not compile against this suite, and what a
//! replica holds is read as the std map `snapshot` promises, never as a type the
//! student could give a comparison of their own.

use std::collections::BTreeMap;
use std::time::Duration;

use cap::Replica;
use cap_given::{Mode, Request, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::sim::{Call, Config, Node, World};

/// How many seeds each randomized test runs, from the suite's seed on.
pub const SEEDS: u64 = 100;

/// The slowest a message travels with the default configuration.
pub const MAX_DELAY: Duration = Duration::from_millis(5);

pub fn world(mode: Mode, nodes: usize, config: Config) -> World<Replica> {
    course_types(World::new(
        config,
        (0..nodes).map(|_| Replica::new(mode)).collect(),
    ))
}

/// Nothing at run time: the bound makes the compiler hold the replica to the course's
/// requests and answers, and say so here rather than at some `match` further on.
fn course_types<N: Node<Request = Request, Response = Response>>(world: World<N>) -> World<N> {
    world
}

/// What `node` holds now, as the map of values `Replica::snapshot` returns.
pub fn held_by(world: &World<Replica>, node: usize) -> BTreeMap<String, String> {
    world.node(node).snapshot()
}

pub fn get(key: &str) -> Request {
    Request::Get {
        key: key.to_owned(),
    }
}

pub fn put(key: &str, value: &str) -> Request {
    Request::Put {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

/// Runs until none of `clients` waits, or fails saying which call never ended.
pub fn settle(world: &mut World<Replica>, clients: &[u32], what: &str, seed: u64) {
    world.run_until(|w| clients.iter().all(|&c| !w.is_waiting(c)));
    if let Some(&c) = clients.iter().find(|&&c| world.is_waiting(c)) {
        panic!(
            "{what}: client c{c} never got an answer (seed {seed}).\n\
             A replica must answer every request, if only with Unavailable.\n\
             Last events:\n{}",
            world.trace().tail(30)
        );
    }
}

/// The call's answer, or a panic explaining it has none.
pub fn answer(call: &Call<Request, Response>, seed: u64) -> &Response {
    match call.outcome.response() {
        Some(r) => r,
        None => panic!(
            "c{} asked n{} {:?} and got no answer: {:?} (seed {seed})",
            call.client, call.node, call.request, call.outcome
        ),
    }
}

/// Fails with the violation if the history of `world` is not linearizable.
pub fn assert_linearizable(world: &World<Replica>, scenario: &str, seed: u64) {
    assert_linearizable_traced(world, scenario, seed, || None);
}

/// As [`assert_linearizable`], for a world run without its trace: on a violation,
/// `traced` runs it again with its trace, to draw what the network did.
pub fn assert_linearizable_traced(
    world: &World<Replica>,
    scenario: &str,
    seed: u64,
    traced: impl FnOnce() -> Option<World<Replica>>,
) {
    let history = world
        .history()
        .expect("the recorded history is well formed");
    let verdict = Linearizable::new(ModelKind::Kv)
        .check(&history)
        .expect("a key-value history the checker can read");
    if let Some(v) = verdict.violation() {
        let report = CheckReport::new(
            format!("{scenario} (seed {seed})"),
            "linearizability",
            &history,
            Some(ModelKind::Kv),
            &verdict,
        );
        let again = traced();
        let report = report.with_trace(&history, again.as_ref().unwrap_or(world).trace());
        suite_harness::attach("check-report", &report.to_json());
        panic!(
            "{scenario}\nIn CP mode the history of clients must be linearizable: every \
             read returns the latest acknowledged write, an acknowledged write is never \
             lost, and a refused (Unavailable) request never takes effect.\n\
             This one is not (seed {seed}):\n{}",
            v.explain(&history)
        );
    }
    assert!(
        verdict.holds(),
        "undecided history (seed {seed}): {verdict:?}"
    );
}
