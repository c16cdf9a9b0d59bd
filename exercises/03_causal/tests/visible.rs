//! A few checks to run while you work: `cargo test -p causal`. Each failure says what
//! was expected, what happened and which rule of the README it is about. The hidden tests
//! go much further (random clocks, random arrival orders with duplicates, random
//! schedules of clients judged by a causal consistency checker, on many seeds).
//!
//! Every test ends, whatever the code under test does: simulated worlds stop after a
//! bounded number of events, waits for a replica are a bounded number of tries, and a
//! test still running after [`HANG`] of real time fails as a hang.

use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use causal::{CausalBroadcast, Order, Replica, Request, Response, VectorClock};
use testkit::sim::{CallOutcome, Config, NodeId, World};

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
             milliseconds: something loops without end (a cascade that finds the same \
             message ready again and again, say)"
        );
    }
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A clock's entries written as the README writes clocks, for messages. (Not through
/// your `Display`: a message must not depend on the code it is checking.)
fn shown(entries: &[(NodeId, u64)]) -> String {
    let parts: Vec<String> = entries.iter().map(|(n, c)| format!("n{n}: {c}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// Asserts that the clock of `a` compares to the clock of `b` as `expected`, and `b` to
/// `a` as its mirror image, naming `rule` and `why` when it does not.
fn compares(a: &[(NodeId, u64)], b: &[(NodeId, u64)], expected: Order, rule: &str, why: &str) {
    let mirror = match expected {
        Order::Before => Order::After,
        Order::After => Order::Before,
        same => same,
    };
    let (x, y) = (VectorClock::from_entries(a), VectorClock::from_entries(b));
    for (left, right, want, got) in [
        (a, b, expected, x.compare(&y)),
        (b, a, mirror, y.compare(&x)),
    ] {
        assert!(
            got == want,
            "{rule}: {} compared with {} must be {want:?}, but compare answered {got:?}. {why}",
            shown(left),
            shown(right)
        );
    }
}

#[test]
fn clocks_compare_entry_by_entry() {
    ends(|| {
        compares(
            &[(0, 1), (1, 2)],
            &[(0, 2), (1, 2)],
            Order::Before,
            "clocks.4",
            "Every entry is <= the other's and one is <; they need not all be <.",
        );
        compares(
            &[(0, 1)],
            &[(1, 5)],
            Order::Concurrent,
            "clocks.5",
            "Each clock has an entry larger than the other's (n0 on the left, n1 on the \
             right): neither could know of the other. A dictionary order of the entries, \
             as a derived `Ord` gives, would put the left one first.",
        );
        compares(
            &[(0, 3)],
            &[(0, 2), (1, 1)],
            Order::Concurrent,
            "clocks.5",
            "n0 is larger on the left, n1 on the right.",
        );
        compares(
            &[(0, 1)],
            &[(0, 1), (2, 1)],
            Order::Before,
            "clocks.4 and clocks.6",
            "The right clock names n2, which the left one lacks: a missing entry counts \
             as 0, and every node either clock names is looked at.",
        );
        compares(
            &[(0, 1), (4, 0)],
            &[(0, 1)],
            Order::Equal,
            "clocks.6",
            "An entry of 0 is the same as no entry.",
        );
    });
}

#[test]
fn clocks_count_and_merge() {
    ends(|| {
        let mut clock = VectorClock::new();
        for node in [0, 10, 1000] {
            assert_eq!(
                clock.get(node),
                0,
                "clocks.1: a new clock has seen nothing of n{node}"
            );
        }
        assert_eq!(
            clock.increment(10),
            1,
            "clocks.2: increment returns the new counter"
        );
        assert_eq!(
            clock.increment(10),
            2,
            "clocks.2: increment returns the new counter"
        );
        assert_eq!(clock.get(10), 2, "clocks.1 and clocks.2");
        assert_eq!(clock.get(1), 0, "clocks.2: no other entry changes");

        let mut a = VectorClock::from_entries(&[(0, 3), (1, 1)]);
        let b = VectorClock::from_entries(&[(1, 4), (2, 2)]);
        a.merge(&b);
        let merged: Vec<(NodeId, u64)> = a.entries().collect();
        assert_eq!(
            merged,
            [(0, 3), (1, 4), (2, 2)],
            "clocks.3: {} merged with {} takes the larger of each entry, for every node \
             either names, and counts no event of its own",
            shown(&[(0, 3), (1, 1)]),
            shown(&[(1, 4), (2, 2)])
        );
    });
}

#[test]
fn clocks_display_in_node_order() {
    ends(|| {
        let clock = VectorClock::from_entries(&[(10, 1), (2, 3)]);
        assert_eq!(
            clock.to_string(),
            "{n2: 3, n10: 1}",
            "clocks.9: nodes in the order of their numbers (n2 before n10, which sorting \
             the text would swap), each as `nN: count`"
        );
        assert_eq!(
            VectorClock::new().to_string(),
            "{}",
            "clocks.9: a clock that has seen nothing"
        );
    });
}

#[test]
fn delivery_holds_back_a_gap_then_cascades() {
    ends(|| {
        let mut a = CausalBroadcast::new(0);
        let first = a.send("first");
        let second = a.send("second");
        let mut b = CausalBroadcast::new(1);
        assert!(
            b.receive(second).is_empty(),
            "delivery.4: n0's second message arrived before its first, so it waits"
        );
        assert_eq!(
            b.held_back(),
            1,
            "delivery.4: the early message is held back"
        );
        let delivered: Vec<&str> = b
            .receive(first.clone())
            .into_iter()
            .map(|m| m.payload)
            .collect();
        assert_eq!(
            delivered,
            ["first", "second"],
            "delivery.6: the first message fills the gap, and the held-back second follows \
             it in the same call"
        );
        assert!(
            b.receive(first).is_empty(),
            "delivery.7: a message delivered before is dropped when it comes again"
        );
    });
}

/// The most times [`get_until`] asks, and the virtual time it lets pass between asks:
/// together far longer than the slowest message of these tests' network (20 ms).
const TRIES: u32 = 40;
const BETWEEN: Duration = Duration::from_millis(5);

/// What `node` answers `client` to a `Get` of `key`, failing if the call does not return.
fn get(w: &mut World<Replica>, client: u32, node: NodeId, key: &str) -> Option<String> {
    let call = w.call_and_wait(client, node, Request::Get { key: key.into() });
    match &call.outcome {
        CallOutcome::Returned {
            response: Response::Value(value),
            ..
        } => value.clone(),
        other => panic!(
            "store.1: client {client} asked n{node} for {key}, which it answers from its own \
             copy at once; the call ended as {other:?}"
        ),
    }
}

/// Asks `node` for `key` until it answers `want`, at most [`TRIES`] times, [`BETWEEN`]
/// apart; fails, naming what it last answered, if it never does.
fn get_until(w: &mut World<Replica>, client: u32, node: NodeId, key: &str, want: &str) {
    let mut last = None;
    for _ in 0..TRIES {
        last = get(w, client, node, key);
        if last.as_deref() == Some(want) {
            return;
        }
        w.run_for(BETWEEN);
    }
    panic!(
        "store.3 and store.5: n{node} still answers {key} = {last:?} after {:?} of virtual \
         time, where every message takes at most 20 ms; it should show {want:?}, written at \
         another replica, which sends every write it accepts to every other replica",
        BETWEEN * TRIES
    );
}

#[test]
fn store_the_reply_comes_with_its_post() {
    ends(|| {
        // Few events make this run: the limits only stop a world whose replicas never stop
        // sending.
        let config = Config::new(1)
            .delay(Duration::from_millis(1), Duration::from_millis(20))
            .limits(20_000, Duration::from_secs(5));
        let mut w = World::new(config, (0..3).map(Replica::new).collect());
        let put = |key: &str, value: &str| Request::Put {
            key: key.into(),
            value: value.into(),
        };
        let wrote = w.call_and_wait(0, 0, put("post", "lunch?")).outcome.clone();
        assert!(
            wrote.response() == Some(&Response::Written),
            "store.2: a Put is applied and answered at once; it ended as {wrote:?}"
        );
        get_until(&mut w, 1, 1, "post", "lunch?");
        w.call_and_wait(1, 1, put("reply", "yes!"));
        get_until(&mut w, 2, 2, "reply", "yes!");
        assert_eq!(
            get(&mut w, 2, 2, "post").as_deref(),
            Some("lunch?"),
            "store.4: n2 shows the reply, which n1 wrote after reading the post there, so it \
             must show the post too"
        );
    });
}
