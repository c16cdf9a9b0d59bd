//! The last-writer-wins map on random writes whose times often tie: the merge laws, and
//! copies that receive the writes in different orders, some twice.

use std::fmt;

use eventual::LwwMap;
use eventual_given::{Map, Stamp};
use testkit::rng::Rng;
use testkit::shrink::Shrink;

use crate::copies::{Replicas, built};
use crate::lww::{Held, Write};
use crate::runs::over_seeds;

/// How many seeds each randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// The node ids of random stamps: one and two digits.
const NODES: [usize; 4] = [0, 3, 10, 21];

/// The size of a random run: how many writes, of how many keys, to how many copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteRun {
    writes: usize,
    keys: u64,
    copies: usize,
}

impl Shrink for WriteRun {
    fn smaller(&self) -> Vec<Self> {
        let mut out = Vec::new();
        if self.writes > 1 {
            out.push(WriteRun {
                writes: self.writes / 2,
                ..*self
            });
            out.push(WriteRun {
                writes: self.writes - 1,
                ..*self
            });
        }
        if self.keys > 1 {
            out.push(WriteRun {
                keys: self.keys - 1,
                ..*self
            });
        }
        if self.copies > 2 {
            out.push(WriteRun {
                copies: self.copies - 1,
                ..*self
            });
        }
        out.dedup();
        out
    }
}

impl fmt::Display for WriteRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "up to {} write(s) of {} key(s), {} copies",
            self.writes, self.keys, self.copies
        )
    }
}

