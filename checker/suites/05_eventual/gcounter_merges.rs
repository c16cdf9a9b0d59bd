//! The grow-only counter under merges: the classic cases one by one, then random merges
//! in random orders with stale and repeated states.

use std::collections::BTreeMap;
use std::fmt;

use eventual::GCounter;
use eventual_given::Counter;
use testkit::rng::Rng;
use testkit::shrink::Shrink;
use testkit::sim::NodeId;

use crate::copies::{Replicas, built};
use crate::runs::over_seeds;

/// How many seeds the randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// The node each replica of the random test increments at: replica `i` is node `IDS[i]`.
const IDS: [NodeId; 5] = [10, 0, 47, 3, 21];

/// What a counter shows: its value and its per-node counts.
fn shown(c: &GCounter) -> (u64, BTreeMap<NodeId, u64>) {
    (Counter::value(c), Counter::counts(c))
}

/// What differs between the counts a counter must show and the ones it shows, node by
/// node, and the usual cause of each difference.
pub fn explain(made: &BTreeMap<NodeId, u64>, got: &BTreeMap<NodeId, u64>) -> String {
    let mut lines = Vec::new();
    for (&node, &n) in made {
        match got.get(&node).copied().unwrap_or(0) {
            g if g < n => lines.push(format!(
                "n{node} made {n} increment(s) and it shows {g}: a merge lost some. Keep every \
                 node's entry, nodes this copy has not seen yet included, and never let a \
                 smaller count replace a larger one."
            )),
            g if g > n => lines.push(format!(
                "n{node} made {n} increment(s) and it shows {g}: some were counted twice. \
                 Merge by the larger count per node; adding counts a state that arrives \
                 twice twice."
            )),
            _ => {}
        }
    }
    for (&node, &g) in got {
        if !made.contains_key(&node) && g > 0 {
            lines.push(format!(
                "n{node} made no increment and it shows {g} for n{node}: each increment \
                 belongs in the entry of the node that made it."
            ));
        }
    }
    lines.join("\n")
}

/// The classic merges one at a time: concurrent increments at two nodes merged both
/// ways, the same state merged three times, an older state of a copy merged after a
/// newer one, and three copies merged through a chain.
pub fn classic_merges_keep_every_increment_once() {
    let (a, b, c) = ([10, 10], [3], [47]);
    let made = |ops: &[&[NodeId]]| {
        let mut made: BTreeMap<NodeId, u64> = BTreeMap::new();
        for &node in ops.iter().flat_map(|o| o.iter()) {
            *made.entry(node).or_insert(0) += 1;
        }
        made
    };
    let counter = |ops: &[NodeId], merges: &[&GCounter]| {
        let mut out = built::<GCounter>(ops);
        for other in merges {
            Counter::merge(&mut out, other);
        }
        out
    };
    let (ca, cb) = (counter(&a, &[]), counter(&b, &[]));
    let b_newer = counter(&[3, 3, 3], &[]);
    let a_older = counter(&[10], &[]);
    let chain_ab = counter(&a, &[&cb]);
    let chain_cab = counter(&c, &[&chain_ab]);
    let cases: Vec<(&str, GCounter, BTreeMap<NodeId, u64>)> = vec![
        (
            "a (two increments at n10) merges b (one at n3)",
            counter(&a, &[&cb]),
            made(&[&a, &b]),
        ),
        (
            "b (one increment at n3) merges a (two at n10)",
            counter(&b, &[&ca]),
            made(&[&a, &b]),
        ),
        (
            "a (two increments at n10) merges b (one at n3) three times",
            counter(&a, &[&cb, &cb, &cb]),
            made(&[&a, &b]),
        ),
        (
            "a (two increments at n10) merges its own older state (one increment at n10)",
            counter(&a, &[&a_older]),
            made(&[&a]),
        ),
        (
            "a fresh counter merges b's state after three increments at n3, then b's older \
             state after one",
            counter(&[], &[&b_newer, &cb]),
            made(&[&[3, 3, 3]]),
        ),
        (
            "c (one increment at n47) merges a, which had merged b",
            chain_cab,
            made(&[&a, &b, &c]),
        ),
        (
            "b merges c, which had merged a, which had merged b",
            counter(&b, &[&counter(&c, &[&chain_ab])]),
            made(&[&a, &b, &c]),
        ),
        (
            "c merges a, then b, then a again",
            counter(&c, &[&ca, &cb, &ca]),
            made(&[&a, &b, &c]),
        ),
    ];
    for (case, counter, made) in cases {
        let got = shown(&counter);
        let want = (made.values().sum::<u64>(), made.clone());
        assert!(
            got == want,
            "{case}: it must show exactly the increments made, {made:?} (node: \
             increments), value {}. It shows (value, counts) {got:?}.\n{}",
            want.0,
            explain(&made, &got.1)
        );
    }
}

/// The size of a random merge run: replicas, and steps (increments, sends, receipts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeRun {
    replicas: usize,
    steps: usize,
}

impl Shrink for MergeRun {
    fn smaller(&self) -> Vec<Self> {
        let mut out = Vec::new();
        if self.steps > 1 {
            out.push(MergeRun {
                steps: self.steps / 2,
                ..*self
            });
            out.push(MergeRun {
                steps: self.steps - 1,
                ..*self
            });
        }
        if self.replicas > 2 {
            out.push(MergeRun {
                replicas: self.replicas - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for MergeRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} replicas, {} steps", self.replicas, self.steps)
    }
}

/// Replicas increment their own entries and merge each other's states in a random order,
/// with repeats and stale states; after everyone merged everyone twice, each shows
/// exactly the increments that were made.
pub fn random_merges_count_every_increment_once() {
    let full = MergeRun {
        replicas: 5,
        steps: 60,
    };
    over_seeds(
        SEEDS,
        |_| full,
        |seed, size| {
            let mut rng = Rng::new(seed ^ 0x6C1);
            let mut replicas: Replicas<GCounter> = Replicas::new(size.replicas);
            let mut made: BTreeMap<NodeId, u64> = BTreeMap::new();
            let mut log = Vec::new();
            for _ in 0..size.steps {
                let i = rng.index(size.replicas);
                match rng.below(3) {
                    0 => {
                        replicas.apply(i, IDS[i]);
                        *made.entry(IDS[i]).or_insert(0) += 1;
                        log.push(format!("n{} +1", IDS[i]));
                    }
                    // A sent state stands for a message still travelling, delivered late
                    // or twice.
                    1 => {
                        let k = replicas.send(i);
                        log.push(format!("n{} sends s{k}", IDS[i]));
                    }
                    _ if replicas.sent() > 0 => {
                        let k = rng.index(replicas.sent());
                        replicas.receive(i, k);
                        log.push(format!("n{} merges s{k}", IDS[i]));
                    }
                    _ => {}
                }
            }
            for _ in 0..2 {
                for i in 0..size.replicas {
                    for j in 0..size.replicas {
                        replicas.merge(i, j);
                    }
                }
            }
            for (i, r) in replicas.replicas().enumerate() {
                let (value, counts) = shown(r);
                if counts != made || value != made.values().sum::<u64>() {
                    return Err(format!(
                        "{} replicas of a counter (n{:?}) each increment their own entry and merge \
                     each other's states, some late and more than once:\n  {}\nthen everyone \
                     merges everyone, twice. Increments made, per node: {made:?}.\nReplica \
                     n{} then shows value {value} and counts {counts:?}.\n{}",
                        size.replicas,
                        &IDS[..size.replicas],
                        log.join(", "),
                        IDS[i],
                        explain(&made, &counts)
                    ));
                }
            }
            Ok(())
        },
    );
}
