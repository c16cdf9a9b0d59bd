//! What the store's tests share: requests, worlds, calls, and the causal check of a
//! recorded history.

use std::collections::BTreeMap;
use std::time::Duration;

use causal::Replica;
use causal_given::{Request, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::causal::Causal;
use testkit::report::CheckReport;
use testkit::sim::{Config, Node, World};

use crate::blame::{self, Upstream};
use crate::observe::snapshot;
use crate::{clocks, delivery};

/// The replica serves the course's requests and answers with the course's responses, so
/// the history the world records goes through the course's `Recordable` impl: a look-alike
/// `Request` or `Response` of the student's own does not build against this suite.
const _: fn() = || {
    fn course_types<N: Node<Request = Request, Response = Response>>() {}
    course_types::<Replica>();
};

/// The tasks a store test builds on: a replica counts with the student's clock and
/// usually delivers through the student's broadcast.
pub fn on_upstream(body: impl FnOnce()) {
    let upstreams: [&Upstream; 2] = [&clocks::UPSTREAM, &delivery::UPSTREAM];
    blame::after(&upstreams, body);
}

/// A read of `key`.
pub fn get(key: &str) -> Request {
    Request::Get {
        key: key.to_owned(),
    }
}

/// A write of `value` under `key`.
pub fn put(key: &str, value: &str) -> Request {
    Request::Put {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

/// A world of `nodes` replicas, node `i` built by `Replica::new(i)`.
pub fn world(nodes: usize, config: Config) -> World<Replica> {
    World::new(config, (0..nodes).map(Replica::new).collect())
}

/// A network that reorders (delays from 1 to 30 ms) and duplicates a fifth of the
/// messages between replicas, loses nothing, and has no tick: a replica that needs a
/// timer sets its own.
pub fn network(seed: u64) -> Config {
    Config::new(seed)
        .delay(Duration::from_millis(1), Duration::from_millis(30))
        .duplicate(0.2)
        .client_timeout(Duration::from_secs(5))
        .tick(None)
}

/// Calls and waits; the answer, or a failure saying there was none.
pub fn ask(
    w: &mut World<Replica>,
    client: u32,
    node: usize,
    request: Request,
    scenario: &str,
) -> Response {
    let call = w.call_and_wait(client, node, request.clone());
    match call.outcome.response() {
        Some(r) => r.clone(),
        None => suite_harness::fail(format!(
            "{scenario}\nc{client} asked n{node} {request:?} and got no answer: {:?}. A \
             replica answers every request from its own copy, at once, without waiting for \
             any other replica.",
            call.outcome
        )),
    }
}

/// The value a `Get` answered.
pub fn value(response: &Response, scenario: &str) -> Option<String> {
    match response {
        Response::Value(v) => v.clone(),
        other => suite_harness::fail(format!(
            "{scenario}\nA Get is answered with a Value; the replica answered {other:?}."
        )),
    }
}

/// Reads `key` at `node` through `client`.
pub fn read(
    w: &mut World<Replica>,
    client: u32,
    node: usize,
    key: &str,
    scenario: &str,
) -> Option<String> {
    value(&ask(w, client, node, get(key), scenario), scenario)
}

/// Every key of `keys` as each replica's clients read it, through a client of its own
/// per replica (numbered from 100): one map per replica.
pub fn read_all(
    w: &mut World<Replica>,
    keys: &[&str],
    scenario: &str,
) -> Vec<BTreeMap<String, Option<String>>> {
    (0..w.len())
        .map(|node| {
            let reader = 100 + u32::try_from(node).expect("a handful of replicas");
            keys.iter()
                .map(|&key| ((*key).to_owned(), read(w, reader, node, key, scenario)))
                .collect()
        })
        .collect()
}

/// The checker's explanation if the world's history is not causally consistent.
pub fn causal_violation(w: &World<Replica>) -> Option<String> {
    let history = w.history().expect("the recorded history is well formed");
    let verdict = Causal
        .check(&history)
        .expect("every value written is unique, as the causal checker needs");
    verdict.violation().map(|v| v.explain(&history))
}

/// Fails with the checker's explanation if the world's history is not causal, attaching
/// the report drawn from `traced` (a run of the same world with its trace, when `w` ran
/// without) so that the page shows what the network did.
pub fn assert_causal(
    w: &World<Replica>,
    scenario: &str,
    seed: u64,
    traced: impl FnOnce() -> Option<World<Replica>>,
) {
    let history = w.history().expect("the recorded history is well formed");
    let verdict = Causal
        .check(&history)
        .expect("every value written is unique, as the causal checker needs");
    if verdict.violation().is_some() {
        let report = CheckReport::new(
            format!("{scenario} (seed {seed})"),
            "causal consistency",
            &history,
            None,
            &verdict,
        )
        .smallest(&history, &Causal);
        let again = traced();
        let report = report.with_trace(&history, again.as_ref().unwrap_or(w).trace());
        suite_harness::attach("check-report", &report.to_json());
        suite_harness::replay_from(seed);
        suite_harness::fail(format!(
            "{scenario}\nA causally consistent store never lets a read miss a write in its \
             causal past: what the reader's client did or read before, and what the writers \
             of those values had seen when they wrote. This history does (seed {seed}):\n{}",
            report.explain(&history)
        ));
    }
}

/// The replicas' copies, as their `snapshot`s say.
pub fn snapshots(w: &World<Replica>) -> Vec<BTreeMap<String, String>> {
    (0..w.len()).map(|node| snapshot(w, node)).collect()
}

/// A copy as the README writes key-value pairs: `{post: lunch?, reply: yes!}`.
pub fn show_copy(copy: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = copy.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}
