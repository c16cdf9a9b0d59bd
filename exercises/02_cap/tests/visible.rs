//! A few checks to run while you work: `cargo test -p cap`. Each failure says what was
//! expected, what happened and which rule of the README it is about. The hidden tests go
//! much further (every cluster size, many seeds, loss, duplication, random partitions, a
//! linearizability check).
//!
//! Every test ends, whatever the code under test does: clients stop waiting after a
//! second of virtual time, simulated worlds stop after a bounded number of events, and a
//! test still running after [`HANG`] of real time fails as a hang.

use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use cap::{
    ANSWER_WITHIN, CONVERGE_ROUNDS, Mode, ROUND, Replica, Request, Response, STALE_AFTER, Tally,
};
use testkit::sim::{CallOutcome, Config, NodeId, Stop, World};

/// How long, in real time, a test may run before it is taken to hang. Each test takes
/// milliseconds; this only turns an endless loop into a failure that says so, rather than
/// a `cargo test` that never ends.
const HANG: Duration = Duration::from_secs(20);

/// Runs `body` on a thread of its own, named after the test, and fails the test if it
/// has not ended within [`HANG`]. A panic in `body` fails the test with its own message.
fn ends<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    let name = std::thread::current().name().unwrap_or("test").to_owned();
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(name.clone())
        .spawn(move || {
            let out = body();
            let _ = done.send(());
            out
        })
        .expect("a thread for the test");
    // A panic drops `done` without sending, which ends the wait at once as well.
    if let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(HANG) {
        panic!(
            "{name} was still running after {HANG:?} of real time, though it takes \
             milliseconds: something loops without end"
        );
    }
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The longest a message takes between a client and a node in these worlds.
const MAX_DELAY: Duration = Duration::from_millis(5);

/// A world of `nodes` replicas in `mode`, on a network without loss (delays of 1 to 5
/// ms). Clients wait at most a second for an answer; the limits stop a world whose
/// replicas never stop sending, where every run here takes a few thousand events.
fn world(mode: Mode, nodes: usize) -> World<Replica> {
    let config = Config::new(1)
        .client_timeout(Duration::from_secs(1))
        .limits(100_000, Duration::from_secs(10));
    World::new(config, (0..nodes).map(|_| Replica::new(mode)).collect())
}

fn put(key: &str, value: &str) -> Request {
    Request::Put {
        key: key.into(),
        value: value.into(),
    }
}

fn get(key: &str) -> Request {
    Request::Get { key: key.into() }
}

/// Client `client` asks `node` `request` and waits; returns the answer, or fails naming
/// `rule` when the call ends without one.
fn ask(
    w: &mut World<Replica>,
    client: u32,
    node: NodeId,
    request: Request,
    rule: &str,
) -> Response {
    let outcome = w
        .call_and_wait(client, node, request.clone())
        .outcome
        .clone();
    match outcome {
        CallOutcome::Returned { response, .. } => response,
        other => panic!(
            "{rule}: client {client} asked n{node} {request:?} and got no answer: the call \
             ended as {other:?} at {:?} of virtual time",
            w.now()
        ),
    }
}

/// Asserts that `node`, cut off from the majority of `nodes` replicas with only
/// `reachable` of them (itself included) on its side, refuses `request` promptly.
fn refuses(w: &mut World<Replica>, node: NodeId, request: Request, reachable: usize, nodes: usize) {
    let needed = nodes / 2 + 1;
    let call = w.call_and_wait(0, node, request.clone()).clone();
    let expected = Response::Unavailable { reachable, needed };
    match &call.outcome {
        CallOutcome::Returned { response, at } => {
            assert_eq!(
                *response, expected,
                "cp.1 and cp.2: of {nodes} replicas n{node} reaches {reachable}, itself \
                 included, and a majority of the whole cluster is {needed} (`{nodes} / 2 + 1`), \
                 so it must refuse {request:?}, saying how many it reached and how many it needs"
            );
            let took = *at - call.called;
            assert!(
                took <= ANSWER_WITHIN + 2 * MAX_DELAY,
                "cp.3: n{node} refused {request:?} {took:?} after it was called, where the \
                 refusal comes at most ANSWER_WITHIN ({ANSWER_WITHIN:?}) after the request \
                 arrives, and a message takes at most {MAX_DELAY:?} each way"
            );
        }
        other => panic!(
            "cp.2 and cp.3: n{node} cannot reach a majority ({reachable} of {nodes}, {needed} \
             needed), so it answers {request:?} with {expected:?} at most ANSWER_WITHIN \
             ({ANSWER_WITHIN:?}) after the request reached it; instead the call ended as \
             {other:?}. A node learns who is reachable by a round trip with a timeout \
             (REACH_TIMEOUT), and gives up then."
        ),
    }
}

