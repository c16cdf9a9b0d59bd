//! The test kit of consistency-lab: a simulated network to run distributed code on,
//! histories of what its clients saw, and checkers that judge those histories.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`sim`] | the deterministic simulated world: sans-IO nodes, a seeded faulty network, virtual time, clients, traces |
//! | [`history`] | the history type, its JSON format, text timelines and a recorder for tokio tasks |
//! | [`model`] | sequential specifications: register, compare-and-swap register, key-value map |
//! | [`check`] | linearizability, sequential consistency, causal consistency and session guarantees |
//! | [`formats`] | readers for Jepsen register logs and key-value EDN logs |
//! | [`generate`] | generated register histories, linearizable by construction or with a planted violation |
//! | [`report`] | check reports: a history, its verdict and the network's trace, as JSON for drawing |
//! | [`shrink`] | shrinking a failing randomized run to the smallest one that still fails |
//!
//! Hidden test suites record a history (from [`sim::World`] or from
//! [`history::record::Recorder`]), hand it to a checker from [`check`], and on a
//! violation print the evidence drawn with [`history::timeline`].

pub mod check;
pub mod formats;
pub mod generate;
pub mod history;
pub mod model;
pub mod report;
pub mod rng;
pub mod shrink;
pub mod sim;
