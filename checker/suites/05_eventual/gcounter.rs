//! The grow-only counter: what it shows, the merge laws, and no increment lost or counted
//! twice.
//!
//! Counters are called through the course's `Counter` trait, spelled out in full
//! (`Counter::merge(&mut a, &b)`), so an inherent method of the same name cannot stand in
//! for the one a replica uses. They are read only through `value` and `counts` (a `u64`
//! and a std map), and every copy is made by replaying increments and merges on a fresh
//! counter (see `copies.rs`): no `==`, `clone` or other impl a submission writes decides a
//! verdict. Node ids run to two digits and beyond, so a counter that assumes ids below ten
//! shows it.

use std::collections::BTreeMap;
use std::fmt;

use eventual::GCounter;
use eventual_given::Counter;
use testkit::rng::Rng;
use testkit::shrink::Shrink;
use testkit::sim::NodeId;

use crate::copies::{Replay, built};
use crate::gcounter_merges::explain;
use crate::runs::{attempt, over_seeds};

/// How many seeds each randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// The node ids random counters use: one and two digits, in no order a string sort keeps.
const IDS: [NodeId; 5] = [0, 3, 12, 47, 9];

impl Replay for GCounter {
    /// The node an increment is made at.
    type Op = NodeId;

    fn fresh() -> Self {
        GCounter::new()
    }

    fn apply(&mut self, node: &NodeId) {
        Counter::increment(self, *node);
    }

    fn merge_in(&mut self, other: &Self) {
        Counter::merge(self, other);
    }
}

/// What a counter shows: its value and its per-node counts.
fn shown(c: &GCounter) -> (u64, BTreeMap<NodeId, u64>) {
    (Counter::value(c), Counter::counts(c))
}

/// What a counter that saw `made` increments per node must show.
fn expected(made: &BTreeMap<NodeId, u64>) -> (u64, BTreeMap<NodeId, u64>) {
    (made.values().sum(), made.clone())
}

/// What a merge of counters that saw `made` must show: per node, the largest count.
fn larger(made: &[&BTreeMap<NodeId, u64>]) -> BTreeMap<NodeId, u64> {
    let mut out: BTreeMap<NodeId, u64> = BTreeMap::new();
    for (&node, &n) in made.iter().flat_map(|m| m.iter()) {
        let entry = out.entry(node).or_insert(0);
        *entry = (*entry).max(n);
    }
    out
}

/// A fresh counter after `increments`, with `others` merged into it in order.
fn merged(increments: &[NodeId], others: &[&GCounter]) -> GCounter {
    let mut out = built::<GCounter>(increments);
    for other in others {
        Counter::merge(&mut out, other);
    }
    out
}

/// `GCounter::new()` and `default()` are at zero; increments at nodes with one-, two- and
/// three-digit ids, one at a time, show in `counts` (nodes with none left out) and sum to
/// `value`.
pub fn a_new_counter_is_zero_and_counts_its_increments() {
    let zero = (0, BTreeMap::new());
    for (how, counter) in [
        ("new()", GCounter::new()),
        ("default()", GCounter::default()),
    ] {
        let got = shown(&counter);
        assert!(
            got == zero,
            "GCounter::{how} must be a counter at zero: value 0 and no counts. It shows \
             (value, counts) {got:?}."
        );
    }
    let increments: [NodeId; 8] = [0, 12, 47, 0, 47, 9, 100, 47];
    let mut counter = GCounter::new();
    let mut made: BTreeMap<NodeId, u64> = BTreeMap::new();
    for (i, &node) in increments.iter().enumerate() {
        let done = &increments[..i];
        if let Err(why) = attempt(|| {
            Counter::increment(&mut counter, node);
            Ok(())
        }) {
            suite_harness::fail(format!(
                "A counter incremented at nodes {done:?}, then at n{node}: increment \
                 panicked.\n{why}\nA NodeId is any usize: ids of two digits and more are \
                 nodes too, so keep one entry per node id that has incremented (a map), not \
                 a slot per id below some bound."
            ));
        }
        *made.entry(node).or_insert(0) += 1;
        let got = shown(&counter);
        assert!(
            got == expected(&made),
            "A counter incremented at nodes {:?}, in that order, must show counts {made:?} \
             (node: increments; nodes with none left out) and their sum {} as its value. It \
             shows (value, counts) {got:?}.",
            &increments[..=i],
            made.values().sum::<u64>()
        );
    }
}

