//! The nodes of a cluster and what they answer: versions, which node served a read, the
//! entry it answered with, and how many reads each kind of node served.
//!
//! Every write goes to the leader, which gives it the next **version** (1, 2, 3, ...).
//! The version of a node is the number of log entries it has applied, so a node at
//! version `v` holds exactly the state after the first `v` writes: comparing two
//! versions is all it takes to know which of two nodes is further along.

/// A position in the leader's log: the number of writes a node has applied.
///
/// A plain number rather than a wrapper type: sessions take the maximum of versions and
/// compare them with a floor, which integers already do, and a wrapper would only add
/// conversions to every line of the exercise.
pub type Version = u64;

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

/// How many reads each kind of node served, as counted by the nodes themselves.
///
/// The nodes count, not the router, so that a router cannot claim a replica served a
/// read the leader really served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Reads served by the leader.
    pub leader_reads: u64,
    /// Reads served by any replica.
    pub replica_reads: u64,
}
