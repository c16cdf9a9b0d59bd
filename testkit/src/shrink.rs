//! Shrinking a failing randomized run to the smallest one that still fails.
//!
//! A random schedule that breaks a system is usually far larger than the mistake it
//! shows: five clients, forty operations, three partitions, when two clients and three
//! operations would do. Shrinking replays the run's seed with smaller parameters (fewer
//! clients, operations, nodes, faults) and keeps every smaller run that still fails,
//! greedily, until no candidate fails or the budget of tries is spent. The result is the
//! run a student can read.
//!
//! The budget counts tries, not seconds: a budget of time would shrink further on a fast
//! machine than on a slow one, and the same failure must shrink to the same run
//! everywhere, so that its replay line means the same thing.
//!
//! ```
//! use testkit::shrink::{Budget, RunSize, shrink};
//!
//! // A "bug" that needs two clients and three operations each to show.
//! let fails = |size: &RunSize| (size.clients >= 2 && size.ops >= 3).then_some("lost write");
//! let start = RunSize { nodes: 5, clients: 4, ops: 20, faults: 3 };
//! let smallest = shrink(start, "lost write", Budget::default(), fails);
//! assert_eq!(
//!     smallest.params,
//!     RunSize { nodes: RunSize::MIN_NODES, clients: 2, ops: 3, faults: 0 }
//! );
//! ```

use std::fmt;

/// Parameters of a run that can be made smaller.
pub trait Shrink: Clone {
    /// Runs one step smaller, the most promising first: each strictly smaller in some
    /// parameter and no larger in any, so that shrinking ends.
    fn smaller(&self) -> Vec<Self>;
}

/// How much shrinking may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Runs tried, at most.
    pub tries: usize,
}

impl Default for Budget {
    /// Two hundred runs: a few seconds for the course's worlds.
    fn default() -> Self {
        Budget { tries: 200 }
    }
}

/// The smallest failing run found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrunk<P, F> {
    /// Its parameters.
    pub params: P,
    /// How it failed.
    pub failure: F,
    /// How many smaller runs were tried.
    pub tries: usize,
    /// How many of them failed and were kept, one after another.
    pub steps: usize,
}

/// From `start`, which failed with `failure`, the smallest run `fails` still fails on:
/// at each step the first of [`Shrink::smaller`]'s candidates that fails is kept, until
/// none does or `budget` is spent. `fails` runs one candidate and says how it failed, or
/// `None` when it passed.
pub fn shrink<P: Shrink, F>(
    start: P,
    failure: F,
    budget: Budget,
    mut fails: impl FnMut(&P) -> Option<F>,
) -> Shrunk<P, F> {
    let mut best = Shrunk {
        params: start,
        failure,
        tries: 0,
        steps: 0,
    };
    'step: while best.tries < budget.tries {
        for candidate in best.params.smaller() {
            if best.tries >= budget.tries {
                break 'step;
            }
            best.tries += 1;
            if let Some(failure) = fails(&candidate) {
                best.params = candidate;
                best.failure = failure;
                best.steps += 1;
                continue 'step;
            }
        }
        break;
    }
    best
}

/// The size of a simulated run, as most randomized tests of the course draw it: nodes,
/// clients, operations per client, and faults (partitions, crashes) injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RunSize {
    /// Nodes in the world, at least [`RunSize::MIN_NODES`].
    pub nodes: usize,
    /// Clients.
    pub clients: usize,
    /// Operations per client.
    pub ops: usize,
    /// Faults injected.
    pub faults: usize,
}

impl RunSize {
    /// The fewest nodes a run keeps: a replicated system needs some to be one.
    pub const MIN_NODES: usize = 3;
}

impl Shrink for RunSize {
    /// Fewer faults first (a fault-free failure is the plainest), then halving and
    /// decrementing operations, clients, nodes.
    fn smaller(&self) -> Vec<RunSize> {
        let mut out = Vec::new();
        let mut push = |candidate: RunSize| {
            if candidate != *self && !out.contains(&candidate) {
                out.push(candidate);
            }
        };
        if self.faults > 0 {
            push(RunSize { faults: 0, ..*self });
            push(RunSize {
                faults: self.faults - 1,
                ..*self
            });
        }
        if self.ops > 1 {
            push(RunSize {
                ops: self.ops / 2,
                ..*self
            });
            push(RunSize {
                ops: self.ops - 1,
                ..*self
            });
        }
        if self.clients > 1 {
            push(RunSize {
                clients: self.clients / 2,
                ..*self
            });
            push(RunSize {
                clients: self.clients - 1,
                ..*self
            });
        }
        if self.nodes > Self::MIN_NODES {
            push(RunSize {
                nodes: self.nodes - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for RunSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} nodes, {} client(s), {} operation(s) each, {} fault(s)",
            self.nodes, self.clients, self.ops, self.faults
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_shrinks_to_the_smallest_that_still_fails() {
        let fails = |s: &RunSize| (s.clients >= 3 && s.ops >= 2 && s.faults >= 1).then_some(s.ops);
        let start = RunSize {
            nodes: 7,
            clients: 8,
            ops: 40,
            faults: 4,
        };
        let found = shrink(start, 40, Budget::default(), fails);
        assert_eq!(
            found.params,
            RunSize {
                nodes: 3,
                clients: 3,
                ops: 2,
                faults: 1
            }
        );
        assert_eq!(found.failure, 2);
        assert!(found.steps > 0 && found.tries >= found.steps);
        // The same start shrinks the same way every time.
        assert_eq!(shrink(start, 40, Budget::default(), fails), found);
    }

    #[test]
    fn the_budget_bounds_the_tries_and_a_passing_neighbourhood_keeps_the_start() {
        let start = RunSize {
            nodes: 5,
            clients: 5,
            ops: 50,
            faults: 2,
        };
        let mut tries = 0;
        let found = shrink(start, (), Budget { tries: 3 }, |_| {
            tries += 1;
            Some(())
        });
        assert_eq!((found.tries, tries), (3, 3));
        assert_ne!(found.params, start);
        let kept = shrink(start, "original", Budget::default(), |_| None::<&str>);
        assert_eq!(kept.params, start);
        assert_eq!(kept.failure, "original");
        assert_eq!(kept.steps, 0);
    }

    #[test]
    fn candidates_are_smaller_and_the_smallest_run_has_none() {
        let size = RunSize {
            nodes: 4,
            clients: 2,
            ops: 3,
            faults: 1,
        };
        for c in size.smaller() {
            assert!(
                c.nodes <= size.nodes
                    && c.clients <= size.clients
                    && c.ops <= size.ops
                    && c.faults <= size.faults
                    && c != size,
                "{c}"
            );
        }
        let least = RunSize {
            nodes: 3,
            clients: 1,
            ops: 1,
            faults: 0,
        };
        assert!(least.smaller().is_empty());
        assert_eq!(
            least.to_string(),
            "3 nodes, 1 client(s), 1 operation(s) each, 0 fault(s)"
        );
    }
}