/// The size of a random counter: how many of [`IDS`] increment, and at most how often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterSize {
    nodes: usize,
    most: u64,
}

impl Shrink for CounterSize {
    fn smaller(&self) -> Vec<Self> {
        let mut out = Vec::new();
        if self.nodes > 1 {
            out.push(CounterSize {
                nodes: self.nodes - 1,
                ..*self
            });
        }
        if self.most > 1 {
            out.push(CounterSize {
                most: self.most - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for CounterSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "counters of {} node(s), up to {} increment(s) each",
            self.nodes, self.most
        )
    }
}

/// The increments of a random counter and how many each node made.
fn random_counter(rng: &mut Rng, size: &CounterSize) -> (Vec<NodeId>, BTreeMap<NodeId, u64>) {
    let mut increments = Vec::new();
    let mut made = BTreeMap::new();
    for &node in &IDS[..size.nodes] {
        let n = rng.below(size.most + 1);
        increments.extend((0..n).map(|_| node));
        if n > 0 {
            made.insert(node, n);
        }
    }
    rng.shuffle(&mut increments);
    (increments, made)
}

/// Random counters a, b, c: a⊔b = b⊔a, (a⊔b)⊔c = a⊔(b⊔c), a⊔a = a.
pub fn merge_is_commutative_associative_and_idempotent() {
    let full = CounterSize { nodes: 5, most: 3 };
    over_seeds(
        SEEDS,
        |_| full,
        |seed, size| {
            let mut rng = Rng::new(seed ^ 0x6C0);
            let (ops_a, made_a) = random_counter(&mut rng, size);
            let (ops_b, made_b) = random_counter(&mut rng, size);
            let (ops_c, made_c) = random_counter(&mut rng, size);
            let (a, b, c) = (
                built::<GCounter>(&ops_a),
                built::<GCounter>(&ops_b),
                built::<GCounter>(&ops_c),
            );
            let counters = format!(
                "Counters (increments per node): a = {made_a:?}, b = {made_b:?}, c = {made_c:?}."
            );
            let (ab, ba) = (shown(&merged(&ops_a, &[&b])), shown(&merged(&ops_b, &[&a])));
            if ab != ba {
                let want = larger(&[&made_a, &made_b]);
                return Err(format!(
                    "Merge must be commutative: replicas that receive each other's state must \
                 agree whichever merges first.\n{counters}\na.merge(b) shows (value, counts) \
                 {ab:?}\nb.merge(a) shows {ba:?}\nBoth must show {want:?}.\n{}\n{}",
                    explain(&want, &ab.1),
                    explain(&want, &ba.1)
                ));
            }
            let left = shown(&merged(&ops_a, &[&b, &c]));
            let right = shown(&merged(&ops_a, &[&merged(&ops_b, &[&c])]));
            if left != right {
                let want = larger(&[&made_a, &made_b, &made_c]);
                return Err(format!(
                    "Merge must be associative: (a⊔b)⊔c = a⊔(b⊔c), so states can travel through \
                 any chain of replicas.\n{counters}\n(a⊔b)⊔c shows {left:?}\na⊔(b⊔c) shows \
                 {right:?}\nBoth must show {want:?}.\n{}\n{}",
                    explain(&want, &left.1),
                    explain(&want, &right.1)
                ));
            }
            let once = shown(&a);
            let twice = shown(&merged(&ops_a, &[&a]));
            if twice != once {
                return Err(format!(
                    "Merge must be idempotent: a state that arrives twice (a duplicated message, \
                 a retransmission) changes nothing.\n{counters}\na shows {once:?}; merged \
                 with a copy of itself it shows {twice:?}. Take the larger count per node; \
                 adding counts the same increments again."
                ));
            }
            Ok(())
        },
    );
}
