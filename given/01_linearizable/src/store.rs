//! The storage cell the register of task `register` keeps its state in.
//!
//! Real storage takes time: a read or a write of a disk or a remote cell is a wait during
//! which other clients run. A [`Store`] models that under tokio's clock: every
//! [`load`](Store::load) and [`save`](Store::save) first waits a latency drawn from a
//! seed, then reads or replaces the cell in one indivisible step. Two clients that each
//! load, then save, can therefore interleave:
//!
//! ```text
//! client a   [load: v3]            [save v4]
//! client b        [load: v3]             [save v4]     <- two updates, one version
//! ```
//!
//! The latency is the point of the task: a register that took it away would never see
//! two updates interleave, and so would never show whether it keeps them apart. That is
//! why the store is the course's and not the exercise's to change.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use testkit::rng::Rng;

/// A value and the number of updates that produced it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Versioned {
    /// The value; `None` until the first update.
    pub value: Option<i64>,
    /// How many successful writes and swaps came before: 0 for the empty cell, then 1,
    /// 2, ... one more for each.
    pub version: u64,
}

/// A shared storage cell whose every access takes a seeded random latency of 1 to 3
/// milliseconds of tokio time. Clones share the cell.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Mutex<Cell>>,
}

/// What the cell holds, and the generator of its latencies.
#[derive(Debug)]
struct Cell {
    held: Versioned,
    rng: Rng,
}

/// Shows what the cell holds now, as `Store(Versioned { .. })`; the generator's state
/// would only be noise in a message.
impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Store").field(&self.cell().held).finish()
    }
}

impl Store {
    /// An empty cell (`value: None, version: 0`) whose latencies follow `seed`.
    pub fn new(seed: u64) -> Self {
        Store {
            inner: Arc::new(Mutex::new(Cell {
                held: Versioned::default(),
                rng: Rng::new(seed),
            })),
        }
    }

    /// The cell. Every change is one assignment, so a lock poisoned by a panicking task
    /// still holds a whole value and is used as it is.
    fn cell(&self) -> MutexGuard<'_, Cell> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The wait of the next access.
    fn latency(&self) -> Duration {
        Duration::from_millis(self.cell().rng.between(1, 3))
    }

    /// Waits the latency, then returns what the cell holds at that moment.
    pub async fn load(&self) -> Versioned {
        tokio::time::sleep(self.latency()).await;
        self.cell().held
    }

    /// Waits the latency, then replaces what the cell holds. If the future is dropped
    /// before the wait ends, nothing is written.
    pub async fn save(&self, new: Versioned) {
        tokio::time::sleep(self.latency()).await;
        self.cell().held = new;
    }
}
