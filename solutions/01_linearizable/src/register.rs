//! Task `register`: a register with read, write and compare-and-swap, shared by many
//! concurrent clients, whose version grows by one with every successful update.
//!
//! The register keeps its value and version in the [`Store`] it is given, the course's
//! slow storage cell (`given/01_linearizable/src/store.rs`): what the store holds is the
//! register's state, and every access to it is a wait during which other clients run.

use std::sync::Arc;

use tokio::sync::Mutex;

use linearizable_given::{CasRegister, Store, Versioned};

/// A register shared by many tokio tasks; clones are handles to the same register.
///
/// Every operation must appear to happen at one instant between its call and its
/// return (linearizability), and every successful [`write`](Register::write) or
/// [`compare_and_swap`](Register::compare_and_swap) must produce the next version.
#[derive(Clone, Debug)]
pub struct Register {
    store: Store,
    /// Held across the load and the save of every update, so that no other update can
    /// slip between the two. A `std::sync::Mutex` would not do: its guard cannot be held
    /// across an `.await`, and the store's accesses are awaits.
    updating: Arc<Mutex<()>>,
}

impl Register {
    /// A register kept in `store`.
    pub fn new(store: Store) -> Self {
        Register {
            store,
            updating: Arc::new(Mutex::new(())),
        }
    }

    /// The current value and its version.
    pub async fn read(&self) -> Versioned {
        // A read is one load, and a load is indivisible, so it needs no lock: it takes
        // effect at the instant the store answers. Taking the lock would only make
        // reads wait behind updates.
        self.store.load().await
    }

    /// Replaces the value with `value` and returns the new version (one more than the
    /// version it replaced).
    pub async fn write(&self, value: i64) -> u64 {
        // The new version depends on the old one, so this is a read-modify-write like a
        // swap: it takes the lock. Without it two writers could both load version 3
        // and both save version 4.
        let _guard = self.updating.lock().await;
        let old = self.store.load().await;
        let version = old.version + 1;
        self.store
            .save(Versioned {
                value: Some(value),
                version,
            })
            .await;
        version
    }

    /// Replaces the value with `new` only if it currently is `expected`. Returns the
    /// new version when it swapped, or what the register held when it did not.
    pub async fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Result<u64, Versioned> {
        // The comparison and the save must be one step: between an unlocked load and
        // save another swap from the same `expected` could also succeed.
        let _guard = self.updating.lock().await;
        let old = self.store.load().await;
        if old.value != expected {
            return Err(old);
        }
        let version = old.version + 1;
        self.store
            .save(Versioned {
                value: Some(new),
                version,
            })
            .await;
        Ok(version)
    }
}

/// The lock of task `lock` keeps its state in any [`CasRegister`]; this is the register of
/// this task as one, each operation its own.
impl CasRegister for Register {
    async fn read(&self) -> Versioned {
        Register::read(self).await
    }

    async fn write(&self, value: i64) -> u64 {
        Register::write(self, value).await
    }

    async fn compare_and_swap(&self, expected: Option<i64>, new: i64) -> Result<u64, Versioned> {
        Register::compare_and_swap(self, expected, new).await
    }
}
