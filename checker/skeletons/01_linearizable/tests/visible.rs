//! A few checks to run while you work: `cargo test -p linearizable`. The hidden suite
//! (`checker check 01_linearizable`) goes much further: many concurrent clients, many
//! seeds, faults, and a linearizability checker on what the clients saw.

use std::time::Duration;

use linearizable::{Lock, LockError, Register, Replica, Request, Resource, Response, Store};
use testkit::sim::{CallOutcome, Config, World};

#[tokio::test(start_paused = true)]
async fn register_counts_versions_one_client() {
    let register = Register::new(Store::new(1));
    let empty = register.read().await;
    assert_eq!((empty.value, empty.version), (None, 0));
    assert_eq!(register.write(5).await, 1);
    assert_eq!(register.compare_and_swap(Some(5), 6).await, Ok(2));
    let refused = register.compare_and_swap(Some(5), 7).await;
    assert_eq!(
        refused.map_err(|held| (held.value, held.version)),
        Err((Some(6), 2))
    );
    let now = register.read().await;
    assert_eq!((now.value, now.version), (Some(6), 2));
}

#[tokio::test(start_paused = true)]
async fn two_concurrent_swaps_from_the_same_value_one_wins() {
    let register = Register::new(Store::new(2));
    register.write(0).await;
    let (a, b) = tokio::join!(
        register.compare_and_swap(Some(0), 1),
        register.compare_and_swap(Some(0), 2)
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one swap must win: {a:?} {b:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn lock_takes_and_releases() {
    let lock = Lock::new(Register::new(Store::new(3)));
    let first = lock.acquire(1, Duration::from_millis(10)).await.unwrap();
    assert_eq!(
        lock.acquire(2, Duration::from_millis(10)).await,
        Err(LockError::TimedOut)
    );
    assert_eq!(lock.release(2).await, Err(LockError::NotOwner));
    assert_eq!(lock.release(1).await, Ok(()));
    let second = lock.acquire(2, Duration::from_millis(10)).await.unwrap();
    assert!(second > first, "tokens grow: {first:?} then {second:?}");

    let mut resource = Resource::new();
    assert!(resource.write(second, 1).is_ok());
    assert!(
        resource.write(first, 2).is_err(),
        "a stale token is refused"
    );
    assert_eq!(resource.value(), Some(1));
}

#[test]
fn quorum_register_reads_a_write_without_faults() {
    let mut world = World::from_factory(Config::new(4), 3, |_| Replica::new());
    world.call_and_wait(0, 0, Request::Write(7));
    world.call_and_wait(1, 2, Request::Read);
    let answers: Vec<_> = world
        .calls()
        .iter()
        .map(|call| match &call.outcome {
            CallOutcome::Returned { response, .. } => Some(response.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        answers,
        [Some(Response::Written), Some(Response::Value(Some(7)))]
    );
}
