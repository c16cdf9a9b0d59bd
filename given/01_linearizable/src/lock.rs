//! What the lock of task `lock` speaks in: the register it keeps its state in, who asks,
//! the fencing token an acquisition hands out, why an operation did not happen, and why
//! a guarded resource refused a write.
//!
//! The lock and the resource themselves are the exercise's; these are the course's
//! because the hidden suite reads them: it orders tokens and tells a refusal from a
//! timeout, and it does so with the comparisons derived here. [`CasRegister`] is the
//! course's so that the suite can run the exercise's lock on a register of its own: the
//! points of task `lock` then depend on the lock alone, whatever task `register` does.

use std::fmt;
use std::future::Future;

use crate::store::Versioned;

/// What a lock needs of the register it keeps its state in: the three operations of task
/// `register`, with futures that can move between threads (tokio tasks share a lock).
///
/// The exercise's `Register` implements it, so a `Lock` runs on the register of task
/// `register`. The hidden suite of task `lock` runs the same lock on a register of its
/// own, which also counts how the lock uses it.
pub trait CasRegister: Send + Sync {
    /// The current value and its version.
    fn read(&self) -> impl Future<Output = Versioned> + Send;

    /// Replaces the value with `value` and returns the new version.
    fn write(&self, value: i64) -> impl Future<Output = u64> + Send;

    /// Replaces the value with `new` only if it currently is `expected`. Returns the new
    /// version when it swapped, or what the register held when it did not.
    fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> impl Future<Output = Result<u64, Versioned>> + Send;
}

/// Who asks for the lock: a client's number.
pub type Owner = u32;

/// A fencing token: handed out with each acquisition, larger than every token handed
/// out before it. Tokens compare by their number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(pub u64);

/// Why a lock operation did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockError {
    /// The lock stayed held by someone else for the whole timeout.
    TimedOut,
    /// The caller does not hold the lock, so it may not release it.
    NotOwner,
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::TimedOut => write!(f, "the lock stayed taken until the timeout"),
            LockError::NotOwner => write!(f, "only the holder of the lock may release it"),
        }
    }
}

impl std::error::Error for LockError {}

/// A write refused because its token is older than one the resource has already seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stale {
    /// The token the write came with.
    pub token: Token,
    /// The largest token the resource has seen.
    pub newest: Token,
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "token {} is older than token {}, already seen",
            self.token.0, self.newest.0
        )
    }
}

impl std::error::Error for Stale {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_order_by_their_number() {
        assert!(Token(33) < Token(34));
        assert_eq!(Token(7).max(Token(3)), Token(7));
    }

    #[test]
    fn errors_say_what_happened() {
        assert_eq!(
            LockError::NotOwner.to_string(),
            "only the holder of the lock may release it"
        );
        let stale = Stale {
            token: Token(33),
            newest: Token(34),
        };
        assert_eq!(
            stale.to_string(),
            "token 33 is older than token 34, already seen"
        );
    }
}
