//! The register the suite runs the student's lock on: a correct compare-and-swap register
//! of the suite's own, kept in the course's `Store`, that counts how the lock uses it.
//!
//! Task `lock` is graded on this register rather than on the student's `Register`, so that
//! a mistake in task `register` costs that task alone. Being the suite's, it is also the
//! suite's witness: what the lock asked of it (a `write`, which the lock must never use)
//! is counted here, and what it holds is read through the store under it.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use linearizable_given::{CasRegister, Store, Versioned};
use tokio::sync::Mutex;

/// A correct register over a `Store`; clones share it.
#[derive(Clone)]
pub struct CourseRegister {
    store: Store,
    inner: Arc<Counts>,
}

/// What every handle shares: the lock that keeps updates apart, and the counts.
struct Counts {
    updating: Mutex<()>,
    writes: AtomicUsize,
    swaps: AtomicUsize,
}

/// Shows what the store holds: the generator and counts would only be noise.
impl fmt::Debug for CourseRegister {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CourseRegister").field(&self.store).finish()
    }
}

impl CourseRegister {
    /// An empty register on a store whose latencies follow `seed`.
    pub fn new(seed: u64) -> Self {
        CourseRegister {
            store: Store::new(seed),
            inner: Arc::new(Counts {
                updating: Mutex::new(()),
                writes: AtomicUsize::new(0),
                swaps: AtomicUsize::new(0),
            }),
        }
    }

    /// The value held now, read from the store without the register's lock: one load is
    /// one indivisible step of the store.
    pub async fn holds(&self) -> Option<i64> {
        self.store.load().await.value
    }

    /// How many times the lock called `write`.
    pub fn writes(&self) -> usize {
        self.inner.writes.load(Ordering::SeqCst)
    }

    /// How many times the lock called `compare_and_swap`.
    pub fn swaps(&self) -> usize {
        self.inner.swaps.load(Ordering::SeqCst)
    }
}

impl CasRegister for CourseRegister {
    async fn read(&self) -> Versioned {
        self.store.load().await
    }

    async fn write(&self, value: i64) -> u64 {
        self.inner.writes.fetch_add(1, Ordering::SeqCst);
        let _guard = self.inner.updating.lock().await;
        let version = self.store.load().await.version + 1;
        self.store
            .save(Versioned {
                value: Some(value),
                version,
            })
            .await;
        version
    }

    async fn compare_and_swap(&self, expected: Option<i64>, new: i64) -> Result<u64, Versioned> {
        self.inner.swaps.fetch_add(1, Ordering::SeqCst);
        let _guard = self.inner.updating.lock().await;
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
