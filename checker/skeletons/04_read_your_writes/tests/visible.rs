//! A few checks to run while you work: `cargo test -p read_your_writes`. Each failure
//! says what was expected, what happened and which rule of the README it is about. The
//! hidden tests go much further (many seeds, many clients, stalled replicas, history
//! checks).
//!
//! Every test ends, whatever the code under test does: operations are awaited on tokio's
//! paused clock for at most [`PATIENCE`], and a test still running after [`HANG`] of real
//! time fails as a hang.

use std::fmt::Display;
use std::future::Future;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use read_your_writes::{Cluster, Config, Fallback, Node, Policy, ReadError, Router, Session};

const MS: Duration = Duration::from_millis(1);

/// How long, on tokio's clock, an operation may take before the test gives up on it. The
/// leader answers in 5 ms and these tests' policies wait at most 20 ms, so a working
/// router answers in well under this; the clock is paused, so the wait costs no real time.
const PATIENCE: Duration = Duration::from_secs(1);

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
             milliseconds: something loops without end, or blocks the thread (a \
             `std::sync::Mutex` held across an `.await`, a busy wait that never awaits)"
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
                "{what} did not return within {PATIENCE:?} of tokio time, where the leader \
             answers in 5 ms and no policy here waits longer than 20 ms. With \
             `Policy::LEADER_AT_ONCE` a read that no replica is recent enough for goes to \
             the leader at once (ryw.4); with a `wait`, it waits at most that long \
             (deadline.1)."
            )
        })
}

#[test]
fn ryw_a_client_reads_its_own_writes_at_once() {
    paused(|| async {
        // Each seed draws other lags (1 to 20 ms) for the replicas: some have caught up
        // with an earlier write when the next read comes, some have not.
        for seed in 1..=4 {
            let router = Router::new(Cluster::new(Config::new(3, seed)), Policy::LEADER_AT_ONCE);
            let mut session = Session::new();
            for value in 1..=5 {
                let version = returns(
                    format!("write k={value}"),
                    router.write(&mut session, "k", value),
                )
                .await;
                assert_eq!(
                    version, value as u64,
                    "ryw.1: the leader numbers writes 1, 2, 3, ...; the write of k={value} is \
                     its write number {value}"
                );
                assert!(
                    session.floor() >= version,
                    "ryw.2: once write returned version {version}, the session's floor is at \
                     least {version}; it is {}",
                    session.floor()
                );
                let read = returns(
                    format!("read k after writing {value}"),
                    router.read(&mut session, "k"),
                )
                .await
                .unwrap_or_else(|error| {
                    panic!(
                        "ryw.4: with Policy::LEADER_AT_ONCE a read never fails, but reading k \
                         after writing {value} gave {error:?}"
                    )
                });
                assert!(
                    read.value == Some(value) && read.version >= version,
                    "lag seed {seed}: the client wrote k={value} (version {version}) and read \
                     k at once, and got {:?} at version {} from {:?}. ryw.3 and ryw.5: a read \
                     goes only to a node at the session's floor or beyond (right after a write \
                     that is the leader, unless a replica has caught up), so it sees the \
                     client's own latest write.",
                    read.value,
                    read.version,
                    read.node
                );
            }
        }
    });
}

#[test]
fn ryw_the_floor_never_goes_down() {
    ends(|| {
        let mut session = Session::new();
        assert_eq!(
            session.floor(),
            0,
            "efficiency.3: a new session has floor 0"
        );
        session.wrote(5);
        assert!(
            session.floor() >= 5,
            "ryw.2: after wrote(5) the floor is at least 5; it is {}",
            session.floor()
        );
        session.wrote(3);
        assert!(
            session.floor() >= 5,
            "ryw.2: after wrote(5) then wrote(3) the floor is still at least 5: noting a lower \
             version never lowers it. It is {}",
            session.floor()
        );
        session.read(2);
        assert!(
            session.floor() >= 5,
            "monotonic.2: a read at version 2 does not lower a floor of 5; it is {}",
            session.floor()
        );
        session.read(8);
        assert!(
            session.floor() >= 8,
            "monotonic.2: after read(8) the floor is at least 8; it is {}",
            session.floor()
        );
    });
}

