//! Classifying generated histories, compared with the test kit's checkers: a thousand
//! histories drawn across the whole scope, a failing one shrunk to the fewest operations
//! that still show the disagreement.
//!
//! The generator aims at the edges rather than the middle: one to four clients with
//! ids drawn from small, two-digit and large ones; values that include zero, negatives
//! and the ends of `i64`; a coarse clock, so that returns and calls often share a tick;
//! sometimes the far end of the clock; reads of nil, of earlier writes, of later writes
//! (the client's own included, which makes cycles) and of values nobody wrote; and the
//! operations listed in a shuffled order. The rules these reach are also each covered
//! by a hand-made history in `cases`; this test finds what no one thought to write.

use testkit::history::{History, Operation, Value};
use testkit::rng::Rng;
use testkit::shrink::{Budget, Shrink, shrink};

use crate::histories::{answer, disagreements, failure, reference};

/// Seeds per run, and histories per seed.
const SEEDS: u64 = 100;
const ROUNDS: usize = 10;

/// Client ids to draw from: small, two-digit, far apart.
const CLIENTS: [u32; 10] = [0, 1, 2, 3, 7, 10, 11, 42, 99, 1000];

/// Values to draw from: written ones come from the front of a shuffled copy, thin-air
/// ones from what is left.
const VALUES: [i64; 14] = [0, 1, 2, 3, 4, 5, 6, 7, -1, -2, 42, 1000, i64::MIN, i64::MAX];

/// A random history within the task's scope (see the module).
fn generate(rng: &mut Rng) -> History {
    let mut clients = CLIENTS;
    rng.shuffle(&mut clients);
    let clients = &clients[..rng.between(1, 4) as usize];
    let mut values = VALUES;
    rng.shuffle(&mut values);
    let total = rng.between(1, 8) as usize;
    // A coarse clock per client: the next operation may start at the very tick the last
    // one returned, and different clients' ticks collide often.
    let mut clock = vec![0u64; clients.len()];
    let mut laid = Vec::new();
    let mut written = 0;
    for _ in 0..total {
        let c = rng.index(clients.len());
        let call = clock[c] + rng.between(0, 2);
        let ret = call + rng.between(1, 3);
        clock[c] = ret;
        let write = rng.chance(0.45).then(|| {
            written += 1;
            values[written - 1]
        });
        laid.push((clients[c], write, call, ret));
    }
    // Sometimes at the far end of the clock: only the order of times matters.
    let end = laid.iter().map(|&(_, _, _, ret)| ret).max().unwrap_or(0);
    let shift = if rng.chance(0.15) { u64::MAX - end } else { 0 };
    let writes: Vec<(i64, u64)> = laid
        .iter()
        .filter_map(|&(_, write, call, _)| Some((write?, call)))
        .collect();
    let unwritten = &values[written..];
    let mut ops: Vec<Operation> = laid
        .iter()
        .map(|&(client, write, call, ret)| {
            let (call, ret) = (call + shift, ret + shift);
            if let Some(v) = write {
                return Operation::write(client, v, call, ret);
            }
            // Writes called before this read returned: what a store could have shown.
            let possible: Vec<i64> = writes
                .iter()
                .filter(|&&(_, wcall)| wcall + shift < ret)
                .map(|&(v, _)| v)
                .collect();
            let roll = rng.below(100);
            let value = if roll < 5 {
                Some(unwritten[rng.index(unwritten.len())])
            } else if roll < 15 && !writes.is_empty() {
                Some(writes[rng.index(writes.len())].0)
            } else if roll < 28 || possible.is_empty() {
                None
            } else {
                Some(possible[rng.index(possible.len())])
            };
            Operation::read(client, value.map(Value::Int), call, ret)
        })
        .collect();
    rng.shuffle(&mut ops);
    History::from_ops(ops).unwrap_or_else(|e| panic!("the suite generated a bad history: {e}"))
}

/// A history's operations, made smaller by leaving one out: every history that leaves
/// operations out is still within the task's scope, and its reference verdicts are
/// computed afresh.
#[derive(Clone)]
struct Ops(Vec<Operation>);

impl Shrink for Ops {
    fn smaller(&self) -> Vec<Ops> {
        (0..self.0.len())
            .map(|skip| {
                let mut ops = self.0.clone();
                ops.remove(skip);
                Ops(ops)
            })
            .collect()
    }
}

/// Whether `satisfies` disagrees with the reference on `ops` (or panics on them).
fn disagrees(ops: &Ops) -> Option<()> {
    let history = History::from_ops(ops.0.clone()).ok()?;
    let want = reference(&history);
    match answer(&history) {
        Ok(got) if disagreements(&got, &want).is_empty() => None,
        _ => Some(()),
    }
}

pub fn generated_histories_agree_with_the_checkers() {
    let base = suite_harness::seed();
    for seed in base..base.saturating_add(SEEDS) {
        let mut rng = Rng::new(seed);
        for round in 0..ROUNDS {
            let history = generate(&mut rng);
            let want = reference(&history);
            let agrees = answer(&history).is_ok_and(|got| disagreements(&got, &want).is_empty());
            if agrees {
                continue;
            }
            let start = Ops(history.ops().to_vec());
            let smallest = shrink(start, (), Budget::default(), disagrees);
            let small = History::from_ops(smallest.params.0)
                .unwrap_or_else(|e| panic!("a shrunk history left the scope: {e}"));
            let title = format!(
                "a generated history (seed {seed}, history {round} of that seed), shrunk from {} \
                 to {} operation(s) by leaving out operations the disagreement does not need \
                 ({} tries):",
                history.len(),
                small.len(),
                smallest.tries
            );
            let message = failure(&title, &small, &answer(&small), &reference(&small));
            suite_harness::replay_from(seed);
            suite_harness::fail(format!(
                "{message}\n\nthe history as generated:\n{}",
                crate::histories::picture(&history)
            ));
        }
    }
}
