//! What the tests share: building worlds, describing calls, recording evidence.
//!
//! The suite takes only `Replica` from the student's crate; every type a verdict reads
//! comes from `cap_given`, the course's crate, whose derived comparisons are the
//! course's. A crate whose replica speaks in a `Request` or `Response` of its own, with
//! its own `PartialEq` or `Recordable`, does not compile against this suite.
//!
//! Verdicts are drawn from what the world recorded: the calls the suite made and the
//! answers they got, and the messages the network carried. What a replica says about
//! itself (`snapshot`) is checked against reads the suite makes, or only steers a
//! schedule; it never decides a verdict on its own.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::time::Duration;

use cap::Replica;
use cap_given::{Mode, Request, Response, Stamp};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::rng::Rng;
use testkit::sim::{Call, Config, Endpoint, Event, Fate, Node, NodeId, World};

/// The slowest a message travels with the default configuration.
pub const MAX_DELAY: Duration = Duration::from_millis(5);

/// The seed of the hand-built scenarios: their delays are fixed, so it decides nothing,
/// and a `--seed` given to the checker does not change them.
pub const SCENARIO_SEED: u64 = 1;

/// The clients the suite reads with after a scenario, numbered above every client a
/// scenario calls with.
pub const READER: u32 = 100;

/// Duration of `ms` milliseconds, for scenarios written on a millisecond grid.
pub const fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

pub fn world(mode: Mode, nodes: usize, config: Config) -> World<Replica> {
    course_types(World::new(
        config,
        (0..nodes).map(|_| Replica::new(mode)).collect(),
    ))
}

/// A world whose every message, between nodes or with clients, takes exactly `delay`:
/// the schedule of a hand-built scenario is then the same for every seed.
pub fn fixed_world(mode: Mode, nodes: usize, delay: Duration) -> World<Replica> {
    let config = Config::new(SCENARIO_SEED)
        .delay(delay, delay)
        .client_timeout(Duration::from_secs(1));
    world(mode, nodes, config)
}

/// Nothing at run time: the bound makes the compiler hold the replica to the course's
/// requests and answers, and say so here rather than at some `match` further on.
fn course_types<N: Node<Request = Request, Response = Response>>(world: World<N>) -> World<N> {
    world
}

/// Cuts the world's `n` nodes into two random non-empty sides, and says how (`[2, 0]|[1]`),
/// for the run's story.
pub fn random_split(world: &mut World<Replica>, n: usize, rng: &mut Rng) -> String {
    let mut ids: Vec<NodeId> = (0..n).collect();
    rng.shuffle(&mut ids);
    let cut = 1 + rng.index(n - 1);
    let (a, b) = ids.split_at(cut);
    world.partition(&[a, b]);
    format!("{a:?}|{b:?}")
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

/// Fails the test. `seed` is the run's when the test tries many seeds (`None` for a
/// hand-built scenario): the checker's replay line then starts at this run rather than
/// at the first seed the test tried.
pub fn fail_at(seed: Option<u64>, message: impl Display) -> ! {
    if let Some(seed) = seed {
        suite_harness::replay_from(seed);
    }
    suite_harness::fail(message)
}

/// How a run is named in a message: its seed, or the fixed schedule.
pub fn run_name(seed: Option<u64>) -> String {
    seed.map_or_else(|| "a fixed schedule".to_owned(), |s| format!("seed {s}"))
}

/// Runs until none of `clients` waits, or fails saying which call never ended.
pub fn settle(world: &mut World<Replica>, clients: &[u32], what: &str, seed: Option<u64>) {
    world.run_until(|w| clients.iter().all(|&c| !w.is_waiting(c)));
    if let Some(&c) = clients.iter().find(|&&c| world.is_waiting(c)) {
        fail_at(
            seed,
            format!(
                "{what}: client c{c} never got an answer ({}).\nA replica must answer every \
                 request, if only with Unavailable.\nLast events:\n{}",
                run_name(seed),
                world.trace().tail(30)
            ),
        );
    }
}

/// The call's answer, or a failure explaining it has none.
pub fn answer<'a>(
    call: &'a Call<Request, Response>,
    what: &str,
    seed: Option<u64>,
) -> &'a Response {
    match call.outcome.response() {
        Some(r) => r,
        None => fail_at(
            seed,
            format!(
                "{what}.\nc{} asked n{} {:?} and got no answer: {:?}. A replica answers every \
                 request, if only with Unavailable ({}).",
                call.client,
                call.node,
                call.request,
                call.outcome,
                run_name(seed)
            ),
        ),
    }
}

