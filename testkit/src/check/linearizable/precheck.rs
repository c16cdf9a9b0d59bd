//! A fast test for one certain kind of violation, run before the search.
//!
//! In an exact model (see [`Facts::exact`]), suppose value `v` has one possible writer
//! `w`, and an operation `r` needs `v` (a read that returned it, a cas that swapped from
//! it). If some operation `x` that certainly changed the state (a completed write, a
//! swapped cas) was called after `w` returned and returned before `r` was called, then
//! every order has `w`, then `x`, then `r`; after `x` the state is not `v`, and nothing
//! writes `v` again. No order explains `r`. The initial state is the same case with no
//! writer at all: nothing writes it back once anything changed it.
//!
//! Finding this takes a sort and a binary search per operation. The search would find it
//! too, but only by trying every order of everything before `r`, which for a stale read
//! at the end of a long history is hopeless. Strict inequalities on times keep the test
//! sound however ties are ordered.

use std::collections::HashMap;

use crate::history::{Operation, Output};

use super::facts::Facts;

/// Whether `op` certainly took effect and left the state at [`Facts::writes`]: a
/// completed write or a swapped cas.
fn changes<M: Facts>(model: &M, op: &Operation) -> bool {
    let done = matches!(op.output(), Some(Output::Done | Output::Swapped(true)));
    done && model.writes(op).is_some()
}

/// The index of an operation that no order can explain, found as described above (the
/// first to return, if several), or `None`. Only exact models are checked; `ops` holds
/// no failed operations.
pub(crate) fn stale<M: Facts>(model: &M, ops: &[Operation]) -> Option<usize> {
    if !model.exact() {
        return None;
    }
    // Every possible writer of each value, unknown outcomes included.
    let mut writers: HashMap<M::State, Vec<usize>> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        if let Some(w) = model.writes(op) {
            writers.entry(w).or_default().push(i);
        }
    }
    // Certain state changes by call time, with the earliest return from each on.
    let mut changers: Vec<(u64, u64, usize)> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| changes(model, op))
        .filter_map(|(i, op)| Some((op.call, op.ret()?, i)))
        .collect();
    changers.sort_unstable();
    let mut earliest = vec![u64::MAX; changers.len() + 1];
    for k in (0..changers.len()).rev() {
        earliest[k] = earliest[k + 1].min(changers[k].1);
    }
    let init = model.init();
    let mut found: Option<(u64, usize)> = None;
    for (i, op) in ops.iter().enumerate() {
        let (Some(v), Some(ret)) = (model.needs(op), op.ret()) else {
            continue;
        };
        // Changes must be called after this time (`None`: any time).
        let after = match writers.get(&v).map(Vec::as_slice) {
            None if v == init => None,
            Some(&[w]) if v != init => match ops[w].ret() {
                Some(t) => Some(t),
                None => continue,
            },
            _ => continue,
        };
        let from = after.map_or(0, |t| changers.partition_point(|&(call, _, _)| call <= t));
        if earliest[from] < op.call && found.is_none_or(|(r, _)| ret < r) {
            found = Some((ret, i));
        }
    }
    found.map(|(_, i)| i)
}
