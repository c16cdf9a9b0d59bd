//! Fast tests for certain violations of sequential consistency, run before the search.
//!
//! In an exact model (see [`Facts::exact`]), with a value `v` that has one possible
//! writer `w` (or is the initial state, which nothing writes):
//!
//! - **A value nobody wrote.** An operation that must be placed needs a value that is
//!   not the initial state and that no operation writes.
//! - **Seen, then overwritten.** A client saw `v` (wrote it, or read it: then `w` came
//!   before), then certainly changed the state itself (a completed write or a swap of
//!   another value), then reads `v` again (or swaps from it). Its own order puts `w`,
//!   then its change, then the read, and nothing writes `v` again: no order explains
//!   the read. This is the read-your-writes mistake of a replica that serves a client
//!   from a copy older than the client's own write.
//! - **Read before written.** A client reads `v` and later writes `v` itself, with no
//!   other writer: the read needs the write before it, its own order puts it after.
//!
//! Each takes one pass over the operations; the search would find them only after
//! trying every order of the operations before the read.

use hashbrown::HashMap;

use crate::check::linearizable::{Facts, Prepared};
use crate::check::search::{StateId, States};
use crate::history::Output;

const NONE: StateId = StateId::MAX;

/// The index of an operation that no order can explain, found as described above (the
/// first called, if several), or `None`.
pub(crate) fn certain<M: Facts>(prep: &Prepared<'_>, states: &mut States<'_, M>) -> Option<usize> {
    let model = states.model();
    if !model.exact() {
        return None;
    }
    let required = |i: usize| prep.deadline[i].is_some();
    let needs: Vec<StateId> = (0..prep.len())
        .map(|i| match model.needs(prep.ops[i]) {
            Some(s) if required(i) => states.intern(s),
            _ => NONE,
        })
        .collect();
    let writes: Vec<StateId> = (0..prep.len())
        .map(|i| model.writes(prep.ops[i]).map_or(NONE, |s| states.intern(s)))
        .collect();
    let mut count = vec![0u32; states.len()];
    for &w in writes.iter().filter(|&&w| w != NONE) {
        count[w as usize] += 1;
    }
    // One possible writer, or the initial state that nothing writes.
    let single = |v: StateId| match v {
        0 => count[0] == 0,
        _ => count[v as usize] == 1,
    };
    let mut found: Option<usize> = None;
    let mut blame = |i: usize| {
        if found.is_none_or(|f| prep.ops[i].call < prep.ops[f].call) {
            found = Some(i);
        }
    };
    for (i, &v) in needs.iter().enumerate() {
        if v != NONE && v != 0 && count[v as usize] == 0 {
            blame(i);
        }
    }
    let mut order: Vec<usize> = (0..prep.len()).filter(|&i| required(i)).collect();
    order.sort_by_key(|&i| (prep.ops[i].client, prep.ops[i].call, i));
    // Per value the client saw: how many certain changes it had made by then, and the
    // read that saw it first (`None`: it wrote the value itself).
    let mut seen: HashMap<StateId, (u32, Option<usize>)> = HashMap::new();
    let mut changes = 0u32;
    let mut client = None;
    for i in order {
        let op = prep.ops[i];
        if client != Some(op.client) {
            client = Some(op.client);
            seen.clear();
            changes = 0;
        }
        let v = needs[i];
        if v != NONE && single(v) {
            let since = if v == 0 {
                Some(0)
            } else {
                seen.get(&v).map(|s| s.0)
            };
            match since {
                Some(k) if changes > k => blame(i),
                Some(_) => {}
                None => {
                    seen.insert(v, (changes, Some(i)));
                }
            }
        }
        let certain = matches!(op.output(), Some(Output::Done | Output::Swapped(true)));
        let w = writes[i];
        if certain && w != NONE {
            changes += 1;
            if w != 0 && single(w) {
                match seen.get(&w) {
                    Some(&(_, Some(read))) => blame(read),
                    Some(_) => {}
                    None => {
                        seen.insert(w, (changes, None));
                    }
                }
            }
        }
    }
    found
}
