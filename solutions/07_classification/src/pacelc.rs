//! PACELC: what a replicated system gives up during a partition (P: availability A or
//! consistency C) and else, in normal operation (E: latency L or consistency C).

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
}

/// The PACELC class of a system that behaves as `b` says.
pub fn classify(b: &Behaviour) -> Pacelc {
    let partition_available = b.cut_off_replica_answers;
    // Normal reads are never stale when they go to the primary that ordered every
    // write, or when every read quorum meets every write quorum: R + W > N means the
    // two sets of replicas cannot be disjoint, so some reply carries the last write.
    // R + W = N is the classic off-by-one: two disjoint halves are possible.
    let normally_consistent = b.reads_at_primary || b.read_replies + b.write_acks > b.replicas;
    match (partition_available, normally_consistent) {
        (true, false) => Pacelc::PaEl,
        (false, true) => Pacelc::PcEc,
        (true, true) => Pacelc::PaEc,
        (false, false) => Pacelc::PcEl,
    }
}
