//! Classifying consistency: choosing a level for a use case, placing a system in
//! PACELC, and saying which models a small history satisfies.
//!
//! | module | task |
//! | --- | --- |
//! | [`choose`](mod@choose) | from a use case's requirements to the weakest level that serves it |
//! | [`pacelc`] | from a system's behaviour to PA/EL, PC/EC, PA/EC or PC/EL |
//! | [`histories`] | which of five models a small register history satisfies |
//!
//! The types every task speaks in are the course's, from the given crate
//! (`given/07_classification/`); they are re-exported here so that `classification::Level`
//! and the rest read as one API.

pub mod choose;
pub mod histories;
pub mod pacelc;

pub use choose::choose;
pub use classification_given::{
    Action, Behaviour, Exactness, History, HistoryError, Latency, Level, Models, Operation, Order,
    Pacelc, Requirements,
};
pub use histories::satisfies;
pub use pacelc::classify;
