//! PACELC: what a replicated system gives up during a partition (P: availability A or
//! consistency C) and else, in normal operation (E: latency L or consistency C).
//!
//! What the task speaks in, [`Behaviour`] and [`Pacelc`] (with its usual spelling, such
//! as `PA/EL`), is the course's: it lives in the given crate
//! (`given/07_classification/src/pacelc.rs`) and is always used as it is there.

use classification_given::{Behaviour, Pacelc};

/// The PACELC class of a system that behaves as `b` says.
pub fn classify(b: &Behaviour) -> Pacelc {
    let partition_available = b.cut_off_replica_answers;
    // Normal reads are never stale when they go to the primary that ordered every
    // write, or when the quorum protocol is atomic and every read quorum meets every
    // write quorum: R + W > N means the two sets of replicas cannot be disjoint, so some
    // reply carries the last write, and the read's write-back keeps later reads from
    // going back. R + W = N is the classic off-by-one: two disjoint halves are possible.
    // Overlap alone was the rejected rule: with sloppy quorums a write may land on
    // fallback replicas no read quorum asks, so R + W > N says nothing there.
    let overlap = u64::from(b.read_replies) + u64::from(b.write_acks) > u64::from(b.replicas);
    let normally_consistent = b.reads_at_primary || (b.atomic_quorums && overlap);
    match (partition_available, normally_consistent) {
        (true, false) => Pacelc::PaEl,
        (false, true) => Pacelc::PcEc,
        (true, true) => Pacelc::PaEc,
        (false, false) => Pacelc::PcEl,
    }
}