/// How long the call took from the client's side, or `None` while it is open.
pub fn took(call: &Call<Request, Response>) -> Option<Duration> {
    Some(call.outcome.ended()? - call.called)
}

/// Reads `key` at each of `nodes` in turn, each read waited for, as client [`READER`]:
/// evidence of what the replicas hold, recorded in the world's history.
pub fn read_each(
    world: &mut World<Replica>,
    key: &str,
    nodes: &[NodeId],
    seed: Option<u64>,
) -> Vec<Response> {
    nodes
        .iter()
        .map(|&node| {
            let call = world.call_and_wait(READER, node, get(key));
            let what = format!("a read of {key} at n{node}, made to see what it holds");
            answer(call, &what, seed).clone()
        })
        .collect()
}

/// Runs the world one event at a time until a node other than `coordinator` holds
/// `key`=`value` in its `snapshot()`, and returns that node; `None` if none does within
/// `limit`. A schedule steered this way follows the replica's own pace: it stops at the
/// first moment the value has left its coordinator, whenever that is.
pub fn step_until_held(
    world: &mut World<Replica>,
    coordinator: NodeId,
    key: &str,
    value: &str,
    limit: Duration,
) -> Option<NodeId> {
    let until = world.now() + limit;
    loop {
        let holder = (0..world.len()).find(|&p| {
            p != coordinator && world.node(p).snapshot().get(key).map(String::as_str) == Some(value)
        });
        if holder.is_some() {
            return holder;
        }
        if !world.step() || world.now() > until {
            return None;
        }
    }
}

/// The value of a read's answer, or a short description of any other answer.
pub fn value_of(response: &Response) -> Result<Option<String>, String> {
    match response {
        Response::Value { value, .. } => Ok(value.clone()),
        other => Err(format!("{other:?}")),
    }
}

/// The first replica whose `mode()` is not `mode`, described.
pub fn wrong_mode(world: &World<Replica>, mode: Mode) -> Option<String> {
    (0..world.len()).find_map(|node| {
        let said: Mode = world.node(node).mode();
        (said != mode).then(|| {
            format!(
                "n{node} was built with Replica::new(Mode::{mode:?}), but its mode() says {said:?}"
            )
        })
    })
}

/// The peers of `node` that delivered no message to it in the `window` before `at`,
/// read from the trace: who a replica could not have heard from.
pub fn silent_peers(
    world: &World<Replica>,
    node: NodeId,
    at: Duration,
    window: Duration,
) -> Vec<NodeId> {
    let since = at.saturating_sub(window);
    let mut heard = vec![false; world.len()];
    heard[node] = true;
    for event in world.trace().events() {
        if event.at < since || event.at > at {
            continue;
        }
        if let Event::Message {
            from: Endpoint::Node(from),
            to: Endpoint::Node(to),
            fate: Fate::Delivered,
            ..
        } = &event.event
            && *to == node
        {
            heard[*from] = true;
        }
    }
    (0..world.len()).filter(|&p| !heard[p]).collect()
}

