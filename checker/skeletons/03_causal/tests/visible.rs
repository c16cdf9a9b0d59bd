//! A few checks to run while you work: `cargo test -p causal`. The hidden tests go much
//! further (random clocks, random arrival orders with duplicates, random schedules of
//! clients judged by a causal consistency checker, on many seeds).

use std::time::Duration;

use causal::{CausalBroadcast, Order, Replica, Request, Response, VectorClock};
use testkit::sim::{Config, World};

#[test]
fn clocks_compare_entry_by_entry() {
    let a = VectorClock::from_entries(&[(0, 1), (1, 2)]);
    let b = VectorClock::from_entries(&[(0, 2), (1, 2)]);
    let c = VectorClock::from_entries(&[(2, 1)]);
    assert_eq!(a.compare(&b), Order::Before);
    assert_eq!(b.compare(&a), Order::After);
    assert_eq!(a.compare(&c), Order::Concurrent);
    assert_eq!(
        VectorClock::from_entries(&[(3, 0)]).compare(&VectorClock::new()),
        Order::Equal
    );
    assert_eq!(b.to_string(), "{n0: 2, n1: 2}");
}

#[test]
fn a_gap_holds_back_then_cascades() {
    let mut a = CausalBroadcast::new(0);
    let first = a.send("first");
    let second = a.send("second");
    let mut b = CausalBroadcast::new(1);
    assert!(b.receive(second).is_empty(), "second waits for first");
    assert_eq!(b.held_back(), 1);
    let delivered: Vec<&str> = b
        .receive(first.clone())
        .into_iter()
        .map(|m| m.payload)
        .collect();
    assert_eq!(delivered, ["first", "second"]);
    assert!(b.receive(first).is_empty(), "a duplicate is dropped");
}

#[test]
fn the_reply_comes_with_its_post() {
    let config = Config::new(1).delay(Duration::from_millis(1), Duration::from_millis(20));
    let mut w = World::new(config, (0..3).map(Replica::new).collect());
    let put = |key: &str, value: &str| Request::Put {
        key: key.into(),
        value: value.into(),
    };
    let get = |key: &str| Request::Get { key: key.into() };
    w.call_and_wait(0, 0, put("post", "lunch?"));
    while w.call_and_wait(1, 1, get("post")).outcome.response()
        != Some(&Response::Value(Some("lunch?".into())))
    {}
    w.call_and_wait(1, 1, put("reply", "yes!"));
    while w.call_and_wait(2, 2, get("reply")).outcome.response()
        != Some(&Response::Value(Some("yes!".into())))
    {}
    let post = w
        .call_and_wait(2, 2, get("post"))
        .outcome
        .response()
        .cloned();
    assert_eq!(post, Some(Response::Value(Some("lunch?".into()))));
}
