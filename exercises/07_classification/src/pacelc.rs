//! PACELC: what a replicated system gives up during a partition (P: availability A or
//! consistency C) and else, in normal operation (E: latency L or consistency C).
//!
//! What the task speaks in, [`Behaviour`] and [`Pacelc`] (with its usual spelling, such
//! as `PA/EL`), is the course's: it lives in the given crate
//! (`given/07_classification/src/pacelc.rs`) and is always used as it is there.

use classification_given::{Behaviour, Pacelc};

/// The PACELC class of a system that behaves as `b` says.
pub fn classify(b: &Behaviour) -> Pacelc {
    // TODO: decide the P letter from the partition behaviour and the E letter from
    // whether a normal read can be stale, as the README explains.
    todo!("classify {b:?}")
}
