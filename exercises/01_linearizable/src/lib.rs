//! A linearizable register with compare-and-swap, a lock built on it, and the same
//! register replicated over a simulated network with majority quorums.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`store`] | the slow storage cell the register keeps its state in (given) |
//! | [`register`] | task `register`: read, write and compare-and-swap, with versions |
//! | [`lock`] | task `lock`: a lock on compare-and-swap, fencing tokens, a guarded resource |
//! | [`quorum`] | task `quorum`: a register replicated over nodes with majority quorums |

pub mod lock;
pub mod quorum;
pub mod register;
pub mod store;

pub use lock::{Lock, LockError, Owner, Resource, Stale, Token};
pub use quorum::{Message, Replica, Request, Response, Tag};
pub use register::Register;
pub use store::{Store, Versioned};
