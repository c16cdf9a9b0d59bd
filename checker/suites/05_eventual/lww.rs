//! The last-writer-wins map: ties on time, merge laws, and random deliveries.
//!
//! `Stamp` and its order are the course's (`eventual_given`), so the suite works out the
//! winner of each key with an order no submission can change. Maps are read only through
//! `get`, `stamp` and `entries` (std and given types), and every copy is made by
//! replaying writes and merges on a fresh map (see `copies.rs`).

use std::collections::BTreeMap;

use eventual::LwwMap;
use eventual_given::Stamp;
use testkit::rng::Rng;

use crate::copies::{Replay, Replicas, built};

/// How many seeds each randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

type Write = (String, String, Stamp);

/// What a map holds: each key's winning stamp and value.
type Held = BTreeMap<String, (Stamp, String)>;

impl Replay for LwwMap {
    /// One write offered with `set`.
    type Op = Write;

    fn fresh() -> Self {
        LwwMap::new()
    }

    fn apply(&mut self, (key, value, stamp): &Write) {
        self.set(key, value, *stamp);
    }

    fn merge_in(&mut self, other: &Self) {
        self.merge(other);
    }
}

/// Up to 12 writes of keys k0..k2 with distinct stamps whose times often tie.
fn random_writes(rng: &mut Rng) -> Vec<Write> {
    let mut stamps: Vec<Stamp> = (0..3)
        .flat_map(|time| (0..4).map(move |node| Stamp { time, node }))
        .collect();
    rng.shuffle(&mut stamps);
    let n = 4 + rng.index(9);
    stamps
        .into_iter()
        .take(n)
        .enumerate()
        .map(|(i, stamp)| {
            let key = format!("k{}", rng.below(3));
            (key, format!("v{i}"), stamp)
        })
        .collect()
}

/// For each key, the write with the largest stamp.
fn winners(writes: &[Write]) -> Held {
    let mut out = Held::new();
    for (key, value, stamp) in writes {
        let entry = out.entry(key.clone()).or_insert((*stamp, value.clone()));
        if *stamp > entry.0 {
            *entry = (*stamp, value.clone());
        }
    }
    out
}

/// A random half of `writes`, in order: what one map is offered.
fn some_of(rng: &mut Rng, writes: &[Write]) -> Vec<Write> {
    writes.iter().filter(|_| rng.chance(0.5)).cloned().collect()
}

/// A fresh map offered `writes`, with `others` merged into it in order.
fn merged(writes: &[Write], others: &[&LwwMap]) -> LwwMap {
    let mut out = built::<LwwMap>(writes);
    for other in others {
        out.merge(other);
    }
    out
}

/// What `map` holds, by its `entries`.
fn entries_of(map: &LwwMap) -> Held {
    map.entries()
}

/// Two writes of one key at the same time from two nodes, applied in both orders: the
/// larger node id wins both times.
pub fn ties_on_time_break_by_node_id() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x77);
        let time = rng.below(1_000_000);
        let low = rng.index(3);
        let high = low + 1 + rng.index(3);
        let a = Stamp { time, node: low };
        let b = Stamp { time, node: high };
        for (first, second) in [(a, b), (b, a)] {
            let mut map = LwwMap::new();
            let took_first: bool = map.set("k", &format!("from-n{}", first.node), first);
            let took_second: bool = map.set("k", &format!("from-n{}", second.node), second);
            let held: (Option<String>, Option<Stamp>) =
                (map.get("k").map(str::to_owned), map.stamp("k"));
            let expected = (Some(format!("from-n{high}")), Some(b));
            assert!(
                held == expected && took_first && took_second == (second == b),
                "Two writes of k at the same time {time}ns, from n{low} and n{high}, applied \
                 to one map in the order n{} then n{}.\nThe times tie, so the larger node id \
                 wins whatever the order: the map must hold {expected:?} (value, stamp), and \
                 set must say whether each write took effect (expected {} then {}).\nIt holds \
                 {held:?}, and set answered {took_first} then {took_second}. Breaking ties by \
                 arrival order makes replicas that saw the writes in different orders disagree \
                 forever (seed {seed}).",
                first.node,
                second.node,
                true,
                second == b
            );
        }
    }
}

