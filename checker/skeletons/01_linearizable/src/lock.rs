//! Task `lock`: a lock built on compare-and-swap, with fencing tokens, and the resource
//! those tokens guard.
//!
//! The lock speaks in types the course gives (`given/01_linearizable/src/lock.rs`): it
//! keeps its state in a [`CasRegister`] (your [`Register`], or any other), an [`Owner`]
//! asks, an acquisition hands out a [`Token`], a refusal is a [`LockError`], and the
//! resource refuses an old token with [`Stale`].

use std::time::Duration;

use linearizable_given::{CasRegister, LockError, Owner, Stale, Token};

use crate::register::Register;

/// A lock kept in a register (a [`Register`] unless said otherwise): the register holds
/// the owner's number while the lock is held. Clones are handles to the same lock.
#[derive(Clone, Debug)]
pub struct Lock<R = Register> {
    register: R,
}

impl<R: CasRegister> Lock<R> {
    /// A lock kept in `register`, which starts empty (free).
    pub fn new(register: R) -> Self {
        Lock { register }
    }

    /// Takes the lock for `owner`, waiting at most `timeout` for it to become free.
    /// Returns the fencing token of this acquisition, or [`LockError::TimedOut`]; a
    /// client that got `TimedOut` does not hold the lock.
    pub async fn acquire(&self, owner: Owner, timeout: Duration) -> Result<Token, LockError> {
        // TODO: take the lock with compare-and-swap, retrying until `timeout` has passed;
        // hand out a token larger than every token before it.
        // (This line only keeps the compiler quiet about an unread field until you read it.)
        let _ = &self.register;
        todo!("acquire the lock for client {owner} within {timeout:?}")
    }

    /// Releases the lock held by `owner`. Fails with [`LockError::NotOwner`], changing
    /// nothing, when `owner` does not hold it.
    pub async fn release(&self, owner: Owner) -> Result<(), LockError> {
        // TODO: free the lock, but only if `owner` holds it.
        todo!("release the lock for client {owner}")
    }
}

/// A resource the lock guards (a file, a row): it accepts a write only with a token at
/// least as large as every token it has seen, so a client that lost the lock without
/// knowing it cannot overwrite the work of a later holder.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    // TODO: add what the resource must remember.
}

impl Resource {
    /// An empty resource that has seen no token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` if `token` is not older than any token seen; otherwise refuses
    /// with [`Stale`] and changes nothing.
    pub fn write(&mut self, token: Token, value: i64) -> Result<(), Stale> {
        // TODO: refuse tokens older than one already seen; keep the value otherwise.
        todo!("write {value} with token {}", token.0)
    }

    /// The last value accepted.
    pub fn value(&self) -> Option<i64> {
        // TODO: the last value accepted.
        todo!("the last value accepted")
    }
}
