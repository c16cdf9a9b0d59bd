//! Classifying consistency: choosing a level for a use case, placing a system in
//! PACELC, and saying which models a small history satisfies.
//!
//! | module | task |
//! | --- | --- |
//! | [`choose`] | from a use case's requirements to the weakest level that serves it |
//! | [`pacelc`] | from a system's behaviour to PA/EL, PC/EC, PA/EC or PC/EL |
//! | [`histories`] | which of five models a small register history satisfies |

pub mod choose;
pub mod histories;
pub mod pacelc;

pub use choose::{Exactness, Latency, Level, Order, Requirements, choose};
pub use histories::{Models, satisfies};
pub use pacelc::{Behaviour, Pacelc, classify};
