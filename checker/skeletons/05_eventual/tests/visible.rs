//! A few checks to run while you work: `cargo test -p eventual`. The hidden tests go
//! much further (random merges with repeats, frequent ties, loss, duplication and
//! partitions on many seeds).

use std::time::Duration;

use eventual::{
    CONVERGE_ROUNDS, Counter, GCounter, LwwMap, Map, ROUND, Replica, Request, Response, Stamp,
};
use testkit::sim::{Config, World};

#[test]
fn a_counter_merges_two_nodes_increments() {
    let mut a = GCounter::new();
    let mut b = GCounter::new();
    a.increment(0);
    b.increment(1);
    b.increment(1);
    a.merge(&b);
    assert_eq!(a.value(), 3);
    a.merge(&b);
    assert_eq!(a.value(), 3, "merging the same state again changes nothing");
}

#[test]
fn the_larger_stamp_wins_a_key() {
    let mut map = LwwMap::new();
    assert!(map.set("k", "new", Stamp { time: 5, node: 0 }));
    assert!(!map.set("k", "old", Stamp { time: 4, node: 9 }));
    assert_eq!(map.get("k"), Some("new"));
    let mut other = LwwMap::new();
    other.set("k", "tie", Stamp { time: 5, node: 1 });
    map.merge(&other);
    assert_eq!(
        map.get("k"),
        Some("tie"),
        "same time: the larger node id wins"
    );
}

#[test]
fn replicas_agree_after_a_partition_heals() {
    // `Replica` alone is the replica of your own counter and map.
    let replicas: Vec<Replica> = (0..3).map(|_| Replica::new()).collect();
    let mut w = World::new(Config::new(1), replicas);
    w.isolate(0);
    w.call_and_wait(0, 0, Request::Increment);
    w.call_and_wait(0, 2, Request::Increment);
    w.run_for(Duration::from_millis(50));
    w.heal();
    w.run_for(ROUND * CONVERGE_ROUNDS);
    for node in 0..3 {
        let answer = w
            .call_and_wait(0, node, Request::Count)
            .outcome
            .response()
            .cloned();
        assert_eq!(answer, Some(Response::Count(2)), "n{node}");
    }
}
