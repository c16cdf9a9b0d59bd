//! The vocabulary of the `pacelc` task: what an operator observes of a system
//! ([`Behaviour`]) and the class it falls in ([`Pacelc`]).
//!
//! PACELC: if there is a partition (P), a system gives up availability (A) or
//! consistency (C); else (E), in normal operation, latency (L) or consistency (C).

use std::fmt;

/// The four PACELC classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pacelc {
    /// Answers during a partition, and answers fast (possibly stale) normally.
    PaEl,
    /// Refuses what it cannot confirm during a partition, and coordinates normally.
    PcEc,
    /// Answers during a partition, but coordinates in normal operation.
    PaEc,
    /// Refuses during a partition, but answers fast (possibly stale) normally.
    PcEl,
}

impl Pacelc {
    /// The usual spelling, such as `PA/EL`.
    pub fn name(self) -> &'static str {
        match self {
            Pacelc::PaEl => "PA/EL",
            Pacelc::PcEc => "PC/EC",
            Pacelc::PaEc => "PA/EC",
            Pacelc::PcEl => "PC/EL",
        }
    }
}

/// Prints the usual spelling ([`Pacelc::name`]), as the literature writes the classes.
impl fmt::Display for Pacelc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a system behaves, as an operator would observe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Behaviour {
    /// During a partition, a replica cut off from the majority (or from the primary)
    /// still answers clients instead of refusing them.
    pub cut_off_replica_answers: bool,
    /// In normal operation: how many replicas hold each item (N).
    pub replicas: u32,
    /// How many replicas acknowledge a write before the client hears it succeeded (W).
    pub write_acks: u32,
    /// How many replicas a read asks before it answers with the newest reply (R).
    pub read_replies: u32,
    /// Reads go to the one primary of the item, which orders every write to it.
    pub reads_at_primary: bool,
    /// The quorums are strict and the quorum protocol is atomic: reads and writes use
    /// only the item's N home replicas (no *sloppy* quorum, where a fallback replica
    /// stands in for an unreachable one), versions are ordered without wall clocks, and a
    /// read writes the newest version it found back to W replicas before it answers (the
    /// majority register of exercise 01, after Attiya, Bar-Noy and Dolev). Only then does
    /// R + W > N keep every normal read from being stale. Dynamo-style stores are not
    /// built this way: sloppy quorums, a failed write left on the replicas it reached,
    /// reads concurrent with a write, and last-writer-wins under clock skew all let a read
    /// miss a finished write even when R + W > N.
    pub atomic_quorums: bool,
}
