//! The words a router's tasks are stated in: how long a read may wait and what it does
//! then ([`Policy`], [`Fallback`]), what a read answers ([`Read`]) and why it gives up
//! ([`ReadError`]).
//!
//! The router itself is the student's; these types are the course's because the tasks
//! fix their shape and the hidden tests build and inspect them.

use std::time::Duration;

use crate::node::{Node, Version};

/// What a read does when no replica is recent enough by its deadline.
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

/// A read's answer: what the serving node answered, and which node that was.
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
