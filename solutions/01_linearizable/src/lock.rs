//! Task `lock`: a lock built on compare-and-swap, with fencing tokens, and the resource
//! those tokens guard.
//!
//! The lock speaks in types the course gives (`given/01_linearizable/src/lock.rs`): it
//! keeps its state in a [`CasRegister`] (your [`Register`], or any other), an [`Owner`]
//! asks, an acquisition hands out a [`Token`], a refusal is a [`LockError`], and the
//! resource refuses an old token with [`Stale`].

use std::time::Duration;

use linearizable_given::{CasRegister, LockError, Owner, Stale, Token};
use tokio::time::Instant;

use crate::register::Register;

/// The register value that means "nobody holds the lock". Owners are `u32`, so they
/// never collide with a negative number; `None` (never written) also means free.
const FREE: i64 = -1;

/// How long a waiting client sleeps between two attempts.
const RETRY: Duration = Duration::from_millis(1);

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
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.register.read().await;
            if seen.value.is_none_or(|holder| holder == FREE) {
                // Only one of the clients that saw the lock free can swap it from that
                // value: the swap is the moment of acquisition. The register's new
                // version is the token, and versions only grow (a release is an update
                // too), so tokens grow with every acquisition.
                if let Ok(version) = self
                    .register
                    .compare_and_swap(seen.value, i64::from(owner))
                    .await
                {
                    return Ok(Token(version));
                }
            }
            // The deadline is checked here, in the same task, rather than by wrapping
            // the loop in a timeout or spawning it: a swap that is still running when
            // the caller gives up must not take the lock for nobody.
            if Instant::now() >= deadline {
                return Err(LockError::TimedOut);
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    /// Releases the lock held by `owner`. Fails with [`LockError::NotOwner`], changing
    /// nothing, when `owner` does not hold it.
    pub async fn release(&self, owner: Owner) -> Result<(), LockError> {
        // A plain write of FREE would let anyone open the lock; the swap only frees it
        // if the register still names this owner.
        self.register
            .compare_and_swap(Some(i64::from(owner)), FREE)
            .await
            .map(|_| ())
            .map_err(|_| LockError::NotOwner)
    }
}

/// A resource the lock guards (a file, a row): it accepts a write only with a token at
/// least as large as every token it has seen, so a client that lost the lock without
/// knowing it cannot overwrite the work of a later holder.
#[derive(Clone, Debug, Default)]
pub struct Resource {
    newest: Option<Token>,
    value: Option<i64>,
}

impl Resource {
    /// An empty resource that has seen no token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` if `token` is not older than any token seen; otherwise refuses
    /// with [`Stale`] and changes nothing.
    pub fn write(&mut self, token: Token, value: i64) -> Result<(), Stale> {
        // An equal token is the same holder writing again, so it is accepted; only a
        // smaller one proves a later holder exists.
        if let Some(newest) = self.newest
            && token < newest
        {
            return Err(Stale { token, newest });
        }
        self.newest = Some(token);
        self.value = Some(value);
        Ok(())
    }

    /// The last value accepted.
    pub fn value(&self) -> Option<i64> {
        self.value
    }
}
