//! Task `register`: a register with read, write and compare-and-swap, shared by many
//! concurrent clients, whose version grows by one with every successful update.
//!
//! The register keeps its value and version in the [`Store`] it is given, the course's
//! slow storage cell (`given/01_linearizable/src/store.rs`): what the store holds is the
//! register's state, and every access to it is a wait during which other clients run.

use linearizable_given::{CasRegister, Store, Versioned};

/// A register shared by many tokio tasks; clones are handles to the same register.
///
/// Every operation must appear to happen at one instant between its call and its
/// return (linearizability), and every successful [`write`](Register::write) or
/// [`compare_and_swap`](Register::compare_and_swap) must produce the next version.
#[derive(Clone, Debug)]
pub struct Register {
    store: Store,
    // TODO: add what the register needs so that updates cannot interleave.
}

impl Register {
    /// A register kept in `store`.
    pub fn new(store: Store) -> Self {
        Register { store }
    }

    /// The current value and its version.
    pub async fn read(&self) -> Versioned {
        // TODO: return what the store holds.
        todo!("read the register kept in {:?}", self.store)
    }

    /// Replaces the value with `value` and returns the new version (one more than the
    /// version it replaced).
    pub async fn write(&self, value: i64) -> u64 {
        // TODO: store `value` with the next version, as one indivisible update.
        todo!("write {value} to {:?}", self.store)
    }

    /// Replaces the value with `new` only if it currently is `expected`. Returns the
    /// new version when it swapped, or what the register held when it did not.
    pub async fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Result<u64, Versioned> {
        // TODO: compare and replace as one indivisible update.
        todo!("swap {expected:?} for {new} in {:?}", self.store)
    }
}

/// The lock of task `lock` keeps its state in any [`CasRegister`]; this is the register of
/// this task as one, each operation its own. (Nothing to do here.)
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
