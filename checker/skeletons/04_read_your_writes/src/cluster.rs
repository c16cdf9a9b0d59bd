//! The leader and its replicas (given: you do not change this file).
//!
//! Every write goes to the leader, which appends it to its log and gives it the next
//! **version** (1, 2, 3, ...). The version of a node is the number of log entries it has
//! applied, so a node at version `v` holds exactly the state after the first `v` writes.
//! Each replica applies the log in order, each entry a seeded random lag after it was
//! written; a replica can also be **stalled** (cut off from the leader), and then applies
//! nothing until it is resumed.
//!
//! The nodes run as tokio tasks, so a [`Cluster`] must be made inside a tokio runtime;
//! under paused time (as in the tests) every run of a seed is the same.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use testkit::rng::Rng;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// A position in the leader's log: the number of writes a node has applied.
pub type Version = u64;

/// How long the leader takes to answer a read or a write: it is far away and busy.
pub const LEADER_DELAY: Duration = Duration::from_millis(5);

/// How long a replica takes to answer a read: it is close and idle.
pub const REPLICA_DELAY: Duration = Duration::from_millis(1);

/// The node that served a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// The leader, which has every write.
    Leader,
    /// Replica number `i`, from `0` to `replicas - 1`.
    Replica(usize),
}

/// What a node answered to a read of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The value of the key on that node (`None`: never written).
    pub value: Option<i64>,
    /// The node's version when it answered: its state reflects exactly the writes
    /// numbered `1..=version`.
    pub version: Version,
}

/// How a cluster is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// How many replicas follow the leader.
    pub replicas: usize,
    /// The shortest lag between a write and a replica applying it.
    pub min_lag: Duration,
    /// The longest such lag.
    pub max_lag: Duration,
    /// The seed every lag is drawn from.
    pub seed: u64,
}

impl Config {
    /// `replicas` replicas with lags between 1 and 20 ms, drawn from `seed`.
    pub fn new(replicas: usize, seed: u64) -> Self {
        Config {
            replicas,
            min_lag: Duration::from_millis(1),
            max_lag: Duration::from_millis(20),
            seed,
        }
    }

    /// The same, with lags between `min` and `max`.
    pub fn lag(self, min: Duration, max: Duration) -> Self {
        Config {
            min_lag: min,
            max_lag: max.max(min),
            ..self
        }
    }
}

/// How many reads each kind of node served, as counted by the nodes themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Reads served by the leader.
    pub leader_reads: u64,
    /// Reads served by any replica.
    pub replica_reads: u64,
}

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
        version
    }

    /// Reads `key` at the leader, which has every acknowledged write; answers after
    /// [`LEADER_DELAY`].
    pub async fn read_leader(&self, key: &str) -> Entry {
        tokio::time::sleep(LEADER_DELAY).await;
        let mut state = self.state();
        state.stats.leader_reads += 1;
        read(&state.leader, key)
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
        read(&state.replicas[replica], key)
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
