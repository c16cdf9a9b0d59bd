//! The leader and its replicas, running as tokio tasks.
//!
//! Every write goes to the leader, which appends it to its log and gives it the next
//! version. Each replica applies the log in order, each entry a seeded random lag after
//! it was written; a replica can also be **stalled** (cut off from the leader), and then
//! applies nothing until it is resumed, while still answering reads with what it has.
//!
//! The nodes run as tokio tasks, so a [`Cluster`] must be made inside a tokio runtime;
//! under paused time (as in the tests) every run of a seed is the same.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use testkit::rng::Rng;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::config::{Config, LEADER_DELAY, REPLICA_DELAY};
use crate::journal::Event;
use crate::node::{Entry, Node, Stats, Version};

/// A leader and its replicas; clones share the same nodes.
#[derive(Clone, Debug)]
pub struct Cluster {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// The version of every replica, for tasks that wait for one to catch up.
    progress: watch::Sender<Vec<Version>>,
    /// Whether each replica is stalled.
    stalled: Vec<watch::Sender<bool>>,
    /// Where the leader sends each new entry, one channel per replica.
    feeds: Vec<mpsc::UnboundedSender<Shipped>>,
}

#[derive(Debug)]
struct State {
    leader: Store,
    replicas: Vec<Store>,
    rng: Rng,
    min_lag: Duration,
    max_lag: Duration,
    stats: Stats,
    /// Every write taken and read served, appended under the same lock as the change it
    /// records, so its order is the order in which the nodes changed and answered.
    journal: Vec<Event>,
}

/// A node's copy of the data and how far into the log it is.
#[derive(Clone, Debug, Default)]
struct Store {
    data: BTreeMap<String, i64>,
    version: Version,
}

/// A log entry on its way to a replica, with the earliest time it may be applied.
#[derive(Debug)]
struct Shipped {
    version: Version,
    key: String,
    value: i64,
    due: Instant,
}

impl Cluster {
    /// Starts the leader and `config.replicas` replicas, all empty at version 0.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (the replicas are tasks).
    pub fn new(config: Config) -> Self {
        let n = config.replicas;
        let (progress, _) = watch::channel(vec![0; n]);
        let mut stalled = Vec::with_capacity(n);
        let mut feeds = Vec::with_capacity(n);
        let mut inboxes = Vec::with_capacity(n);
        for _ in 0..n {
            stalled.push(watch::channel(false).0);
            let (tx, rx) = mpsc::unbounded_channel();
            feeds.push(tx);
            inboxes.push(rx);
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                leader: Store::default(),
                replicas: vec![Store::default(); n],
                rng: Rng::new(config.seed),
                min_lag: config.min_lag,
                max_lag: config.max_lag,
                stats: Stats::default(),
                journal: Vec::new(),
            }),
            progress,
            stalled,
            feeds,
        });
        for (i, inbox) in inboxes.into_iter().enumerate() {
            tokio::spawn(apply_log(Arc::clone(&shared), i, inbox));
        }
        Cluster { shared }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every change under the lock is complete before it is released, so a poisoned
        // lock (a panicking client) still holds a consistent state.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many replicas there are.
    pub fn replicas(&self) -> usize {
        self.shared.feeds.len()
    }

    /// Writes `value` under `key` at the leader and returns the write's version, once the
    /// leader has answered (after [`LEADER_DELAY`]). The replicas apply it later.
    pub async fn write(&self, key: &str, value: i64) -> Version {
        tokio::time::sleep(LEADER_DELAY).await;
        let mut state = self.state();
        state.leader.data.insert(key.to_owned(), value);
        state.leader.version += 1;
        let version = state.leader.version;
        let now = Instant::now();
        for feed in &self.shared.feeds {
            let (min, max) = (state.min_lag.as_micros(), state.max_lag.as_micros());
            let lag = state.rng.between(min as u64, max as u64);
            let shipped = Shipped {
                version,
                key: key.to_owned(),
                value,
                due: now + Duration::from_micros(lag),
            };
            // A replica task only ends with the runtime; a send then has nobody to tell.
            let _ = feed.send(shipped);
        }
        state.journal.push(Event::wrote(key, value, version));
        version
    }

    /// Reads `key` at the leader, which has every acknowledged write; answers after
    /// [`LEADER_DELAY`].
    pub async fn read_leader(&self, key: &str) -> Entry {
        tokio::time::sleep(LEADER_DELAY).await;
        let mut state = self.state();
        state.stats.leader_reads += 1;
        let entry = read(&state.leader, key);
        state
            .journal
            .push(Event::served(Node::Leader, key, entry.clone()));
        entry
    }

    /// Reads `key` at replica `replica`, whatever its version; answers after
    /// [`REPLICA_DELAY`], with the state the replica has then.
    ///
    /// # Panics
    ///
    /// If there is no such replica.
    pub async fn read_replica(&self, replica: usize, key: &str) -> Entry {
        assert!(replica < self.replicas(), "there is no replica {replica}");
        tokio::time::sleep(REPLICA_DELAY).await;
        let mut state = self.state();
        state.stats.replica_reads += 1;
        let entry = read(&state.replicas[replica], key);
        let node = Node::Replica(replica);
        state.journal.push(Event::served(node, key, entry.clone()));
        entry
    }

    /// The leader's version: how many writes have been acknowledged.
    pub fn leader_version(&self) -> Version {
        self.state().leader.version
    }

    /// Replica `replica`'s version now.
    ///
    /// # Panics
    ///
    /// If there is no such replica.
    pub fn version(&self, replica: usize) -> Version {
        self.state().replicas[replica].version
    }

    /// Every replica's version, indexed by replica, as a receiver that notices each
    /// change: `progress().wait_for(|versions| ...)` waits until the condition holds.
    pub fn progress(&self) -> watch::Receiver<Vec<Version>> {
        self.shared.progress.subscribe()
    }

    /// Cuts replica `replica` off from the leader: it applies nothing more until
    /// [`Cluster::resume`], and still answers reads with what it has.
    pub fn stall(&self, replica: usize) {
        self.shared.stalled[replica].send_replace(true);
    }

    /// Reconnects replica `replica`: it applies, in order, what it missed.
    pub fn resume(&self, replica: usize) {
        self.shared.stalled[replica].send_replace(false);
    }

    /// How many reads the leader and the replicas have served so far.
    pub fn stats(&self) -> Stats {
        self.state().stats
    }

    /// How many events the cluster's journal holds: a mark to hand to
    /// [`Cluster::journal_since`] later, to learn what the nodes did in between.
    pub fn journal_len(&self) -> usize {
        self.state().journal.len()
    }

    /// The events of the journal from number `from` on (the first event is number 0),
    /// in the order the nodes did them: each write the leader took, each read a node
    /// served. Empty when `from` is at or past the end.
    pub fn journal_since(&self, from: usize) -> Vec<Event> {
        let state = self.state();
        state.journal.get(from..).unwrap_or_default().to_vec()
    }
}

