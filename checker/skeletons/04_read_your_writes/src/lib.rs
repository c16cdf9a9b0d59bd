//! Session guarantees over a leader and lagging replicas: a client's reads never show it
//! anything older than what it wrote or read before, yet most reads are served by
//! replicas, not the leader.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`cluster`] | the leader, its log and the replicas that apply it late (given) |
//! | [`session`] | tasks `ryw` and `monotonic`: what a client has written and read |
//! | [`router`] | tasks `ryw`, `efficiency` and `deadline`: which node serves each read |

pub mod cluster;
pub mod router;
pub mod session;

pub use cluster::{Cluster, Config, Entry, Node, Stats, Version};
pub use router::{Fallback, Policy, Read, ReadError, Router};
pub use session::Session;