/// Random maps a, b, c: a⊔b = b⊔a, (a⊔b)⊔c = a⊔(b⊔c), a⊔a = a.
pub fn merge_is_commutative_associative_and_idempotent() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x78);
        let writes = random_writes(&mut rng);
        let ops_a = some_of(&mut rng, &writes);
        let ops_b = some_of(&mut rng, &writes);
        let ops_c = some_of(&mut rng, &writes);
        let (a, b, c) = (
            built::<LwwMap>(&ops_a),
            built::<LwwMap>(&ops_b),
            built::<LwwMap>(&ops_c),
        );
        let (ab, ba) = (
            entries_of(&merged(&ops_a, &[&b])),
            entries_of(&merged(&ops_b, &[&a])),
        );
        assert!(
            ab == ba,
            "Merge must be commutative: for each key the write with the larger stamp \
             (time, then node id) wins, whichever map merges the other.\na holds {:?}\n\
             b holds {:?}\na.merge(b) holds {ab:?}\nb.merge(a) holds {ba:?} (seed {seed}).",
            entries_of(&a),
            entries_of(&b)
        );
        let left = entries_of(&merged(&ops_a, &[&b, &c]));
        let right = entries_of(&merged(&ops_a, &[&merged(&ops_b, &[&c])]));
        assert!(
            left == right,
            "Merge must be associative: (a⊔b)⊔c = a⊔(b⊔c).\na holds {:?}\nb holds {:?}\n\
             c holds {:?}\n(a⊔b)⊔c holds {left:?}\na⊔(b⊔c) holds {right:?} (seed {seed}).",
            entries_of(&a),
            entries_of(&b),
            entries_of(&c)
        );
        let twice = entries_of(&merged(&ops_a, &[&a]));
        assert!(
            twice == entries_of(&a),
            "Merge must be idempotent: a map merged with itself is unchanged.\na holds {:?}\n\
             a.merge(a) holds {twice:?} (seed {seed}).",
            entries_of(&a)
        );
    }
}

/// Four replicas receive the same writes in different random orders, some twice, and
/// merge each other's states at random; after a final exchange each holds, for every
/// key, the write with the largest stamp.
pub fn random_deliveries_keep_the_largest_stamp() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x79);
        let writes = random_writes(&mut rng);
        let expected = winners(&writes);
        let mut replicas: Replicas<LwwMap> = Replicas::new(4);
        for r in 0..4 {
            let mut order: Vec<(usize, &Write)> = writes
                .iter()
                .chain(writes.iter().take(3))
                .enumerate()
                .collect();
            rng.shuffle(&mut order);
            // Each write reaches one replica for sure (the one its index names); the
            // others hear it directly by chance, or only through merges.
            for (i, write) in order {
                if i % 4 == r || rng.chance(0.7) {
                    replicas.apply(r, write.clone());
                }
            }
        }
        for _ in 0..10 {
            let (i, j) = (rng.index(4), rng.index(4));
            replicas.merge(i, j);
        }
        for _ in 0..2 {
            for i in 0..4 {
                for j in 0..4 {
                    replicas.merge(i, j);
                }
            }
        }
        for (i, r) in replicas.replicas().enumerate() {
            let held = entries_of(r);
            let reads: Held = expected
                .keys()
                .filter_map(|k| Some((k.clone(), (r.stamp(k)?, r.get(k).map(str::to_owned)?))))
                .collect();
            assert!(
                held == expected && reads == expected,
                "4 replicas of a map receive these writes (key, value, stamp) in different \
                 random orders, some twice, and merge each other's states:\n  {writes:?}\n\
                 After everyone merged everyone, every replica must hold, per key, the write \
                 with the largest stamp (time first, node id on a tie):\n  {expected:?}\n\
                 replica {i} holds (entries)\n  {held:?}\nand answers get/stamp with\n  \
                 {reads:?} (seed {seed})."
            );
        }
    }
}