/// What the stamps of the acknowledged CP writes in `calls` must show (cp.7): each
/// names the node that coordinated it, no two writes of a key share one, and a write
/// that began after another was acknowledged has the larger. The first breach, or
/// `None`.
pub fn cp_stamp_breach(calls: &[Call<Request, Response>]) -> Option<String> {
    let mut written: Vec<(&str, &str, Stamp, &Call<Request, Response>)> = Vec::new();
    for call in calls {
        if let (Request::Put { key, value }, Some(Response::Written { stamp })) =
            (&call.request, call.outcome.response())
        {
            if stamp.node != call.node {
                return Some(format!(
                    "the write {key}={value}, coordinated by n{}, was answered with stamp \
                     {stamp:?}: its node must be the coordinator's, n{}",
                    call.node, call.node
                ));
            }
            written.push((key, value, *stamp, call));
        }
    }
    for (i, &(key, value, stamp, call)) in written.iter().enumerate() {
        for &(other_key, other_value, other_stamp, other) in &written[i + 1..] {
            if key != other_key {
                continue;
            }
            if stamp == other_stamp {
                return Some(format!(
                    "the writes {key}={value} (c{} at n{}) and {key}={other_value} (c{} at n{}) \
                     were both answered with stamp {stamp:?}: two writes of a key never share \
                     a stamp, or replicas cannot agree which came last",
                    call.client, call.node, other.client, other.node
                ));
            }
            for (a, a_value, a_stamp, b, b_value, b_stamp) in [
                (call, value, stamp, other, other_value, other_stamp),
                (other, other_value, other_stamp, call, value, stamp),
            ] {
                let before = a.outcome.ended().is_some_and(|end| end <= b.called);
                if before && b_stamp < a_stamp {
                    return Some(format!(
                        "the write {key}={a_value} was acknowledged at {:?} with stamp \
                         {a_stamp:?}; the write {key}={b_value}, which n{} began at {:?}, \
                         after that, got the smaller stamp {b_stamp:?}, and loses to it. A \
                         write's stamp is one above the newest stamp a majority reports, and \
                         every majority shares a node with the one that stored {key}={a_value}, \
                         so the newest it reports is at least {a_stamp:?}. A smaller stamp \
                         comes from something else than a majority's answers (the \
                         coordinator's own copy, which may have missed writes), or from a \
                         majority too small to share a node with every other",
                        a.outcome.ended().unwrap_or_default(),
                        b.node,
                        b.called
                    ));
                }
            }
        }
    }
    None
}

/// The writes of one key in a run.
#[derive(Debug, Default)]
pub struct KeyWrites {
    /// The values of the writes that were not refused, acknowledged or not.
    pub values: Vec<String>,
    /// The acknowledged write with the largest stamp, if any was acknowledged.
    pub best: Option<(Stamp, String)>,
}

/// The writes in `calls`, by key.
pub fn writes_by_key(calls: &[Call<Request, Response>]) -> BTreeMap<String, KeyWrites> {
    let mut keys: BTreeMap<String, KeyWrites> = BTreeMap::new();
    for call in calls {
        let Request::Put { key, value } = &call.request else {
            continue;
        };
        let response = call.outcome.response();
        if matches!(response, Some(Response::Unavailable { .. })) {
            continue;
        }
        let writes = keys.entry(key.clone()).or_default();
        writes.values.push(value.clone());
        if let Some(Response::Written { stamp }) = response
            && writes.best.as_ref().is_none_or(|(s, _)| stamp > s)
        {
            writes.best = Some((*stamp, value.clone()));
        }
    }
    keys
}

/// Fails with the violation if the history of `world` is not linearizable. `seed` is
/// the run's, for a test that tries many (`None` for a hand-built scenario); `traced`
/// runs the world again with its trace, to draw what the network did, when `world` ran
/// without one.
pub fn assert_linearizable(
    world: &World<Replica>,
    scenario: &str,
    seed: Option<u64>,
    traced: impl FnOnce() -> Option<World<Replica>>,
) {
    let history = world
        .history()
        .expect("the recorded history is well formed");
    let checker = Linearizable::new(ModelKind::Kv);
    let verdict = checker
        .check(&history)
        .expect("a key-value history the checker can read");
    let run = run_name(seed);
    if verdict.violation().is_some() {
        let report = CheckReport::new(
            format!("{scenario} ({run})"),
            "linearizability",
            &history,
            Some(ModelKind::Kv),
            &verdict,
        )
        .smallest(&history, &checker);
        let again = traced();
        let report = report.with_trace(&history, again.as_ref().unwrap_or(world).trace());
        suite_harness::attach("check-report", &report.to_json());
        let message = format!(
            "{scenario}\nIn CP mode the history of clients must be linearizable: every \
             read returns the latest acknowledged write, an acknowledged write is never \
             lost, and a refused (Unavailable) request never takes effect.\n\
             This one is not ({run}):\n{}",
            report.explain(&history)
        );
        fail_at(seed, message);
    }
    if !verdict.holds() {
        fail_at(seed, format!("undecided history ({run}): {verdict:?}"));
    }
}
