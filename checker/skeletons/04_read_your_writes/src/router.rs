//! The router: sends writes to the leader and each read to a node that is recent
//! enough for the client's session.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use crate::cluster::{Cluster, Node, Version};
use crate::session::Session;

/// What a read does when no replica is recent enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Read from the leader, which has every write.
    Leader,
    /// Give up with [`ReadError::Deadline`].
    Error,
}

/// How long a read waits for a replica to catch up, and what it does then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// How long a read may wait for some replica to reach the session's floor.
    pub wait: Duration,
    /// What it does when none has by then.
    pub fallback: Fallback,
}

impl Policy {
    /// Never wait: go to the leader at once when no replica is recent enough.
    pub const LEADER_AT_ONCE: Policy = Policy {
        wait: Duration::ZERO,
        fallback: Fallback::Leader,
    };
}

/// A read's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    /// The value of the key (`None`: never written, as far as that node knows).
    pub value: Option<i64>,
    /// The version of the node that served the read.
    pub version: Version,
    /// Which node served it.
    pub node: Node,
}

/// Why a read gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// No replica reached the session's floor before the deadline, and the policy
    /// forbids the leader.
    Deadline {
        /// The session's floor.
        needed: Version,
        /// The highest replica version at the deadline.
        best: Version,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Deadline { needed, best } => write!(
                f,
                "no replica reached version {needed} in time (the best was at {best})"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// Routes each client's operations; clones share the cluster and the turn counter.
#[derive(Clone, Debug)]
pub struct Router {
    cluster: Cluster,
    policy: Policy,
    /// Whose turn it is among the replicas, so that reads spread over all of them.
    turn: Arc<AtomicUsize>,
}

impl Router {
    /// A router over `cluster` that reads by `policy`.
    pub fn new(cluster: Cluster, policy: Policy) -> Self {
        Router {
            cluster,
            policy,
            turn: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The cluster behind the router.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Writes `value` under `key` (at the leader, the only node that takes writes) and
    /// notes the write's version in `session`.
    pub async fn write(&self, session: &mut Session, key: &str, value: i64) -> Version {
        // TODO (task `ryw`): write at the leader and remember the version in the session.
        todo!("write {key}={value} for {session:?}")
    }

    /// Reads `key` for the client of `session` from a node whose version is at least
    /// the session's floor, and notes the version of that node in `session`.
    ///
    /// A replica that is recent enough serves it; otherwise the read waits up to the
    /// policy's `wait` for one to catch up, then follows the policy's fallback. It never
    /// answers with a state older than the floor.
    pub async fn read(&self, session: &mut Session, key: &str) -> Result<Read, ReadError> {
        // TODO (tasks `ryw`, `efficiency`, `monotonic`, `deadline`): choose a node recent
        // enough for the session (a replica whenever one is; wait for one until the
        // policy's deadline; then the fallback), read there, and update the session.
        todo!(
            "read {key} for {session:?} with {:?} (turn {:?})",
            self.policy,
            self.turn
        )
    }
}
