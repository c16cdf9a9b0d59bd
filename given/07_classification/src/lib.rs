//! What exercise `07_classification` gives: the pieces the student builds on and the hidden
//! suite inspects, owned by the course. The grader always builds the exercise with
//! this crate, never with a copy from a submission.
//!
//! Every task of the exercise is a function the student writes; this crate holds the
//! types those functions take and return, so that the hidden suite reads the answers
//! through the course's own definitions (their comparisons, their printing) and the
//! student's crate needs nothing else, not even the course's test kit.
//!
//! | module | what it gives | task |
//! | --- | --- | --- |
//! | [`levels`] | [`Requirements`] (with [`Exactness`], [`Order`], [`Latency`]) and [`Level`] | `choose` |
//! | [`pacelc`] | [`Behaviour`] and [`Pacelc`], with its usual spelling | `pacelc` |
//! | [`history`] | [`History`] of one register, its [`Operation`]s and [`Action`]s | `histories` |
//! | [`models`] | [`Models`], the five verdicts on a history | `histories` |

pub mod history;
pub mod levels;
pub mod models;
pub mod pacelc;

pub use history::{Action, ClientId, History, HistoryError, Operation, Time};
pub use levels::{Exactness, Latency, Level, Order, Requirements};
pub use models::Models;
pub use pacelc::{Behaviour, Pacelc};
