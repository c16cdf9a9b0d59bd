//! The causally consistent store: the post and its reply, and random schedules judged by
//! the causal checker, with every replica agreeing once the network is quiet.

use std::collections::BTreeMap;
use std::time::Duration;

use causal::Replica;
use causal_given::{Request, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::causal::Causal;
use testkit::report::CheckReport;
use testkit::rng::Rng;
use testkit::sim::{Config, Node, World};

use crate::clocks::SEEDS;

/// The replica serves the course's requests and answers with the course's responses, so
/// the history the world records goes through the course's `Recordable` impl: a look-alike
/// `Request` or `Response` of the student's own does not build against this suite.
const _: fn() = || {
    fn course_types<N: Node<Request = Request, Response = Response>>() {}
    course_types::<Replica>();
};

fn get(key: &str) -> Request {
    Request::Get {
        key: key.to_owned(),
    }
}

fn put(key: &str, value: &str) -> Request {
    Request::Put {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

fn world(nodes: usize, config: Config) -> World<Replica> {
    World::new(config, (0..nodes).map(Replica::new).collect())
}

/// A network that reorders (delays from 1 to 30 ms) and duplicates a fifth of the
/// messages between replicas, and loses nothing.
fn network(seed: u64) -> Config {
    Config::new(seed)
        .delay(Duration::from_millis(1), Duration::from_millis(30))
        .duplicate(0.2)
        .client_timeout(Duration::from_secs(5))
}

/// Calls and waits; the answer, or a panic saying there was none.
fn ask(w: &mut World<Replica>, client: u32, node: usize, request: Request, seed: u64) -> Response {
    let call = w.call_and_wait(client, node, request.clone());
    match call.outcome.response() {
        Some(r) => r.clone(),
        None => panic!(
            "c{client} asked n{node} {request:?} and got no answer: {:?}. A replica answers \
             every request from its own copy, at once (seed {seed}).",
            call.outcome
        ),
    }
}

fn value(response: &Response, seed: u64) -> Option<String> {
    match response {
        Response::Value(v) => v.clone(),
        other => panic!("a Get is answered with a Value; got {other:?} (seed {seed})"),
    }
}

/// Fails with the checker's explanation if the world's history is not causal; `traced`
/// runs it again with its trace, when it ran without, to draw what the network did.
fn assert_causal(
    w: &World<Replica>,
    scenario: &str,
    seed: u64,
    traced: impl FnOnce() -> Option<World<Replica>>,
) {
    let history = w.history().expect("the recorded history is well formed");
    let verdict = Causal
        .check(&history)
        .expect("every value written is unique, as the causal checker needs");
    if let Some(v) = verdict.violation() {
        let report = CheckReport::new(
            format!("{scenario} (seed {seed})"),
            "causal consistency",
            &history,
            None,
            &verdict,
        );
        let again = traced();
        let report = report.with_trace(&history, again.as_ref().unwrap_or(w).trace());
        suite_harness::attach("check-report", &report.to_json());
        panic!(
            "{scenario}\nA causally consistent store never lets a read miss a write in its \
             causal past: what the reader's client did or read before, and what the writers \
             of those values had seen when they wrote. This history does (seed {seed}):\n{}",
            v.explain(&history)
        );
    }
}

/// Alice posts at n0, whose link to n2 is cut; Bob reads the post at n1 and replies
/// there; Carol reads the reply at n2 for a while, and once she sees it, the post. The
/// reply reaches n2 through n1, the post never does: a causal store must keep the reply
/// out of sight at n2.
pub fn a_reply_is_never_seen_before_its_post() {
    let base = suite_harness::seed();
    let scenario = "3 replicas, messages delayed 1-30 ms and sometimes duplicated; the link \
                    n0 -> n2 is cut (every other link works). Alice (c0) posts post=lunch? at \
                    n0; Bob (c1) reads post at n1 until he sees it, then writes reply=yes! at \
                    n1; Carol (c2) reads reply at n2 for 500 ms, and as soon as she sees it, \
                    reads post at n2.";
    for seed in base..base + SEEDS {
        let mut w = world(3, network(seed));
        w.block(0, 2);
        ask(&mut w, 0, 0, put("post", "lunch?"), seed);
        let mut polls = 0;
        while value(&ask(&mut w, 1, 1, get("post"), seed), seed).as_deref() != Some("lunch?") {
            polls += 1;
            assert!(
                polls < 200,
                "{scenario}\nBob never saw the post at n1: the link n0 -> n1 works, and every \
                 write must reach the replicas it can reach (seed {seed})."
            );
        }
        ask(&mut w, 1, 1, put("reply", "yes!"), seed);
        let until = w.now() + Duration::from_millis(500);
        while w.now() < until {
            let reply = value(&ask(&mut w, 2, 2, get("reply"), seed), seed);
            if reply.as_deref() == Some("yes!") {
                let post = value(&ask(&mut w, 2, 2, get("post"), seed), seed);
                assert!(
                    post.as_deref() == Some("lunch?"),
                    "{scenario}\nCarol saw the reply, so she must see the post it answers: Bob \
                     wrote the reply after reading the post (writes follow reads). n2 \
                     answered post = {post:?} (seed {seed}). A replica must hold back a write \
                     until it has applied everything its writer had seen; here the post \
                     cannot reach n2, so the reply must stay out of sight there."
                );
                break;
            }
        }
        assert_causal(&w, scenario, seed, || None);
    }
}

/// A replica serves from its own copy, which only what it accepted and what reached it
/// can fill: cut off from the others, it sees its own clients' writes at once and none of
/// theirs, and they none of its.
pub fn a_cut_off_replica_sees_only_its_own_writes() {
    let base = suite_harness::seed();
    let scenario = "3 replicas, messages delayed 1-30 ms and sometimes duplicated; n2 is cut \
                    off from n0 and n1, both ways. Alice (c0) writes post=lunch? at n0 and \
                    Carol (c2) writes note=hi at n2; 500 ms later Carol reads note and post at \
                    n2, and Alice reads note at n0.";
    for seed in base..base + SEEDS {
        let mut w = world(3, network(seed));
        w.isolate(2);
        ask(&mut w, 0, 0, put("post", "lunch?"), seed);
        ask(&mut w, 2, 2, put("note", "hi"), seed);
        w.run_for(Duration::from_millis(500));
        let note = value(&ask(&mut w, 2, 2, get("note"), seed), seed);
        assert!(
            note.as_deref() == Some("hi"),
            "{scenario}\nCarol wrote note at n2, so n2 holds it: a replica applies a write it \
             accepts to its own copy before answering Written. n2 answered note = {note:?} \
             (seed {seed})."
        );
        let post = value(&ask(&mut w, 2, 2, get("post"), seed), seed);
        let far = value(&ask(&mut w, 0, 0, get("note"), seed), seed);
        assert!(
            post.is_none() && far.is_none(),
            "{scenario}\nNo message can travel between n2 and the others, so n2 cannot know of \
             post, nor n0 of note: a replica answers from its own copy, which holds what it \
             accepted and what reached it by message, never a copy it shares with other \
             replicas. n2 answered post = {post:?}, n0 answered note = {far:?} (seed {seed})."
        );
        assert_causal(&w, scenario, seed, || None);
    }
}

/// Random clients on random replicas over a reordering, duplicating network: the history
/// is causal, and once the network is quiet every replica holds the same values.
pub fn random_schedules_are_causal_and_converge() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let nodes = 3 + Rng::new(seed ^ 0x57).index(3);
        let clients = 6u32;
        let scenario = format!(
            "{nodes} replicas, messages delayed 1-30 ms and a fifth duplicated; {clients} \
             clients, client c talking to node c % {nodes}, reading and writing keys k0..k2 \
             with unique values, over 30 rounds of 5 ms"
        );
        let keys = ["k0", "k1", "k2"];
        // The run, without its trace (fast) or with it: a failure is run again, traced, to
        // draw what the network did. The seed makes both runs the same.
        let run = |trace: bool| {
            let mut rng = Rng::new(seed ^ 0x57);
            // The draw that chose the number of nodes, above: the same draws follow.
            rng.index(3);
            let mut w = world(nodes, network(seed).trace(trace));
            let mut next = 0;
            for _ in 0..30 {
                for c in 0..clients {
                    if w.is_waiting(c) || !rng.chance(0.6) {
                        continue;
                    }
                    let node = c as usize % nodes;
                    let key = keys[rng.index(keys.len())];
                    if rng.chance(0.5) {
                        next += 1;
                        w.call(c, node, put(key, &format!("v{next}")));
                    } else {
                        w.call(c, node, get(key));
                    }
                }
                w.run_for(Duration::from_millis(5));
            }
            w.run_until_quiet();
            if let Some(c) = (0..clients).find(|&c| w.is_waiting(c)) {
                panic!("{scenario}\nclient c{c} never got an answer (seed {seed}).");
            }
            // Read every key at every replica, through clients of their own.
            let mut seen: Vec<BTreeMap<&str, Option<String>>> = Vec::new();
            for node in 0..nodes {
                let reader = 100 + u32::try_from(node).unwrap();
                let mut values = BTreeMap::new();
                for key in keys {
                    values.insert(key, value(&ask(&mut w, reader, node, get(key), seed), seed));
                }
                seen.push(values);
            }
            (w, seen)
        };
        let (w, seen) = run(false);
        assert_causal(&w, &scenario, seed, || Some(run(true).0));
        for (node, values) in seen.iter().enumerate() {
            assert!(
                *values == seen[0],
                "{scenario}.\nOnce the network is quiet every replica has applied every write, \
                 so all must hold the same values: concurrent writes to a key are settled by a \
                 rule every replica applies alike, whatever order they arrived in.\n\
                 n0 holds {:?}\nn{node} holds {values:?} (seed {seed}).",
                seen[0]
            );
        }
    }
}
