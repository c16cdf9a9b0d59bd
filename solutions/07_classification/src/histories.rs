//! Which models a small register history satisfies, by checkers small enough to read.
//!
//! Scope: one register (no keys), reads and writes only, every operation completed,
//! every written value unique, each client's operations one after another, and at most
//! about eight operations (few enough that trying every order of them is fast).

use testkit::history::{Action, History, Output, Value};

/// The verdict for each of the five models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Models {
    /// Some order of all operations keeps real time and is a legal register run.
    pub linearizable: bool,
    /// Some order of all operations keeps each client's order and is a legal run.
    pub sequential: bool,
    /// No read misses a write in its causal past.
    pub causal: bool,
    /// No read misses an earlier write of its own client.
    pub read_your_writes: bool,
    /// Every read returns nil or a value some write wrote: nothing from thin air.
    pub eventual: bool,
}

/// One operation, reduced to what the checks need.
#[derive(Clone, Debug)]
struct Op {
    client: u32,
    call: u64,
    ret: u64,
    /// `Some(v)`: a write of `v`. `None`: a read.
    wrote: Option<Value>,
    /// What a read returned.
    read: Option<Value>,
}

impl Op {
    fn is_write(&self) -> bool {
        self.wrote.is_some()
    }
}

/// Which of the five models `history` satisfies (see the module for its scope).
pub fn satisfies(history: &History) -> Models {
    let ops = reduce(history);
    let n = ops.len();
    let realtime = |a: usize, b: usize| ops[a].ret < ops[b].call;
    let session = |a: usize, b: usize| ops[a].client == ops[b].client && ops[a].call < ops[b].call;
    let hb = happens_before(&ops);
    let thin_air = ops
        .iter()
        .any(|r| !r.is_write() && r.read.is_some() && writer(&ops, &r.read).is_none());
    let cycle = (0..n).any(|i| hb[i][i]);
    let sound = !thin_air && !cycle;
    Models {
        linearizable: legal_order_exists(&ops, &realtime),
        sequential: legal_order_exists(&ops, &session),
        causal: sound && no_stale_read(&ops, &hb, |w, r| hb[w][r]),
        read_your_writes: sound && no_stale_read(&ops, &hb, session),
        eventual: !thin_air,
    }
}

/// The operations of `history` in the shape the checks use.
fn reduce(history: &History) -> Vec<Op> {
    history
        .ops()
        .iter()
        .map(|op| Op {
            client: op.client,
            call: op.call,
            ret: op.ret().unwrap_or(u64::MAX),
            wrote: match &op.action {
                Action::Write(v) => Some(v.clone()),
                _ => None,
            },
            read: match op.output() {
                Some(Output::Value(v)) => v.clone(),
                _ => None,
            },
        })
        .collect()
}

/// The index of the write of `value`, if any (values are unique).
fn writer(ops: &[Op], value: &Option<Value>) -> Option<usize> {
    value
        .as_ref()
        .and_then(|v| ops.iter().position(|o| o.wrote.as_ref() == Some(v)))
}

/// `hb[a][b]`: `a` happens before `b`, the transitive closure of session order and
/// reads-from. `hb[a][a]` marks a cycle.
fn happens_before(ops: &[Op]) -> Vec<Vec<bool>> {
    let n = ops.len();
    let mut hb = vec![vec![false; n]; n];
    for (b, op) in ops.iter().enumerate() {
        for (a, earlier) in ops.iter().enumerate() {
            if earlier.client == op.client && earlier.call < op.call {
                hb[a][b] = true;
            }
        }
        if !op.is_write()
            && let Some(w) = writer(ops, &op.read)
        {
            hb[w][b] = true;
        }
    }
    // Floyd-Warshall closure: n is tiny, and the cubic loop is the clearest form.
    for k in 0..n {
        let through = hb[k].clone();
        for row in hb.iter_mut() {
            if row[k] {
                for (cell, &via) in row.iter_mut().zip(&through) {
                    *cell |= via;
                }
            }
        }
    }
    hb
}

/// No read is stale against a write it must see (`must_see(write, read)`): stale means
/// it returned nil, or a write that happens before that one.
fn no_stale_read(ops: &[Op], hb: &[Vec<bool>], must_see: impl Fn(usize, usize) -> bool) -> bool {
    ops.iter().enumerate().all(|(r, read)| {
        if read.is_write() {
            return true;
        }
        let seen = writer(ops, &read.read);
        (0..ops.len())
            .filter(|&w| ops[w].is_write() && must_see(w, r))
            .all(|w| match seen {
                None => false,
                Some(s) => s == w || !hb[s][w],
            })
    })
}

/// Whether some order of all operations that puts `a` before `b` whenever
/// `before(a, b)` is a legal run of a register starting empty.
fn legal_order_exists(ops: &[Op], before: &impl Fn(usize, usize) -> bool) -> bool {
    fn extend(
        ops: &[Op],
        before: &impl Fn(usize, usize) -> bool,
        placed: &mut Vec<bool>,
        left: usize,
        state: &Option<Value>,
    ) -> bool {
        if left == 0 {
            return true;
        }
        for next in 0..ops.len() {
            // `next` may go now only if everything that must precede it is placed.
            if placed[next] || (0..ops.len()).any(|p| !placed[p] && p != next && before(p, next)) {
                continue;
            }
            let op = &ops[next];
            let after = match &op.wrote {
                Some(v) => Some(v.clone()),
                None if op.read == *state => state.clone(),
                None => continue,
            };
            placed[next] = true;
            let found = extend(ops, before, placed, left - 1, &after);
            placed[next] = false;
            if found {
                return true;
            }
        }
        false
    }
    let mut placed = vec![false; ops.len()];
    extend(ops, before, &mut placed, ops.len(), &None)
}
