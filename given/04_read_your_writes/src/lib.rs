//! What exercise `04_read_your_writes` gives: the leader and its lagging replicas, and the
//! words the router's tasks are stated in. The pieces the student builds on and the
//! hidden suite inspects are owned by the course: the grader always builds the exercise
//! with this crate, never with a copy from a submission.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`node`] | versions, the nodes, what a node answers ([`Entry`]) and its read counts ([`Stats`]) |
//! | [`config`] | how a cluster is built ([`Config`]) and how long the leader and a replica take to answer |
//! | [`cluster`] | the leader, its log and the replicas that apply it late ([`Cluster`]) |
//! | [`journal`] | the cluster's own account of every write taken and read served ([`Event`]) |
//! | [`routing`] | a read's [`Policy`] and [`Fallback`], its answer [`Read`] and its [`ReadError`] |
//!
//! The student's crate re-exports all of it, so `read_your_writes::Cluster` and
//! `read_your_writes_given::Cluster` are the same type.

pub mod cluster;
pub mod config;
pub mod journal;
pub mod node;
pub mod routing;

pub use cluster::Cluster;
pub use config::{Config, LEADER_DELAY, REPLICA_DELAY};
pub use journal::Event;
pub use node::{Entry, Node, Stats, Version};
pub use routing::{Fallback, Policy, Read, ReadError};
