//! [`ROUND`] and [`CONVERGE_ROUNDS`]: the pace of gossip and the bound on agreement.
//!
//! The hidden tests wait `ROUND * CONVERGE_ROUNDS` after a heal before reading every
//! replica, and they take both numbers from here: a submission that declared a longer
//! bound of its own would only change what its own code reads.

use std::time::Duration;

/// How often a replica gossips its state to its peers.
pub const ROUND: Duration = Duration::from_millis(10);

/// After the network heals (every node up, loss up to a fifth of the messages), every
/// replica holds the same counter and map within this many rounds.
pub const CONVERGE_ROUNDS: u32 = 15;
