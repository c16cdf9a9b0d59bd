//! A few checks to run while you work: `cargo test -p cap`. The hidden tests go much
//! further (many seeds, loss, duplication, random partitions, a linearizability check).

use std::time::Duration;

use cap::{Mode, Replica, Request, Response, STALE_AFTER, Tally};
use testkit::sim::{Config, World};

fn world(mode: Mode, nodes: usize) -> World<Replica> {
    let config = Config::new(1).client_timeout(Duration::from_secs(1));
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

#[test]
fn cp_serves_with_a_majority_and_refuses_without() {
    let mut w = world(Mode::Cp, 3);
    let written = w
        .call_and_wait(0, 1, put("x", "1"))
        .outcome
        .response()
        .cloned();
    assert!(
        matches!(written, Some(Response::Written { .. })),
        "{written:?}"
    );
    let read = w.call_and_wait(0, 2, get("x")).outcome.response().cloned();
    assert_eq!(
        read,
        Some(Response::Value {
            value: Some("1".into()),
            stale: false
        })
    );
    w.isolate(0);
    let refused = w.call_and_wait(0, 0, get("x")).outcome.response().cloned();
    assert_eq!(
        refused,
        Some(Response::Unavailable {
            reachable: 1,
            needed: 2
        }),
        "n0 alone is no majority of 3"
    );
}

#[test]
fn ap_answers_alone_and_says_its_read_may_be_stale() {
    let mut w = world(Mode::Ap, 3);
    w.isolate(0);
    let written = w
        .call_and_wait(0, 0, put("x", "mine"))
        .outcome
        .response()
        .cloned();
    assert!(
        matches!(written, Some(Response::Written { .. })),
        "{written:?}"
    );
    w.run_for(STALE_AFTER * 2);
    let read = w.call_and_wait(0, 0, get("x")).outcome.response().cloned();
    assert_eq!(
        read,
        Some(Response::Value {
            value: Some("mine".into()),
            stale: true
        })
    );
}

#[test]
fn ap_replicas_agree_after_the_heal() {
    let mut w = world(Mode::Ap, 3);
    w.isolate(2);
    w.call_and_wait(0, 2, put("x", "lonely"));
    w.heal();
    w.run_for(cap::ROUND * cap::CONVERGE_ROUNDS);
    for node in 0..3 {
        assert_eq!(
            w.node(node).snapshot().get("x").map(String::as_str),
            Some("lonely")
        );
    }
}

#[test]
fn a_tally_counts_refusals_and_stale_reads() {
    let w = cap::run_workload(Mode::Ap, 3, Replica::new);
    let tally = cap::tally(w.calls());
    assert_eq!(tally.requests, w.calls().len());
    assert_eq!(tally.refused, 0, "AP refuses nothing");
    assert_eq!(
        cap::tally(&[]),
        Tally::default(),
        "no calls, nothing counted"
    );
}
