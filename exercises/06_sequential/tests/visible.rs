//! A few checks to run while you work: `cargo test -p sequential`. The hidden tests go
//! much further (random reads and writes from many clients on many seeds, with messages
//! delayed, reordered and duplicated, and your scenario played on many seeds).

use std::time::Duration;

use sequential::{Replica, Request, Response, history, stale_read_scenario};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::model::ModelKind;
use testkit::sim::{CallOutcome, Config, World};

fn world(seed: u64) -> World<Replica> {
    let config = Config::new(seed).delay(Duration::from_millis(1), Duration::from_millis(10));
    World::new(config, (0..3).map(|_| Replica::new()).collect())
}

#[test]
fn a_write_reaches_every_replica() {
    let mut world = world(1);
    let wrote = world.call_and_wait(0, 1, Request::Write(7)).outcome.clone();
    assert!(matches!(wrote, CallOutcome::Returned { .. }), "{wrote:?}");
    world.run_until_quiet();
    for node in 0..3 {
        assert_eq!(world.node(node).value(), Some(7), "replica n{node}");
        assert_eq!(world.node(node).applied(), 1, "replica n{node}");
    }
}

#[test]
fn a_client_reads_its_own_write_at_its_replica() {
    let mut world = world(2);
    world.call_and_wait(0, 2, Request::Write(3));
    let read = world.call_and_wait(0, 2, Request::Read).outcome.clone();
    match read {
        CallOutcome::Returned { response, .. } => assert_eq!(response, Response::Value(Some(3))),
        other => panic!("the read ended as {other:?}"),
    }
}

#[test]
fn the_stale_read_scenario_tells_the_models_apart() {
    let config = Config::new(3).delay(Duration::from_millis(1), Duration::from_millis(10));
    let world = stale_read_scenario()
        .run(config, |_| Replica::new())
        .unwrap_or_else(|e| panic!("the scenario cannot be played: {e}"));
    let history = history(&world).unwrap();
    let seq = Sequential::new(ModelKind::Register)
        .check(&history)
        .unwrap();
    assert!(seq.holds(), "not sequentially consistent: {seq:?}");
    let lin = Linearizable::new(ModelKind::Register)
        .check(&history)
        .unwrap();
    assert!(
        lin.violation().is_some(),
        "linearizable, or undecided: {lin:?}"
    );
}
