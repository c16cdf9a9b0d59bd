//! How a cluster is built, and how long its nodes take to answer.
//!
//! The two delays are what makes routing worth the trouble: a replica answers five times
//! faster than the leader, so a router that sends every read to the leader is correct
//! but slow, and one that sends every read to a replica is fast but may show old data.

use std::time::Duration;

/// How long the leader takes to answer a read or a write: it is far away and busy.
pub const LEADER_DELAY: Duration = Duration::from_millis(5);

/// How long a replica takes to answer a read: it is close and idle.
pub const REPLICA_DELAY: Duration = Duration::from_millis(1);

/// How a cluster is built: how many replicas, how far behind the leader they run, and
/// the seed their lags are drawn from.
///
/// Lags are drawn from a seed rather than fixed so that the same seed gives the same run
/// (a failure replays exactly) while different seeds give replicas that overtake each
/// other in different orders.
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

    /// The same, with lags between `min` and `max` (a `max` below `min` counts as `min`).
    pub fn lag(self, min: Duration, max: Duration) -> Self {
        Config {
            min_lag: min,
            max_lag: max.max(min),
            ..self
        }
    }
}
