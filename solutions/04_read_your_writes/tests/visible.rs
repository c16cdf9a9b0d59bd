//! A few checks to run while you work: `cargo test -p read_your_writes`. The hidden tests
//! go much further (many seeds, many clients, stalled replicas, history checks).

use std::time::Duration;

use read_your_writes::{Cluster, Config, Fallback, Node, Policy, ReadError, Router, Session};

const MS: Duration = Duration::from_millis(1);

#[tokio::test(start_paused = true)]
async fn a_client_reads_its_own_write_at_once() {
    let router = Router::new(Cluster::new(Config::new(3, 1)), Policy::LEADER_AT_ONCE);
    let mut session = Session::new();
    router.write(&mut session, "k", 7).await;
    // No replica has the write yet (each lags at least 1 ms), so only the leader may answer.
    let read = router.read(&mut session, "k").await.unwrap();
    assert_eq!(read.value, Some(7));
    assert_eq!(read.node, Node::Leader);
}

#[tokio::test(start_paused = true)]
async fn a_replica_serves_once_it_has_caught_up() {
    let router = Router::new(Cluster::new(Config::new(3, 2)), Policy::LEADER_AT_ONCE);
    let mut session = Session::new();
    router.write(&mut session, "k", 1).await;
    tokio::time::sleep(30 * MS).await; // longer than the longest lag
    let read = router.read(&mut session, "k").await.unwrap();
    assert_eq!(read.value, Some(1));
    assert!(matches!(read.node, Node::Replica(_)), "{read:?}");
}

#[tokio::test(start_paused = true)]
async fn a_read_raises_the_floor() {
    let cluster = Cluster::new(Config::new(2, 3));
    let writer = Router::new(cluster.clone(), Policy::LEADER_AT_ONCE);
    writer.write(&mut Session::new(), "k", 1).await;
    tokio::time::sleep(30 * MS).await;
    cluster.stall(1);
    writer.write(&mut Session::new(), "k", 2).await;
    tokio::time::sleep(30 * MS).await; // replica 0 has k=2, replica 1 only k=1

    let reader = Router::new(cluster, Policy::LEADER_AT_ONCE);
    let mut session = Session::new();
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(reader.read(&mut session, "k").await.unwrap().value);
    }
    let first_two = seen.iter().position(|v| *v == Some(2));
    if let Some(i) = first_two {
        assert!(
            seen[i..].iter().all(|v| *v == Some(2)),
            "went back: {seen:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn at_the_deadline_an_error_not_stale_data() {
    let cluster = Cluster::new(Config::new(1, 4));
    cluster.stall(0);
    let policy = Policy {
        wait: 20 * MS,
        fallback: Fallback::Error,
    };
    let router = Router::new(cluster, policy);
    let mut session = Session::new();
    router.write(&mut session, "k", 1).await;
    let result = router.read(&mut session, "k").await;
    assert_eq!(result, Err(ReadError::Deadline { needed: 1, best: 0 }));
}
