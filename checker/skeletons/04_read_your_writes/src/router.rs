//! The router: sends writes to the leader and each read to a node that is recent
//! enough for the client's session.
//!
//! What a read may do and what it answers ([`Policy`] and its `Fallback`, [`Read`],
//! [`ReadError`]) are the course's, in `given/04_read_your_writes/src/routing.rs`: the
//! tasks are stated in them, and the hidden tests build them and read them as the course
//! wrote them.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use read_your_writes_given::{Cluster, Policy, Read, ReadError, Version};

use crate::session::Session;

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
