//! A linearizable register with compare-and-swap, a lock built on it, and the same
//! register replicated over a simulated network with majority quorums.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`register`] | task `register`: read, write and compare-and-swap, with versions |
//! | [`lock`] | task `lock`: a lock on compare-and-swap, fencing tokens, a guarded resource |
//! | [`quorum`] | task `quorum`: a register replicated over nodes with majority quorums |
//!
//! What the tasks build on and speak in is given by the course, in the crate
//! `linearizable_given` (`given/01_linearizable/src/`), and re-exported here: the slow
//! [`Store`] and the [`Versioned`] value it holds; the [`CasRegister`] a lock keeps its
//! state in, the lock's [`Owner`], [`Token`], [`LockError`] and [`Stale`]; the quorum's [`Request`], [`Response`], [`Message`] and
//! [`Tag`]. They are always used as the course wrote them: the grader builds this crate
//! with the course's copy, whatever a submission holds.

pub mod lock;
pub mod quorum;
pub mod register;

pub use linearizable_given::{
    CasRegister, LockError, Message, Owner, Request, Response, Stale, Store, Tag, Token, Versioned,
};
pub use lock::{Lock, Resource};
pub use quorum::Replica;
pub use register::Register;
