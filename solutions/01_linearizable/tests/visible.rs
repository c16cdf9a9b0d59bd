//! A few checks to run while you work: `cargo test -p linearizable`. Each failure says
//! what was expected, what happened and which rule of the README it is about. The hidden
//! suite (`checker check 01_linearizable`) goes much further: many concurrent clients,
//! many seeds, faults, and a linearizability checker on what the clients saw.
//!
//! Every test ends, whatever the code under test does: operations are awaited on tokio's
//! paused clock for at most [`PATIENCE`], simulated worlds stop after a bounded number of
//! events, and a test still running after [`HANG`] of real time fails as a hang.

use std::fmt::Display;
use std::future::Future;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use linearizable::{
    Lock, LockError, Register, Replica, Request, Resource, Response, Store, Versioned,
};
use testkit::sim::{CallOutcome, Config, World};

/// How long, on tokio's clock, an operation may take before the test gives up on it.
/// Every access to the store takes 1 to 3 ms, so a working register answers in a few
/// milliseconds even behind other clients; the clock is paused, so the wait costs no
/// real time.
const PATIENCE: Duration = Duration::from_secs(1);

/// How long, in real time, a test may run before it is taken to hang. Each test takes
/// milliseconds; this only turns an endless loop or a blocked thread into a failure that
/// says so, rather than a `cargo test` that never ends.
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
             milliseconds: something loops without end or waits for itself (a lock taken \
             twice, a `std::sync::Mutex` held across an `.await`)"
        );
    }
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Runs an async test on a tokio runtime whose clock is paused, as
/// `#[tokio::test(start_paused = true)]` does, within [`ends`]. The future is built on
/// the test's own thread, so it need not be `Send`.
fn paused<F: Future<Output = ()>>(test: impl FnOnce() -> F + Send + 'static) {
    ends(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a tokio runtime")
            .block_on(test())
    });
}

/// Awaits `op`, named `what` in the failure, for at most [`PATIENCE`] of tokio time.
async fn returns<F: Future>(what: impl Display, op: F) -> F::Output {
    tokio::time::timeout(PATIENCE, op)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{what} did not return within {PATIENCE:?} of tokio time, where a store access \
             takes 1 to 3 ms. Every operation returns (register.1, lock.5, lock.6): look for \
             a lock that is never released or is taken twice, or a wait for something that \
             never happens."
            )
        })
}

/// What a register or a store holds, as `(value, version)`, for short messages.
fn held(v: Versioned) -> (Option<i64>, u64) {
    (v.value, v.version)
}

#[test]
fn register_one_client_sees_versions_count_up() {
    paused(|| async {
        let register = Register::new(Store::new(1));
        let empty = returns("read() of a new register", register.read()).await;
        assert_eq!(
            held(empty),
            (None, 0),
            "register.5: before any update a read returns no value and version 0"
        );
        let version = returns("write(5)", register.write(5)).await;
        assert_eq!(
            version, 1,
            "register.4: the first update makes version 1, and returns it"
        );
        let swapped = returns(
            "compare_and_swap(Some(5), 6)",
            register.compare_and_swap(Some(5), 6),
        )
        .await;
        assert_eq!(
            swapped,
            Ok(2),
            "register.2 and register.4: the register held 5, so a swap from 5 to 6 wins and \
             makes version 2"
        );
        let refused = returns(
            "compare_and_swap(Some(5), 7)",
            register.compare_and_swap(Some(5), 7),
        )
        .await;
        assert_eq!(
            refused.map_err(held),
            Err((Some(6), 2)),
            "register.3: the register held 6 at version 2, so a swap from 5 is refused and \
             says what it held"
        );
        let now = returns("read()", register.read()).await;
        assert_eq!(
            held(now),
            (Some(6), 2),
            "register.5: a read returns the value with the version of the update that wrote it"
        );
    });
}

#[test]
fn register_swaps_from_one_value_through_clones_one_wins() {
    paused(|| async {
        // How the three swaps interleave depends on the store's latencies, which its seed
        // decides: a swap that loads, compares and saves without holding anything wins
        // alongside another on most seeds, but not on every one. Several seeds make the
        // test catch it whatever the latencies.
        for seed in 1..=6 {
            let register = Register::new(Store::new(seed));
            returns("write(0)", register.write(0)).await;
            let (a, b, c) = (register.clone(), register.clone(), register.clone());
            let results = returns(format!("seed {seed}: three swaps from 0 at once"), async {
                let (a, b, c) = tokio::join!(
                    a.compare_and_swap(Some(0), 1),
                    b.compare_and_swap(Some(0), 2),
                    c.compare_and_swap(Some(0), 3)
                );
                [a, b, c]
            })
            .await;
            let winners: Vec<i64> = (1..=3)
                .filter(|&i| results[i as usize - 1].is_ok())
                .collect();
            assert!(
                !winners.is_empty(),
                "store seed {seed}: the register held 0 at version 1, and three clients swapped \
                 0 for 1, 2 and 3 at once, each through a clone of the register; none won. The \
                 swap that comes first finds 0 and wins (register.2), whichever handle it goes \
                 through (register.8). Results: {results:?}"
            );
            assert!(
                winners.len() == 1,
                "store seed {seed}: the register held 0 at version 1, and three clients swapped \
                 0 for 1, 2 and 3 at once, each through a clone of the register. Exactly one \
                 swap may win (register.2), but these won: {winners:?}. Results: {results:?}. \
                 The comparison and the save must be one indivisible step, also across clones \
                 (register.8): between a load and a save, other clients run."
            );
            let winner = winners[0];
            let results = results.map(|r| r.map_err(held));
            for (i, result) in results.iter().enumerate() {
                let expected = if i as i64 + 1 == winner {
                    Ok(2)
                } else {
                    Err((Some(winner), 2))
                };
                assert_eq!(
                    *result,
                    expected,
                    "store seed {seed}: of three swaps from 0, the swap to {winner} won. The \
                     winner makes version 2 (register.4); a loser reports what the register \
                     held when it refused: {winner} at version 2 (register.3). This is the \
                     swap to {}.",
                    i + 1
                );
            }
        }
    });
}

