//! Which models a small register history satisfies, by checkers small enough to read.
//!
//! Scope: one register (no keys), reads and writes only, every operation completed and
//! taking time (it returns after its call), every written value unique, each client's
//! operations one after another, and at most eight operations (few enough that trying
//! every order of them is fast). The operations come in no particular order, client ids
//! are any `u32` and values any `i64`, zero included: the README's clauses
//! `histories.1` to `histories.3` say what that asks of a checker.
//!
//! The [`History`] (with its [`Operation`]s) and the verdict, [`Models`], are the
//! course's: they live in the given crate (`given/07_classification/src/history.rs` and
//! `models.rs`), and a history reaching `satisfies` is always within the scope above.

use classification_given::{Action, History, Models, Operation};

/// Which of the five models `history` satisfies (see the module for its scope).
pub fn satisfies(history: &History) -> Models {
    let ops = history.ops();
    let n = ops.len();
    // Real time: `a` returned before `b` was called. A return and a call at the same
    // tick count as one after the other (the return first), as in the given history's
    // own rule for one client; reading the tie as overlap, `<` here, would let a read
    // that starts as a write ends still miss it. Operations take time, so no operation
    // comes before itself.
    let realtime = |a: usize, b: usize| ops[a].ret <= ops[b].call;
    // Each client's order is the order of its calls, never the order of the list: the
    // history's operations come in no particular order.
    let session = |a: usize, b: usize| ops[a].client == ops[b].client && ops[a].call < ops[b].call;
    let hb = happens_before(ops);
    let thin_air = ops
        .iter()
        .any(|r| matches!(r.action, Action::Read(Some(v)) if writer(ops, v).is_none()));
    let cycle = (0..n).any(|i| hb[i][i]);
    let sound = !thin_air && !cycle;
    Models {
        linearizable: legal_order_exists(ops, &realtime),
        sequential: legal_order_exists(ops, &session),
        causal: sound && no_stale_read(ops, &hb, |w, r| hb[w][r]),
        read_your_writes: sound && no_stale_read(ops, &hb, session),
        eventual: !thin_air,
    }
}

/// The index of the write of `value`, if any (values are unique).
fn writer(ops: &[Operation], value: i64) -> Option<usize> {
    ops.iter().position(|o| o.action == Action::Write(value))
}

/// The write whose value a read returned: `Some(None)` for nil or a value nobody wrote,
/// `None` for an operation that is not a read.
fn read_from(ops: &[Operation], op: &Operation) -> Option<Option<usize>> {
    match op.action {
        Action::Read(value) => Some(value.and_then(|v| writer(ops, v))),
        Action::Write(_) => None,
    }
}

/// `hb[a][b]`: `a` happens before `b`, the transitive closure of session order and
/// reads-from. `hb[a][a]` marks a cycle.
fn happens_before(ops: &[Operation]) -> Vec<Vec<bool>> {
    let n = ops.len();
    let mut hb = vec![vec![false; n]; n];
    for (b, op) in ops.iter().enumerate() {
        for (a, earlier) in ops.iter().enumerate() {
            if earlier.client == op.client && earlier.call < op.call {
                hb[a][b] = true;
            }
        }
        if let Some(Some(w)) = read_from(ops, op) {
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
fn no_stale_read(
    ops: &[Operation],
    hb: &[Vec<bool>],
    must_see: impl Fn(usize, usize) -> bool,
) -> bool {
    ops.iter().enumerate().all(|(r, read)| {
        let Some(seen) = read_from(ops, read) else {
            return true;
        };
        (0..ops.len())
            .filter(|&w| matches!(ops[w].action, Action::Write(_)) && must_see(w, r))
            .all(|w| match seen {
                None => false,
                Some(s) => s == w || !hb[s][w],
            })
    })
}

/// Whether some order of all operations that puts `a` before `b` whenever
/// `before(a, b)` is a legal run of a register starting empty.
fn legal_order_exists(ops: &[Operation], before: &impl Fn(usize, usize) -> bool) -> bool {
    fn extend(
        ops: &[Operation],
        before: &impl Fn(usize, usize) -> bool,
        placed: &mut Vec<bool>,
        left: usize,
        state: Option<i64>,
    ) -> bool {
        if left == 0 {
            return true;
        }
        for next in 0..ops.len() {
            // `next` may go now only if everything that must precede it is placed.
            if placed[next] || (0..ops.len()).any(|p| !placed[p] && p != next && before(p, next)) {
                continue;
            }
            let after = match ops[next].action {
                Action::Write(v) => Some(v),
                Action::Read(got) if got == state => state,
                Action::Read(_) => continue,
            };
            placed[next] = true;
            let found = extend(ops, before, placed, left - 1, after);
            placed[next] = false;
            if found {
                return true;
            }
        }
        false
    }
    let mut placed = vec![false; ops.len()];
    extend(ops, before, &mut placed, ops.len(), None)
}
