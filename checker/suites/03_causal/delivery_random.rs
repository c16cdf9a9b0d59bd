//! Random sends and random arrival orders with duplicates, on 2 to 7 nodes, checked
//! against the dependencies each message really has; a failing run is shrunk to the
//! smallest that still fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use testkit::rng::Rng;
use testkit::shrink::{Budget, Shrink, shrink};

use crate::delivery::{label, labels};
use crate::observe::{Id, Wire, held_back, node, receive, send};

/// How many seeds the test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// The node ids of a run, the first `nodes` of them: ids of two digits among them.
const IDS: [usize; 7] = [0, 1, 2, 10, 11, 12, 13];

/// What a run is made of, which shrinking makes smaller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Size {
    /// Nodes taking part, 2 to 7.
    nodes: usize,
    /// Messages broadcast, in all.
    sends: usize,
    /// Whether the network delivers some copies twice.
    duplicates: bool,
}

impl Size {
    /// The size of the run of `seed`: every cluster size from 2 to 7 comes up within
    /// six seeds in a row.
    fn of(seed: u64) -> Size {
        Size {
            nodes: 2 + (seed % 6) as usize,
            sends: 40,
            duplicates: true,
        }
    }
}

impl Shrink for Size {
    fn smaller(&self) -> Vec<Size> {
        let mut out = Vec::new();
        if self.duplicates {
            out.push(Size {
                duplicates: false,
                ..*self
            });
        }
        if self.sends > 1 {
            out.push(Size {
                sends: self.sends / 2,
                ..*self
            });
            out.push(Size {
                sends: self.sends - 1,
                ..*self
            });
        }
        if self.nodes > 2 {
            out.push(Size {
                nodes: self.nodes - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} nodes ({}), {} messages broadcast, {}",
            self.nodes,
            labels_of(&IDS[..self.nodes]),
            self.sends,
            if self.duplicates {
                "a quarter of the copies arriving twice"
            } else {
                "no copy arriving twice"
            }
        )
    }
}

fn labels_of(ids: &[usize]) -> String {
    let names: Vec<String> = ids.iter().map(|id| format!("n{id}")).collect();
    names.join(", ")
}

/// One run: nodes send at random, and each receives the copies in its inbox in a random
/// order. Every delivery is checked against what its sender had delivered when it sent.
fn run(seed: u64, size: Size) -> Result<(), String> {
    let mut rng = Rng::new(seed ^ 0xDE11);
    let n = size.nodes;
    let ids = &IDS[..n];
    let mut nodes: Vec<_> = ids.iter().map(|&id| node(id)).collect();
    let mut counts = vec![0u64; n];
    // What each node has delivered, in order, and each message's causal past: what its
    // sender had delivered when it sent it.
    let mut logs: Vec<Vec<Id>> = vec![Vec::new(); n];
    let mut past: BTreeMap<Id, BTreeSet<Id>> = BTreeMap::new();
    let mut inboxes: Vec<Vec<Wire>> = vec![Vec::new(); n];
    let mut sends = 0;
    while sends < size.sends || inboxes.iter().any(|i| !i.is_empty()) {
        let who = rng.index(n);
        if sends < size.sends && (rng.chance(0.3) || inboxes[who].is_empty()) {
            counts[who] += 1;
            let id = (ids[who], counts[who]);
            let m = send(&mut nodes[who], id);
            past.insert(id, logs[who].iter().copied().collect());
            logs[who].push(id);
            for (to, inbox) in inboxes.iter_mut().enumerate() {
                if to != who {
                    inbox.push(m.clone());
                    if rng.chance(0.25) && size.duplicates {
                        inbox.push(m.clone());
                    }
                }
            }
            sends += 1;
        } else if !inboxes[who].is_empty() {
            let at = rng.index(inboxes[who].len());
            let m = inboxes[who].swap_remove(at);
            for d in receive(&mut nodes[who], &m) {
                let seen: BTreeSet<Id> = logs[who].iter().copied().collect();
                let whom = format!("n{}", ids[who]);
                if seen.contains(&d) {
                    return Err(format!(
                        "{whom} delivered {} twice (on receiving {}): a duplicate must be \
                         dropped.\nIts deliveries so far: {}",
                        label(d),
                        label(m.payload),
                        labels(&logs[who])
                    ));
                }
                let Some(depends) = past.get(&d) else {
                    return Err(format!(
                        "{whom} delivered {} (on receiving {}), which nobody sent: a node \
                         delivers the payloads it received, as they were sent.",
                        label(d),
                        label(m.payload)
                    ));
                };
                let missing: Vec<Id> = depends.difference(&seen).copied().collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "{whom} delivered {} (on receiving {}) before {}, which its sender \
                         had delivered when it sent it.\nIts deliveries so far: {}",
                        label(d),
                        label(m.payload),
                        labels(&missing),
                        labels(&logs[who])
                    ));
                }
                logs[who].push(d);
            }
        }
    }
    for (who, log) in logs.iter().enumerate() {
        if log.len() != past.len() {
            let lacking: Vec<Id> = past
                .keys()
                .filter(|id| id.0 != ids[who] && !log.contains(id))
                .copied()
                .collect();
            return Err(format!(
                "Every copy has arrived{}, so n{} must have delivered all {} messages; it \
                 delivered {} and holds {} back, never delivering {}.\nIts deliveries: {}",
                if size.duplicates { " (some twice)" } else { "" },
                ids[who],
                past.len(),
                log.len(),
                held_back(&nodes[who]),
                labels(&lacking),
                labels(log)
            ));
        }
    }
    Ok(())
}

/// Random sends and random arrival orders with duplicates: every message delivered once,
/// after everything it depends on.
pub fn random_schedules_deliver_causally() {
    crate::blame::after(&[&crate::clocks::UPSTREAM], || {
        let base = suite_harness::seed();
        for seed in base..base + SEEDS {
            let size = Size::of(seed);
            let Err(failure) = run(seed, size) else {
                continue;
            };
            let smallest = shrink(size, failure, Budget { tries: 100 }, |s| {
                run(seed, *s).err()
            });
            suite_harness::replay_from(seed);
            suite_harness::fail(format!(
                "Nodes broadcast messages and each receives its copies in a random order. \
                 The smallest run found that fails (seed {seed}): {}.\n{}\n(The run of the \
                 seed first failed with {size}; {} smaller runs tried.)",
                smallest.params, smallest.failure, smallest.tries
            ));
        }
    });
}