#[test]
fn register_concurrent_writes_take_one_version_each() {
    paused(|| async {
        for seed in 1..=4 {
            let register = Register::new(Store::new(seed));
            let (a, b, c) = (register.clone(), register.clone(), register.clone());
            let mut versions = returns(format!("seed {seed}: three writes at once"), async {
                let (a, b, c) = tokio::join!(a.write(10), b.write(20), c.write(30));
                vec![a, b, c]
            })
            .await;
            versions.sort_unstable();
            assert_eq!(
                versions,
                [1, 2, 3],
                "store seed {seed}: three writes ran at once on a new register, each through a \
                 clone. Each update makes the version exactly one larger (register.4), so \
                 between them they return 1, 2 and 3. A write's new version depends on the \
                 old one: it is a load and a save that must not interleave with another \
                 update's."
            );
            let last = returns("read()", register.read()).await;
            assert_eq!(
                last.version,
                3,
                "store seed {seed}: after three writes the register is at version 3 \
                 (register.4, register.5); it reads {:?}",
                held(last)
            );
        }
    });
}

#[test]
fn register_is_kept_in_its_store() {
    paused(|| async {
        let store = Store::new(7);
        let start = Versioned {
            value: Some(10),
            version: 4,
        };
        returns("store.save(..)", store.save(start)).await;
        let register = Register::new(store.clone());
        let first = returns("read()", register.read()).await;
        assert_eq!(
            held(first),
            (Some(10), 4),
            "register.6: the register was made on a store holding 10 at version 4, and starts \
             from it"
        );
        let clone = register.clone();
        let version = returns("write(11) through a clone", clone.write(11)).await;
        assert_eq!(
            version, 5,
            "register.4 and register.8: the register was at version 4, so a write through \
             a clone of it makes version 5"
        );
        let saved = returns("store.load()", store.load()).await;
        assert_eq!(
            held(saved),
            (Some(11), 5),
            "register.7: an update is saved in the register's store before it returns, and \
             the store reads as the register does: no copy kept beside it"
        );
        let seen = returns("read() through the first handle", register.read()).await;
        assert_eq!(
            held(seen),
            (Some(11), 5),
            "register.8: a clone is a handle to the same register, so an update through one \
             is read through the other"
        );
        let swapped = returns(
            "compare_and_swap(Some(11), 12)",
            register.compare_and_swap(Some(11), 12),
        )
        .await;
        assert_eq!(swapped, Ok(6), "register.2 and register.4");
        let saved = returns("store.load()", store.load()).await;
        assert_eq!(
            held(saved),
            (Some(12), 6),
            "register.7: a swap is saved in the store before it returns"
        );
    });
}

#[test]
fn lock_takes_and_releases() {
    paused(|| async {
        let lock = Lock::new(Register::new(Store::new(3)));
        let wait = Duration::from_millis(10);
        let first = returns("acquire(1, 10 ms)", lock.acquire(1, wait))
            .await
            .expect("lock.5: a free lock is taken");
        assert_eq!(
            returns("acquire(2, 10 ms)", lock.acquire(2, wait)).await,
            Err(LockError::TimedOut),
            "lock.4 and lock.6: client 1 holds the lock, so client 2 times out"
        );
        assert_eq!(
            returns("release(2)", lock.release(2)).await,
            Err(LockError::NotOwner),
            "lock.8: only the holder releases"
        );
        assert_eq!(
            returns("release(1)", lock.release(1)).await,
            Ok(()),
            "lock.8: the holder releases"
        );
        let second = returns("acquire(2, 10 ms)", lock.acquire(2, wait))
            .await
            .expect("lock.5: a freed lock is taken");
        assert!(
            second > first,
            "lock.9: every token is larger than those before: {first:?} then {second:?}"
        );

        let mut resource = Resource::new();
        assert!(
            resource.write(second, 1).is_ok(),
            "lock.11: the newest token is accepted"
        );
        assert!(
            resource.write(first, 2).is_err(),
            "lock.12: a token older than one seen is refused"
        );
        assert_eq!(
            resource.value(),
            Some(1),
            "lock.12 and lock.13: a refused write changes nothing"
        );
    });
}

#[test]
fn quorum_reads_a_write_without_faults() {
    ends(|| {
        // No faults and few events: a working quorum is done in well under a thousand
        // events. The limits stop a world whose nodes never stop sending.
        let config = Config::new(4).limits(20_000, Duration::from_secs(10));
        let mut world = World::from_factory(config, 3, |_| Replica::new());
        world.call_and_wait(0, 0, Request::Write(7));
        world.call_and_wait(1, 2, Request::Read);
        for (call, expected) in world
            .calls()
            .iter()
            .zip([Response::Written, Response::Value(Some(7))])
        {
            match &call.outcome {
                CallOutcome::Returned { response, .. } => assert_eq!(
                    *response, expected,
                    "quorum.1: client {} asked node {} {:?} after the write of 7 returned",
                    call.client, call.node, call.request
                ),
                other => panic!(
                    "quorum.6: client {} asked node {} {:?} on a network without faults, and \
                     the call ended as {other:?} after {:?} of virtual time: every operation \
                     sent to a node that can reach a majority completes",
                    call.client,
                    call.node,
                    call.request,
                    world.now()
                ),
            }
        }
    });
}
