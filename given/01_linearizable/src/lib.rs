//! What exercise `01_linearizable` gives: the pieces the student builds on and the hidden
//! suite inspects, owned by the course. The grader always builds the exercise with
//! this crate, never with a copy from a submission.
//!
//! | module | what it holds | task |
//! | --- | --- | --- |
//! | [`store`] | [`Store`], the slow storage cell a register keeps its state in, and [`Versioned`], what it holds | `register` |
//! | [`lock`] | what the lock speaks in: the [`CasRegister`] it keeps its state in, [`Owner`], the fencing [`Token`], [`LockError`] and [`Stale`] | `lock` |
//! | [`quorum`] | what clients and replicas of the quorum register say: [`Request`], [`Response`], [`Message`], and the [`Tag`] that orders writes | `quorum` |
//!
//! The student's crate re-exports every item (`pub use linearizable_given::...`), so the
//! exercise reads as if they were its own; the hidden suite names them from here, so an
//! exercise that answers with a type of its own, however alike, does not compile against
//! it. What the student designs (the register's, the lock's and the replica's state)
//! stays in the student's crate.

pub mod lock;
pub mod quorum;
pub mod store;

pub use lock::{CasRegister, LockError, Owner, Stale, Token};
pub use quorum::{Message, Request, Response, Tag};
pub use store::{Store, Versioned};
