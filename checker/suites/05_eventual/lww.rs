//! The last-writer-wins map: ties on time, merge laws, and random deliveries.

use std::collections::BTreeMap;

use eventual::{LwwMap, Stamp};
use testkit::rng::Rng;

/// How many seeds each randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

type Write = (String, String, Stamp);

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
fn winners(writes: &[Write]) -> BTreeMap<String, (Stamp, String)> {
    let mut out: BTreeMap<String, (Stamp, String)> = BTreeMap::new();
    for (key, value, stamp) in writes {
        let entry = out.entry(key.clone()).or_insert((*stamp, value.clone()));
        if *stamp > entry.0 {
            *entry = (*stamp, value.clone());
        }
    }
    out
}

fn map_of(rng: &mut Rng, writes: &[Write]) -> LwwMap {
    let mut map = LwwMap::new();
    for (key, value, stamp) in writes {
        if rng.chance(0.5) {
            map.set(key, value, *stamp);
        }
    }
    map
}

fn merged(a: &LwwMap, b: &LwwMap) -> LwwMap {
    let mut out = a.clone();
    out.merge(b);
    out
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
            let took_first = map.set("k", &format!("from-n{}", first.node), first);
            let took_second = map.set("k", &format!("from-n{}", second.node), second);
            let held = (map.get("k").map(str::to_owned), map.stamp("k"));
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
        let a = map_of(&mut rng, &writes);
        let b = map_of(&mut rng, &writes);
        let c = map_of(&mut rng, &writes);
        let (ab, ba) = (merged(&a, &b).entries(), merged(&b, &a).entries());
        assert!(
            ab == ba,
            "Merge must be commutative: for each key the write with the larger stamp \
             (time, then node id) wins, whichever map merges the other.\na holds {:?}\n\
             b holds {:?}\na.merge(b) holds {ab:?}\nb.merge(a) holds {ba:?} (seed {seed}).",
            a.entries(),
            b.entries()
        );
        let left = merged(&merged(&a, &b), &c).entries();
        let right = merged(&a, &merged(&b, &c)).entries();
        assert!(
            left == right,
            "Merge must be associative: (a⊔b)⊔c = a⊔(b⊔c).\na holds {:?}\nb holds {:?}\n\
             c holds {:?}\n(a⊔b)⊔c holds {left:?}\na⊔(b⊔c) holds {right:?} (seed {seed}).",
            a.entries(),
            b.entries(),
            c.entries()
        );
        let twice = merged(&a, &a).entries();
        assert!(
            twice == a.entries(),
            "Merge must be idempotent: a map merged with itself is unchanged.\na holds {:?}\n\
             a.merge(a) holds {twice:?} (seed {seed}).",
            a.entries()
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
        let mut replicas: Vec<LwwMap> = (0..4).map(|_| LwwMap::new()).collect();
        for (r, replica) in replicas.iter_mut().enumerate() {
            let mut order: Vec<(usize, &Write)> = writes
                .iter()
                .chain(writes.iter().take(3))
                .enumerate()
                .collect();
            rng.shuffle(&mut order);
            // Each write reaches one replica for sure (the one its index names); the
            // others hear it directly by chance, or only through merges.
            for (i, (key, value, stamp)) in order {
                if i % 4 == r || rng.chance(0.7) {
                    replica.set(key, value, *stamp);
                }
            }
        }
        for _ in 0..10 {
            let (i, j) = (rng.index(4), rng.index(4));
            let other = replicas[j].clone();
            replicas[i].merge(&other);
        }
        for _ in 0..2 {
            for i in 0..4 {
                for j in 0..4 {
                    let other = replicas[j].clone();
                    replicas[i].merge(&other);
                }
            }
        }
        for (i, r) in replicas.iter().enumerate() {
            let held = r.entries();
            let reads: BTreeMap<String, (Stamp, String)> = expected
                .keys()
                .filter_map(|k| Some((k.clone(), (r.stamp(k)?, r.get(k)?.to_owned()))))
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