#[test]
fn ryw_the_leader_serves_when_no_replica_can() {
    paused(|| async {
        for replicas in [0, 2] {
            let cluster = Cluster::new(Config::new(replicas, 1));
            // Stalled replicas never catch up, however long a read waits.
            for i in 0..replicas {
                cluster.stall(i);
            }
            let router = Router::new(cluster, Policy::LEADER_AT_ONCE);
            let mut session = Session::new();
            returns("write k=1", router.write(&mut session, "k", 1)).await;
            let read = returns(
                format!("read k with {replicas} replica(s), all stalled"),
                router.read(&mut session, "k"),
            )
            .await;
            assert_eq!(
                read.map(|r| (r.value, r.node)),
                Ok((Some(1), Node::Leader)),
                "ryw.4: in a cluster of {replicas} replica(s) none of which has the client's \
                 write, a read with Policy::LEADER_AT_ONCE goes to the leader at once"
            );
        }
    });
}

#[test]
fn efficiency_a_replica_serves_once_it_has_caught_up() {
    paused(|| async {
        let router = Router::new(Cluster::new(Config::new(3, 2)), Policy::LEADER_AT_ONCE);
        let mut session = Session::new();
        returns("write k=1", router.write(&mut session, "k", 1)).await;
        tokio::time::sleep(30 * MS).await; // longer than the longest lag
        let read = returns("read k", router.read(&mut session, "k"))
            .await
            .expect("ryw.4: with Policy::LEADER_AT_ONCE a read never fails");
        assert_eq!(read.value, Some(1), "ryw.5");
        assert!(
            matches!(read.node, Node::Replica(_)),
            "efficiency.1: every replica has caught up with the client's write, so a replica \
             serves the read, not the leader; it was {:?}",
            read.node
        );
    });
}

#[test]
fn monotonic_a_read_raises_the_floor() {
    paused(|| async {
        let cluster = Cluster::new(Config::new(2, 3));
        let writer = Router::new(cluster.clone(), Policy::LEADER_AT_ONCE);
        returns("write k=1", writer.write(&mut Session::new(), "k", 1)).await;
        tokio::time::sleep(30 * MS).await;
        cluster.stall(1);
        returns("write k=2", writer.write(&mut Session::new(), "k", 2)).await;
        tokio::time::sleep(30 * MS).await; // replica 0 has k=2, replica 1 only k=1

        let reader = Router::new(cluster, Policy::LEADER_AT_ONCE);
        let mut session = Session::new();
        let mut seen = Vec::new();
        for _ in 0..6 {
            let read = returns("read k", reader.read(&mut session, "k"))
                .await
                .expect("ryw.4: with Policy::LEADER_AT_ONCE a read never fails");
            seen.push(read.value);
        }
        if let Some(i) = seen.iter().position(|v| *v == Some(2)) {
            assert!(
                seen[i..].iter().all(|v| *v == Some(2)),
                "monotonic.1: a client that read k=2 (version 2) never reads k=1 after it, \
                 yet its reads gave {seen:?}: once a read answered at version 2, the floor is \
                 at least 2, and the replica stuck at version 1 may not serve it"
            );
        }
    });
}

#[test]
fn deadline_an_error_not_stale_data() {
    paused(|| async {
        let cluster = Cluster::new(Config::new(1, 4));
        cluster.stall(0);
        let policy = Policy {
            wait: 20 * MS,
            fallback: Fallback::Error,
        };
        let router = Router::new(cluster, policy);
        let mut session = Session::new();
        returns("write k=1", router.write(&mut session, "k", 1)).await;
        let result = returns("read k", router.read(&mut session, "k")).await;
        assert_eq!(
            result,
            Err(ReadError::Deadline { needed: 1, best: 0 }),
            "deadline.3 and deadline.5: the only replica is stalled at version 0 and the \
             client wrote version 1, so after waiting 20 ms the read fails, naming the floor \
             and the best replica, rather than answer from the replica"
        );
    });
}
