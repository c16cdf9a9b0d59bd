//! A few checks to run while you work: `cargo test -p sequential`. Each failure says what
//! was expected, what happened and which rule of the README it is about. The hidden tests
//! go much further (random reads and writes from many clients on many seeds, with
//! messages delayed, reordered and duplicated, every order of delivery of small runs, and
//! your scenario played on many seeds).
//!
//! Every test ends, whatever the code under test does: simulated worlds stop after a
//! bounded number of events, and a test still running after [`HANG`] of real time fails
//! as a hang.

use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use sequential::{Replica, Request, Response, SEQUENCER, history, stale_read_scenario};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::model::ModelKind;
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

/// The network of this exercise (delays of 1 to 10 ms, reordering, nothing lost), with
/// limits that only stop a world whose replicas never stop sending: every run here takes
/// a few hundred events.
fn config(seed: u64) -> Config {
    Config::new(seed)
        .delay(Duration::from_millis(1), Duration::from_millis(10))
        .limits(20_000, Duration::from_secs(10))
}

/// A world of `n` new replicas.
fn world(config: Config, n: usize) -> World<Replica> {
    World::new(config, (0..n).map(|_| Replica::new()).collect())
}

/// Runs until no message is on its way (a client may still wait), failing if the world
/// hits its limit first.
fn settle(w: &mut World<Replica>) {
    if w.run_until(|w| w.in_flight() == 0) == Stop::Limit {
        panic!(
            "the replicas were still sending after {} events ({:?} of virtual time), where \
             one write takes a handful of messages: a replica that passes on every copy it \
             receives sets off messages without end (sequential.4, sequential.8)",
            w.config().max_events,
            w.now()
        );
    }
}

/// Client `client` writes `value` at `node`; fails unless the write returns `Written`.
fn write(w: &mut World<Replica>, client: u32, node: NodeId, value: i64) {
    let outcome = w
        .call_and_wait(client, node, Request::Write(value))
        .outcome
        .clone();
    assert!(
        outcome.response() == Some(&Response::Written),
        "sequential.11: client {client} wrote {value} at n{node} on a network that loses \
         nothing, and the call ended as {outcome:?}: every write returns, once its replica \
         has applied it"
    );
}

/// The value and the count of applied writes of every replica, for messages.
fn replicas(w: &World<Replica>) -> String {
    let each: Vec<String> = (0..w.len())
        .map(|n| {
            let r = w.node(n);
            format!("n{n}: value {:?}, applied {}", r.value(), r.applied())
        })
        .collect();
    each.join("; ")
}

#[test]
fn sequential_every_replica_applies_every_write_once() {
    ends(|| {
        let new = Replica::new();
        assert!(
            new.value().is_none() && new.applied() == 0,
            "sequential.1: a new replica holds no value (not 0) and has applied nothing; it \
             holds {:?} with {} applied",
            new.value(),
            new.applied()
        );
        // Every message arrives twice: a copy of a Submit is still one write, a copy of an
        // Apply changes nothing. Every write is of 7: writes of one value are still
        // different writes. Clients 0 and 1 wait at n1 at the same time.
        let mut w = world(config(1).duplicate(1.0), 3);
        let calls = [(0, 1), (1, 1), (2, 2)]
            .map(|(client, node)| (client, node, w.call(client, node, Request::Write(7))));
        settle(&mut w);
        for (client, node, call) in calls {
            let outcome = &w.calls()[call].outcome;
            assert!(
                outcome.response() == Some(&Response::Written),
                "clients 0 and 1 wrote 7 at n1 and client 2 wrote 7 at n2, all at once, and \
                 the network lost nothing, yet client {client}'s write at n{node} ended as \
                 {outcome:?} ({}). sequential.10: several clients may wait at one replica, \
                 each answered for its own write; sequential.6: writes of one value are \
                 different writes, told apart by (origin, id).",
                replicas(&w)
            );
        }
        for n in 0..3 {
            let r = w.node(n);
            assert!(
                r.value() == Some(7) && r.applied() == 3,
                "three clients wrote 7, with every message delivered twice; every replica must \
                 then hold 7 with 3 writes applied, but {}. sequential.5: a Submit that \
                 arrives twice is numbered once; sequential.6: writes of one value are \
                 different writes; sequential.8: an Apply that arrives again changes nothing.",
                replicas(&w)
            );
        }
    });
}

#[test]
fn sequential_an_early_write_waits_for_its_turn() {
    ends(|| {
        let mut w = world(config(2), 3);
        // n2 never hears of write 0: the link from the sequencer to n2 is cut until every
        // message of that write has arrived or been dropped.
        w.block(SEQUENCER, 2);
        write(&mut w, 0, 1, 1);
        settle(&mut w);
        w.heal();
        write(&mut w, 0, 1, 2);
        settle(&mut w);
        let n2 = w.node(2);
        assert!(
            n2.applied() == 0 && n2.value().is_none(),
            "client 0 wrote 1 (write 0), then 2 (write 1), at n1; write 0 never reached n2, \
             so n2 must hold write 1 back, with nothing applied and no value, but {}. \
             sequential.7: writes are applied in number order, each only once every write \
             before it is applied; applying them as they arrive lets replicas apply the same \
             writes in different orders.",
            replicas(&w)
        );
        let read = w.call_and_wait(2, 2, Request::Read).outcome.clone();
        assert!(
            read.response() == Some(&Response::Value(None)),
            "sequential.2: a read at n2 is answered at once from its own copy, which holds no \
             value, whatever it holds back; it ended as {read:?}"
        );
    });
}

#[test]
fn sequential_a_write_is_answered_once_its_replica_applied_it() {
    ends(|| {
        let mut w = world(config(3), 3);
        // n1 never hears of its own client's write back from the sequencer.
        w.block(SEQUENCER, 1);
        let call = w.call(0, 1, Request::Write(5));
        settle(&mut w);
        let outcome = w.calls()[call].outcome.clone();
        assert!(
            outcome.is_pending(),
            "client 0 wrote 5 at n1, and the link from the sequencer to n1 is cut, so n1 never \
             applies the write; it must not answer it, yet the call ended as {outcome:?} ({}). \
             sequential.9: a write is answered by the client's replica once that replica has \
             applied it, and not before: otherwise the client's next read there misses its \
             own write.",
            replicas(&w)
        );
    });
}

#[test]
fn not_linearizable_the_stale_read_scenario_tells_the_models_apart() {
    ends(|| {
        let config = config(3);
        let world = stale_read_scenario()
            .run(config, |_| Replica::new())
            .unwrap_or_else(|e| panic!("not_linearizable.1: the scenario cannot be played: {e}"));
        let unfinished: Vec<_> = world
            .calls()
            .iter()
            .filter(|c| !matches!(c.outcome, CallOutcome::Returned { .. }))
            .collect();
        assert!(
            unfinished.is_empty(),
            "the scenario played on your replicas left calls that did not return: \
             {unfinished:?}. Your replica may not keep the rules of task `sequential` yet; \
             the hidden tests play the scenario on the course's own."
        );
        let history = history(&world).unwrap();
        let seq = Sequential::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        assert!(
            seq.holds(),
            "not_linearizable.3: the scenario's history must be sequentially consistent: \
             {seq:?}"
        );
        let lin = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        assert!(
            lin.violation().is_some(),
            "not_linearizable.4: the scenario's history must not be linearizable, but the \
             checker found it {lin:?}"
        );
    });
}