#[test]
fn cp_serves_with_a_majority_and_refuses_without() {
    ends(|| {
        let mut w = world(Mode::Cp, 3);
        let written = ask(&mut w, 0, 1, put("x", "1"), "cp.1");
        assert!(
            matches!(written, Response::Written { .. }),
            "cp.1: on a healthy network of 3 a put is served; it was answered {written:?}"
        );
        let read = ask(&mut w, 0, 2, get("x"), "cp.1");
        assert_eq!(
            read,
            Response::Value {
                value: Some("1".into()),
                stale: false
            },
            "cp.6 and cp.8: a read after the write returned finds it, and a CP read is never \
             marked stale"
        );
        w.isolate(0);
        refuses(&mut w, 0, get("x"), 1, 3);
        let written = ask(&mut w, 1, 1, put("x", "2"), "cp.1");
        assert!(
            matches!(written, Response::Written { .. }),
            "cp.1: n1 reaches n2, 2 of 3, a majority, so it serves a put during the \
             partition; it was answered {written:?}"
        );
    });
}

#[test]
fn cp_an_even_split_has_no_majority() {
    ends(|| {
        let mut w = world(Mode::Cp, 4);
        w.partition(&[&[0, 1], &[2, 3]]);
        // Half of four is no majority: if both halves went on, each could accept a
        // write of x the other never sees.
        refuses(&mut w, 0, put("x", "left"), 2, 4);
        refuses(&mut w, 3, put("x", "right"), 2, 4);
    });
}

#[test]
fn cp_a_refused_write_leaves_no_trace() {
    ends(|| {
        let mut w = world(Mode::Cp, 3);
        let written = ask(&mut w, 0, 0, put("x", "kept"), "cp.1");
        assert!(
            matches!(written, Response::Written { .. }),
            "cp.1: {written:?}"
        );
        w.isolate(0);
        refuses(&mut w, 0, put("x", "refused"), 1, 3);
        w.heal();
        for node in [0, 1, 2] {
            let read = ask(&mut w, 0, node, get("x"), "cp.1");
            assert_eq!(
                read,
                Response::Value {
                    value: Some("kept".into()),
                    stale: false
                },
                "cp.5: n0 refused the put of x=refused while cut off; after the heal a read \
                 at n{node} must find x=kept, the last write acknowledged. A node that stores \
                 a value before it knows it can reach a majority leaves a refused write \
                 behind, to resurface later."
            );
        }
    });
}

#[test]
fn ap_answers_alone_and_says_its_read_may_be_stale() {
    ends(|| {
        let mut w = world(Mode::Ap, 3);
        w.isolate(0);
        let written = ask(&mut w, 0, 0, put("x", "mine"), "ap.1");
        assert!(
            matches!(written, Response::Written { .. }),
            "ap.1: an AP node answers a put at once, also when cut off; it was answered \
             {written:?}"
        );
        let_pass(&mut w, STALE_AFTER * 2);
        let read = ask(&mut w, 0, 0, get("x"), "ap.1");
        assert_eq!(
            read,
            Response::Value {
                value: Some("mine".into()),
                stale: true
            },
            "ap.1 and ap.4: n0 has not heard from its peers for {:?}, more than STALE_AFTER \
             ({STALE_AFTER:?}): it answers from its own copy and marks the read stale",
            STALE_AFTER * 2
        );
    });
}

/// Lets `span` of virtual time pass, or fails if the world hits its event limit first,
/// which happens only when replicas send far more than once a round.
fn let_pass(w: &mut World<Replica>, span: Duration) {
    let end = w.now() + span;
    if w.run_until(|w| w.now() >= end) == Stop::Limit {
        panic!(
            "convergence.3: the replicas sent so many messages that the world stopped at its \
             limit of {} events at {:?} of virtual time, where replicas exchanging their state \
             once a ROUND ({ROUND:?}) need a few thousand",
            w.config().max_events,
            w.now()
        );
    }
}

#[test]
fn ap_replicas_agree_after_the_heal() {
    ends(|| {
        let mut w = world(Mode::Ap, 3);
        w.isolate(2);
        ask(&mut w, 0, 2, put("x", "lonely"), "ap.1");
        w.heal();
        let_pass(&mut w, ROUND * CONVERGE_ROUNDS);
        for node in 0..3 {
            assert_eq!(
                w.node(node).snapshot().get("x").map(String::as_str),
                Some("lonely"),
                "convergence.1 and convergence.3: n2 accepted x=lonely while cut off; \
                 {CONVERGE_ROUNDS} rounds after the heal every replica holds it"
            );
        }
    });
}

#[test]
fn tradeoff_a_tally_counts_refusals_and_stale_reads() {
    ends(|| {
        let w = cap::run_workload(Mode::Ap, 3, Replica::new);
        let tally = cap::tally(w.calls());
        assert_eq!(
            tally.requests,
            w.calls().len(),
            "tradeoff.1: every call is a request"
        );
        assert_eq!(tally.refused, 0, "tradeoff.2: AP refuses nothing");
        assert_eq!(
            cap::tally(&[]),
            Tally::default(),
            "tradeoff.1: no calls, nothing counted"
        );
    });
}
