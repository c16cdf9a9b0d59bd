//! The time bounds a replica is held to, on the simulated network's virtual clock.

use std::time::Duration;

/// How long a CP replica waits for a majority to answer before it refuses a request.
pub const REACH_TIMEOUT: Duration = Duration::from_millis(40);

/// How often replicas act on their own: retrying unanswered messages, checking
/// deadlines, and (AP) one round of anti-entropy.
pub const ROUND: Duration = Duration::from_millis(10);

/// The promptness bound: a CP replica answers `Unavailable` at most this long after a
/// request reaches it (the reach timeout plus one round, since deadlines are checked
/// once a round).
pub const ANSWER_WITHIN: Duration = Duration::from_millis(50);

/// An AP replica marks its reads stale when some peer has not been heard from for this
/// long: it cannot know what that peer accepted meanwhile.
pub const STALE_AFTER: Duration = Duration::from_millis(30);

/// After a heal (with every node up), AP replicas hold the same values within this many
/// rounds, even when the network loses a fifth of the messages.
pub const CONVERGE_ROUNDS: u32 = 15;
