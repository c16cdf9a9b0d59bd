//! The list of calls and returns the search walks: sorted by time, linked both ways so
//! that the entries of a placed operation can be taken out and put back in O(1) while
//! the search backtracks. A vector of entries with index links rather than a
//! `std::collections::LinkedList`, which cannot unlink from the middle in O(1).

use crate::history::Operation;

/// The link that points nowhere, and the `ret` of a return entry.
pub(crate) const NONE: u32 = u32::MAX;

/// The calls and returns of the operations with known outcomes, sorted by time, linked
/// both ways so that entries can be removed and put back in O(1) while backtracking.
/// Entry `len` is the head and `len + 1` the tail.
pub(crate) struct Entries {
    /// Per entry: the operation it belongs to.
    pub(crate) op: Vec<u32>,
    /// Per entry: its time.
    pub(crate) time: Vec<u64>,
    /// For a call entry, its return entry; `NONE` for return entries.
    pub(crate) ret: Vec<u32>,
    /// Per entry: the next entry in the list.
    pub(crate) next: Vec<u32>,
    prev: Vec<u32>,
}

impl Entries {
    /// Sorted by time, then by the kinds below, then by operation, so that ties break
    /// the same way on every run.
    ///
    /// At equal times an operation that returned at `t` precedes one called at `t`. An
    /// operation of length zero, called and returned at `t` (paused clocks record such
    /// instants), sits between the two: after the returns at `t`, before the calls at
    /// `t`, with its own call before its own return, and with all such calls before all
    /// such returns, so that instants at the same `t` are concurrent with each other.
    /// Sorting plain returns before plain calls without this rule put an instant's return
    /// before its own call, and no order could place it.
    pub(crate) fn new(ops: &[&Operation]) -> Self {
        const RETURN: u8 = 0;
        const INSTANT_CALL: u8 = 1;
        const INSTANT_RETURN: u8 = 2;
        const CALL: u8 = 3;
        let mut events: Vec<(u64, u8, u32)> = Vec::with_capacity(ops.len() * 2);
        for (i, op) in ops.iter().enumerate() {
            if let Some(r) = op.ret() {
                let instant = r == op.call;
                events.push((op.call, if instant { INSTANT_CALL } else { CALL }, i as u32));
                events.push((r, if instant { INSTANT_RETURN } else { RETURN }, i as u32));
            }
        }
        events.sort_unstable();
        let n = events.len();
        let mut list = Entries {
            op: events.iter().map(|e| e.2).chain([0, 0]).collect(),
            time: events.iter().map(|e| e.0).chain([0, u64::MAX]).collect(),
            ret: vec![NONE; n + 2],
            next: (1..=n as u32 + 2).collect(),
            prev: (0..n as u32 + 2).map(|e| e.wrapping_sub(1)).collect(),
        };
        let mut ret_at = vec![NONE; ops.len()];
        for (e, &(_, kind, op)) in events.iter().enumerate() {
            if kind == RETURN || kind == INSTANT_RETURN {
                ret_at[op as usize] = e as u32;
            }
        }
        for (e, &(_, kind, op)) in events.iter().enumerate() {
            if kind == CALL || kind == INSTANT_CALL {
                list.ret[e] = ret_at[op as usize];
            }
        }
        // Link head -> 0 -> ... -> n-1 -> tail.
        let (head, tail) = (n as u32, n as u32 + 1);
        list.next[head as usize] = if n == 0 { tail } else { 0 };
        list.next[tail as usize] = NONE;
        if n > 0 {
            list.prev[0] = head;
            list.next[n - 1] = tail;
        }
        list.prev[tail as usize] = if n == 0 { head } else { n as u32 - 1 };
        list.prev[head as usize] = NONE;
        list
    }

    fn head(&self) -> u32 {
        (self.op.len() - 2) as u32
    }

    /// The first entry after the head (the tail when the list is empty).
    pub(crate) fn first(&self) -> u32 {
        self.next[self.head() as usize]
    }

    /// Whether `e` is a call entry.
    pub(crate) fn is_call(&self, e: u32) -> bool {
        self.ret[e as usize] != NONE
    }

    /// Takes `e` out of the list; it remembers its neighbours.
    pub(crate) fn unlink(&mut self, e: u32) {
        let (p, n) = (self.prev[e as usize], self.next[e as usize]);
        self.next[p as usize] = n;
        self.prev[n as usize] = p;
    }

    /// Puts `e` back between the neighbours it remembers (undo in reverse order).
    pub(crate) fn relink(&mut self, e: u32) {
        let (p, n) = (self.prev[e as usize], self.next[e as usize]);
        self.next[p as usize] = e;
        self.prev[n as usize] = e;
    }
}
