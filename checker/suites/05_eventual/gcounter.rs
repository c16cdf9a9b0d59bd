//! The grow-only counter: merge laws, and no increment lost or counted twice.
//!
//! Counters are read only through `value` and `counts` (a `u64` and a std map), and every
//! copy is made by replaying increments and merges on a fresh counter (see `copies.rs`):
//! no `==`, `clone` or other impl a submission writes decides a verdict.

use std::collections::BTreeMap;

use eventual::GCounter;
use testkit::rng::Rng;
use testkit::sim::NodeId;

use crate::copies::{Replay, Replicas, built};

/// How many seeds each randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

impl Replay for GCounter {
    /// The node an increment is made at.
    type Op = NodeId;

    fn fresh() -> Self {
        GCounter::new()
    }

    fn apply(&mut self, node: &NodeId) {
        self.increment(*node);
    }

    fn merge_in(&mut self, other: &Self) {
        self.merge(other);
    }
}

/// The increments of a counter that has seen a random number of them from each of 4
/// nodes, and how many each node made.
fn random_counter(rng: &mut Rng) -> (Vec<NodeId>, BTreeMap<NodeId, u64>) {
    let mut increments = Vec::new();
    let mut made = BTreeMap::new();
    for node in 0..4 {
        let n = rng.below(4);
        for _ in 0..n {
            increments.push(node);
        }
        if n > 0 {
            made.insert(node, n);
        }
    }
    (increments, made)
}

/// A fresh counter after `increments`, with `others` merged into it in order.
fn merged(increments: &[NodeId], others: &[&GCounter]) -> GCounter {
    let mut out = built::<GCounter>(increments);
    for other in others {
        out.merge(other);
    }
    out
}

/// What a counter shows: its value and its per-node counts.
fn shown(c: &GCounter) -> (u64, BTreeMap<NodeId, u64>) {
    (c.value(), c.counts())
}

/// Random counters a, b, c: a⊔b = b⊔a, (a⊔b)⊔c = a⊔(b⊔c), a⊔a = a.
pub fn merge_is_commutative_associative_and_idempotent() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x6C0);
        let (ops_a, made_a) = random_counter(&mut rng);
        let (ops_b, made_b) = random_counter(&mut rng);
        let (ops_c, _) = random_counter(&mut rng);
        let (a, b, c) = (
            built::<GCounter>(&ops_a),
            built::<GCounter>(&ops_b),
            built::<GCounter>(&ops_c),
        );
        let counts = shown(&a);
        assert!(
            counts.1 == made_a && counts.0 == made_a.values().sum::<u64>(),
            "A counter incremented {made_a:?} times per node (node: increments) must show \
             those counts and their sum; it shows value {} and counts {:?} (seed {seed}).",
            counts.0,
            counts.1
        );
        let (ab, ba) = (shown(&merged(&ops_a, &[&b])), shown(&merged(&ops_b, &[&a])));
        assert!(
            ab == ba,
            "Merge must be commutative: replicas that receive each other's state must agree \
             whichever merges first.\na = {made_a:?}, b = {made_b:?} (increments per node)\n\
             a.merge(b) shows (value, counts) {ab:?}\nb.merge(a) shows {ba:?} (seed {seed})."
        );
        let left = shown(&merged(&ops_a, &[&b, &c]));
        let right = shown(&merged(&ops_a, &[&merged(&ops_b, &[&c])]));
        assert!(
            left == right,
            "Merge must be associative: (a⊔b)⊔c = a⊔(b⊔c), so states can travel through \
             any chain of replicas. Left shows {left:?}, right shows {right:?} (seed {seed})."
        );
        let twice = shown(&merged(&ops_a, &[&a]));
        assert!(
            twice == shown(&a),
            "Merge must be idempotent: a state that arrives twice (a duplicated message, a \
             retransmission) changes nothing. a = {made_a:?} shows {:?}; merged with itself \
             it shows {twice:?}. Take the larger count per node, do not add (seed {seed}).",
            shown(&a)
        );
    }
}

/// Four replicas increment their own entries and merge each other's states in a random
/// order, with repeats and stale states; after a final exchange each shows exactly the
/// increments that were made.
pub fn random_merges_count_every_increment_once() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x6C1);
        let mut replicas: Replicas<GCounter> = Replicas::new(4);
        let mut made: BTreeMap<NodeId, u64> = BTreeMap::new();
        for _ in 0..60 {
            let i = rng.index(4);
            match rng.below(3) {
                0 => {
                    replicas.apply(i, i);
                    *made.entry(i).or_insert(0) += 1;
                }
                // A sent state stands for a message still travelling, delivered late
                // or twice.
                1 => {
                    replicas.send(i);
                }
                _ if replicas.sent() > 0 => {
                    let old = rng.index(replicas.sent());
                    replicas.receive(i, old);
                }
                _ => {}
            }
        }
        let total: u64 = made.values().sum();
        // Two full rounds of everyone merging everyone.
        for _ in 0..2 {
            for i in 0..4 {
                for j in 0..4 {
                    replicas.merge(i, j);
                }
            }
        }
        for (i, r) in replicas.replicas().enumerate() {
            let (value, counts) = shown(r);
            assert!(
                value == total && counts == made,
                "4 replicas of a counter: each increments its own entry, and they merge each \
                 other's states in a random order, some states late and more than once. \
                 Increments made, per node: {made:?} ({total} in all).\nAfter everyone merged \
                 everyone, replica {i} shows value {value} and counts {counts:?}.\nA correct \
                 counter keeps one entry per node and merges by the larger count: a shared \
                 single number loses concurrent increments, and adding counts on merge counts \
                 repeated states again (seed {seed})."
            );
        }
    }
}
