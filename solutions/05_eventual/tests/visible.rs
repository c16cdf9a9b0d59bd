//! A few checks to run while you work: `cargo test -p eventual`. Each failure says what
//! was expected, what happened and which rule of the README it is about. The hidden tests
//! go much further (random merges with repeats, frequent ties, loss, duplication and
//! partitions on many seeds).
//!
//! Every test ends, whatever the code under test does: simulated worlds stop after a
//! bounded number of events, and a test still running after [`HANG`] of real time fails
//! as a hang.

use std::collections::BTreeMap;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use eventual::{
    CONVERGE_ROUNDS, Counter, GCounter, LwwMap, Map, ROUND, Replica, Request, Response, Stamp,
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

/// A counter's counts, as the README writes them, for messages.
fn counts(entries: &[(NodeId, u64)]) -> BTreeMap<NodeId, u64> {
    entries.iter().copied().collect()
}

/// A counter that saw `increments`, one call of `increment` per node listed.
fn counter(increments: &[NodeId]) -> GCounter {
    let mut counter = GCounter::new();
    for &node in increments {
        counter.increment(node);
    }
    counter
}

#[test]
fn gcounter_counts_each_nodes_increments() {
    ends(|| {
        let new = GCounter::new();
        assert_eq!(new.value(), 0, "gcounter.1: a new counter is at zero");
        assert_eq!(
            new.counts(),
            counts(&[]),
            "gcounter.1: a new counter knows no node's increments"
        );
        let counter = counter(&[0, 12, 12]);
        assert_eq!(
            counter.counts(),
            counts(&[(0, 1), (12, 2)]),
            "gcounter.2 and gcounter.3: one increment at n0 and two at n12 (any id, two \
             digits too), each counted for the node that made it, and no node without \
             increments listed"
        );
        assert_eq!(
            counter.value(),
            3,
            "gcounter.3: the value is the sum of the counts"
        );
    });
}

#[test]
fn gcounter_merges_keep_every_increment_once() {
    ends(|| {
        // n0 counted one increment, n1 two; `b_before` is n1's copy before its second.
        let mut a = counter(&[0]);
        let b = counter(&[1, 1]);
        let b_before = counter(&[1]);
        let both = counts(&[(0, 1), (1, 2)]);

        a.merge(&b);
        assert_eq!(
            a.counts(),
            both,
            "gcounter.7: n0's copy {{n0: 1}} merged with n1's copy {{n1: 2}} shows each \
             node's increments exactly once, n1's included, which it had not heard of before"
        );
        a.merge(&b);
        assert_eq!(
            a.counts(),
            both,
            "gcounter.6: merging the same copy again changes nothing"
        );
        a.merge(&b_before);
        assert_eq!(
            a.counts(),
            both,
            "gcounter.6: an older copy of n1 ({{n1: 1}}), arriving late, changes nothing: the \
             merge keeps the larger count of each node"
        );

        let mut b = b;
        b.merge(&counter(&[0]));
        assert_eq!(
            b.counts(),
            both,
            "gcounter.4: merging in the other direction gives the same counts, also for a \
             node the copy had not heard of before"
        );
    });
}

#[test]
fn lww_map_the_larger_stamp_wins_a_key() {
    ends(|| {
        let mut map = LwwMap::new();
        assert!(
            map.set("k", "new", Stamp { time: 5, node: 0 }),
            "lww_map.2: the first write of a key takes effect, and set says so"
        );
        assert!(
            !map.set("k", "old", Stamp { time: 4, node: 9 }),
            "lww_map.3 and lww_map.4: a write at time 4 is older than the one held at time \
             5, whatever its node id, and set says it did not take effect"
        );
        assert_eq!(map.get("k"), Some("new"), "lww_map.3: it changes nothing");
        let mut other = LwwMap::new();
        other.set("k", "tie", Stamp { time: 5, node: 1 });
        map.merge(&other);
        assert_eq!(
            map.get("k"),
            Some("tie"),
            "lww_map.4 and lww_map.7: two writes at time 5, from n0 and n1: the larger node \
             id wins, whichever copy held it"
        );
    });
}

/// Lets `span` of virtual time pass, or fails if the world hits its event limit first,
/// which happens only when replicas send far more than once a round.
fn let_pass(w: &mut World<Replica>, span: Duration) {
    let end = w.now() + span;
    if w.run_until(|w| w.now() >= end) == Stop::Limit {
        panic!(
            "gossip.5: the replicas sent so many messages that the world stopped at its limit \
             of {} events at {:?} of virtual time, where three replicas gossiping once every \
             ROUND ({ROUND:?}) need a few hundred. A replica that sends whenever it hears \
             something sets off messages without end.",
            w.config().max_events,
            w.now()
        );
    }
}

/// What `node` answers client 0 to `Count`, failing if the call does not return.
fn count(w: &mut World<Replica>, node: NodeId) -> u64 {
    let call = w.call_and_wait(0, node, Request::Count);
    match &call.outcome {
        CallOutcome::Returned {
            response: Response::Count(n),
            ..
        } => *n,
        other => panic!(
            "gossip.1: client 0 asked n{node} for Count, which a replica answers at once from \
             its own copy with Count; the call ended as {other:?}"
        ),
    }
}

#[test]
fn gossip_replicas_agree_after_a_partition_heals() {
    ends(|| {
        // `Replica` alone is the replica of your own counter and map.
        let replicas: Vec<Replica> = (0..3).map(|_| Replica::new()).collect();
        let config = Config::new(1).limits(50_000, Duration::from_secs(5));
        let mut w = World::new(config, replicas);
        w.isolate(0);
        for node in [0, 2] {
            let call = w.call_and_wait(0, node, Request::Increment);
            assert!(
                matches!(
                    call.outcome,
                    CallOutcome::Returned {
                        response: Response::Incremented,
                        ..
                    }
                ),
                "gossip.1: an Increment at n{node} is answered at once, during a partition \
                 too; it ended as {:?}",
                call.outcome
            );
        }
        let_pass(&mut w, Duration::from_millis(50));
        w.heal();
        let_pass(&mut w, ROUND * CONVERGE_ROUNDS);
        for node in 0..3 {
            assert_eq!(
                count(&mut w, node),
                2,
                "gossip.6 and gossip.7: n0 (cut off) and n2 each counted one increment; \
                 {CONVERGE_ROUNDS} rounds after the heal, n{node} counts both"
            );
        }
    });
}
