//! Fast tests for two certain kinds of violation, run before the search.
//!
//! **A value nobody wrote.** An operation that must be placed needs a value (a read
//! returned it, a swap started from it) that is not the initial state and that no
//! operation called before it returned could write: no order explains it. The
//! search would find this only after trying every order of everything before it.
//!
//! **A stale read.**
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

use crate::check::search::{StateId, States};
use crate::history::Output;

use super::reduce::Prepared;
use crate::model::Facts;

/// Whether operation `i` certainly took effect and left the state at [`Facts::writes`]:
/// a completed write or a swapped cas.
fn changes<M: Facts>(model: &M, prep: &Prepared<'_>, i: usize) -> bool {
    let op = prep.ops[i];
    let done = matches!(op.output(), Some(Output::Done | Output::Swapped(true)));
    done && prep.deadline[i].is_some() && model.writes(op).is_some()
}

/// The index of an operation that no order can explain, found as described above (the
/// first to return, if several), or `None`. Only exact models are checked; failed
/// operations are already left out.
pub(crate) fn certain<M: Facts>(prep: &Prepared<'_>, states: &mut States<'_, M>) -> Option<usize> {
    let model = states.model();
    if !model.exact() {
        return None;
    }
    const NONE: StateId = StateId::MAX;
    let needs: Vec<StateId> = prep
        .ops
        .iter()
        .enumerate()
        .map(|(i, op)| match model.needs(op) {
            Some(s) if prep.deadline[i].is_some() => states.intern(s),
            _ => NONE,
        })
        .collect();
    let writes: Vec<StateId> = prep
        .ops
        .iter()
        .map(|op| model.writes(op).map_or(NONE, |s| states.intern(s)))
        .collect();
    // Per state: how many operations could write it, the earliest call among them, and
    // the one writer when there is one.
    let n = states.len();
    let (mut count, mut first_call, mut writer) =
        (vec![0u32; n], vec![u64::MAX; n], vec![0usize; n]);
    for (i, &w) in writes.iter().enumerate() {
        if w != NONE {
            let w = w as usize;
            count[w] += 1;
            first_call[w] = first_call[w].min(prep.ops[i].call);
            writer[w] = i;
        }
    }
    // Certain state changes by call time, with the earliest return from each on.
    let mut changers: Vec<(u64, u64)> = (0..prep.len())
        .filter(|&i| changes(model, prep, i))
        .filter_map(|i| Some((prep.ops[i].call, prep.deadline[i]?)))
        .collect();
    changers.sort_unstable();
    let mut earliest = vec![u64::MAX; changers.len() + 1];
    for k in (0..changers.len()).rev() {
        earliest[k] = earliest[k + 1].min(changers[k].1);
    }
    let mut found: Option<(u64, usize)> = None;
    for (i, &v) in needs.iter().enumerate() {
        let (Some(ret), true) = (prep.deadline[i], v != NONE) else {
            continue;
        };
        let (call, v) = (prep.ops[i].call, v as usize);
        let unwritten = v != 0 && first_call[v] > ret;
        // Certain changes called after this time (`None`: any time) leave the state
        // away from `v` for good.
        let after = match count[v] {
            0 if v == 0 => Some(None),
            1 if v != 0 => prep.deadline[writer[v]].map(Some),
            _ => None,
        };
        let stale = after.is_some_and(|after| {
            let from = after.map_or(0, |t| changers.partition_point(|&(c, _)| c <= t));
            earliest[from] < call
        });
        if (unwritten || stale) && found.is_none_or(|(r, _)| ret < r) {
            found = Some((ret, i));
        }
    }
    found.map(|(_, i)| i)
}