/// Four to twelve writes (at most `size.writes`) with distinct stamps whose times often
/// tie.
fn random_writes(rng: &mut Rng, size: &WriteRun) -> Vec<Write> {
    let mut stamps: Vec<Stamp> = (0..3)
        .flat_map(|time| NODES.map(|node| Stamp { time, node }))
        .collect();
    rng.shuffle(&mut stamps);
    let n = size.writes.min(4 + rng.index(9));
    stamps
        .into_iter()
        .take(n)
        .enumerate()
        .map(|(i, stamp)| (format!("k{}", rng.below(size.keys)), format!("v{i}"), stamp))
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

/// Why `got`, what the merge `side` holds, differs from `want`, key by key.
fn explain(side: &str, want: &Held, got: &Held) -> String {
    let mut lines = Vec::new();
    for (key, (stamp, _)) in want {
        match got.get(key) {
            None => lines.push(format!(
                "{side} lost {key}: a merge keeps every key either copy holds."
            )),
            Some((s, _)) if s == stamp => {}
            Some((s, _)) if s.time == stamp.time => lines.push(format!(
                "{side} kept {key} at {s:?} over {stamp:?}: on equal times the larger node id \
                 wins, whichever copy holds it."
            )),
            Some((s, _)) => lines.push(format!(
                "{side} kept {key} at {s:?} over {stamp:?}: the larger stamp wins, time first."
            )),
        }
    }
    for key in got.keys().filter(|k| !want.contains_key(*k)) {
        lines.push(format!("{side} holds {key}, which no write offered."));
    }
    lines.join("\n")
}

/// A fresh map offered `writes`, with `others` merged into it in order.
fn merged(writes: &[Write], others: &[&LwwMap]) -> LwwMap {
    let mut out = built::<LwwMap>(writes);
    for other in others {
        Map::merge(&mut out, other);
    }
    out
}

/// Random maps a, b, c: a⊔b = b⊔a, (a⊔b)⊔c = a⊔(b⊔c), a⊔a = a.
pub fn merge_is_commutative_associative_and_idempotent() {
    let full = WriteRun {
        writes: 12,
        keys: 3,
        copies: 3,
    };
    over_seeds(
        SEEDS,
        |_| full,
        |seed, size| {
            let mut rng = Rng::new(seed ^ 0x78);
            let writes = random_writes(&mut rng, size);
            let some = |rng: &mut Rng| -> Vec<Write> {
                writes.iter().filter(|_| rng.chance(0.5)).cloned().collect()
            };
            let (ops_a, ops_b, ops_c) = (some(&mut rng), some(&mut rng), some(&mut rng));
            let (a, b, c) = (
                built::<LwwMap>(&ops_a),
                built::<LwwMap>(&ops_b),
                built::<LwwMap>(&ops_c),
            );
            let maps = format!(
                "a was offered {ops_a:?}\nb was offered {ops_b:?}\nc was offered {ops_c:?}\n\
             (key, value, stamp)"
            );
            let (ab, ba) = (
                Map::entries(&merged(&ops_a, &[&b])),
                Map::entries(&merged(&ops_b, &[&a])),
            );
            if ab != ba {
                let want = winners(&[ops_a.clone(), ops_b.clone()].concat());
                return Err(format!(
                    "Merge must be commutative: for each key the write with the larger stamp \
                 (time, then node id) wins, whichever map merges the other.\n{maps}\n\
                 a.merge(b) holds {ab:?}\nb.merge(a) holds {ba:?}\n{}\n{}",
                    explain("a.merge(b)", &want, &ab),
                    explain("b.merge(a)", &want, &ba)
                ));
            }
            let left = Map::entries(&merged(&ops_a, &[&b, &c]));
            let right = Map::entries(&merged(&ops_a, &[&merged(&ops_b, &[&c])]));
            if left != right {
                let want = winners(&[ops_a.clone(), ops_b.clone(), ops_c.clone()].concat());
                return Err(format!(
                    "Merge must be associative: (a⊔b)⊔c = a⊔(b⊔c).\n{maps}\n(a⊔b)⊔c holds \
                 {left:?}\na⊔(b⊔c) holds {right:?}\n{}\n{}",
                    explain("(a⊔b)⊔c", &want, &left),
                    explain("a⊔(b⊔c)", &want, &right)
                ));
            }
            let once = Map::entries(&a);
            let twice = Map::entries(&merged(&ops_a, &[&a]));
            if twice != once {
                return Err(format!(
                    "Merge must be idempotent: a map merged with a copy of itself is unchanged.\n\
                 {maps}\na holds {once:?}\na.merge(a) holds {twice:?}\n{}",
                    explain("a.merge(a)", &winners(&ops_a), &twice)
                ));
            }
            Ok(())
        },
    );
}

/// Copies receive the same writes in different random orders, some twice, and merge
/// each other's states at random; after everyone merged everyone twice, each holds, for
/// every key, the write with the largest stamp.
pub fn random_deliveries_keep_the_largest_stamp() {
    let full = WriteRun {
        writes: 12,
        keys: 3,
        copies: 4,
    };
    over_seeds(
        SEEDS,
        |_| full,
        |seed, size| {
            let mut rng = Rng::new(seed ^ 0x79);
            let writes = random_writes(&mut rng, size);
            let expected = winners(&writes);
            let mut replicas: Replicas<LwwMap> = Replicas::new(size.copies);
            for r in 0..size.copies {
                let mut order: Vec<(usize, &Write)> = writes
                    .iter()
                    .chain(writes.iter().take(3))
                    .enumerate()
                    .collect();
                rng.shuffle(&mut order);
                // Each write reaches one copy for sure (the one its index names); the others
                // hear it directly by chance, or only through merges.
                for (i, write) in order {
                    if i % size.copies == r || rng.chance(0.7) {
                        replicas.apply(r, write.clone());
                    }
                }
            }
            for _ in 0..10 {
                let (i, j) = (rng.index(size.copies), rng.index(size.copies));
                replicas.merge(i, j);
            }
            for _ in 0..2 {
                for i in 0..size.copies {
                    for j in 0..size.copies {
                        replicas.merge(i, j);
                    }
                }
            }
            for (i, r) in replicas.replicas().enumerate() {
                let held = Map::entries(r);
                let reads: Held = expected
                    .keys()
                    .filter_map(|k| {
                        let stamp = Map::stamp(r, k)?;
                        Some((k.clone(), (stamp, Map::get(r, k)?.to_owned())))
                    })
                    .collect();
                if held != expected || reads != expected {
                    return Err(format!(
                        "{} copies of a map are offered these writes (key, value, stamp) in \
                     different random orders, some twice, and merge each other's states:\n  \
                     {writes:?}\nAfter everyone merged everyone, every copy must hold, per key, \
                     the write with the largest stamp (time first, node id on a tie):\n  \
                     {expected:?}\ncopy {i} holds (entries)\n  {held:?}\nand answers get and \
                     stamp with\n  {reads:?}\n{}",
                        size.copies,
                        explain(&format!("copy {i}"), &expected, &held)
                    ));
                }
            }
            Ok(())
        },
    );
}