fn read(store: &Store, key: &str) -> Entry {
    Entry {
        value: store.data.get(key).copied(),
        version: store.version,
    }
}

/// The life of replica `i`: apply each entry, in log order, once it is due and the
/// replica is not stalled.
async fn apply_log(shared: Arc<Shared>, i: usize, mut inbox: mpsc::UnboundedReceiver<Shipped>) {
    let mut stalled = shared.stalled[i].subscribe();
    while let Some(entry) = inbox.recv().await {
        tokio::time::sleep_until(entry.due).await;
        if stalled.wait_for(|s| !s).await.is_err() {
            return;
        }
        {
            let mut state = shared
                .state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let store = &mut state.replicas[i];
            store.data.insert(entry.key, entry.value);
            store.version = entry.version;
        }
        shared.progress.send_modify(|v| v[i] = entry.version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_journal_holds_each_write_and_each_read_served_in_order() {
        let cluster = Cluster::new(Config::new(2, 7));
        // A stalled replica makes the stale answer certain rather than a matter of lag.
        cluster.stall(0);
        let version = cluster.write("k", 3).await;
        let stale = cluster.read_replica(0, "k").await;
        let fresh = cluster.read_leader("k").await;
        assert_eq!(version, 1);
        assert_eq!(
            stale,
            Entry {
                value: None,
                version: 0
            }
        );
        assert_eq!(
            cluster.journal_since(0),
            [
                Event::wrote("k", 3, 1),
                Event::served(Node::Replica(0), "k", stale),
                Event::served(Node::Leader, "k", fresh.clone()),
            ]
        );
        assert_eq!(cluster.journal_len(), 3);
        assert_eq!(
            cluster.journal_since(2),
            [Event::served(Node::Leader, "k", fresh)]
        );
        assert_eq!(cluster.journal_since(9), []);
    }

    #[tokio::test(start_paused = true)]
    async fn a_resumed_replica_applies_what_it_missed() {
        let cluster = Cluster::new(Config::new(1, 7));
        cluster.stall(0);
        cluster.write("k", 1).await;
        cluster.write("k", 2).await;
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(cluster.version(0), 0);
        cluster.resume(0);
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(cluster.version(0), 2);
        assert_eq!(*cluster.progress().borrow(), [2]);
        assert_eq!(
            cluster.stats(),
            Stats {
                leader_reads: 0,
                replica_reads: 0
            }
        );
    }
}
