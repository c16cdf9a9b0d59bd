//! The list of calls and returns the search walks: sorted by time, linked both ways so
//! that the entries of a placed operation can be taken out and put back in O(1) while
//! the search backtracks. A vector of entries with index links rather than a
//! `std::collections::LinkedList`, which cannot unlink from the middle in O(1).

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
    /// Per operation with a known return: its call entry. Entries never move, so
    /// comparing entries compares their places in the list.
    pub(crate) call_at: Vec<u32>,
    /// Per operation with a known return: its lane (see [`Entries::lanes`]).
    pub(crate) lane: Vec<u32>,
    /// How many lanes there are.
    pub(crate) lanes: usize,
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
    ///
    /// `times[i]` is operation `i`'s call and, when it has one, its return (or the
    /// deadline that stands for it); operations without one are left out of the list.
    pub(crate) fn new(times: &[(u64, Option<u64>)]) -> Self {
        const RETURN: u8 = 0;
        const INSTANT_CALL: u8 = 1;
        const INSTANT_RETURN: u8 = 2;
        const CALL: u8 = 3;
        let mut events: Vec<(u64, u8, u32)> = Vec::with_capacity(times.len() * 2);
        for (i, &(call, ret)) in times.iter().enumerate() {
            if let Some(r) = ret {
                let instant = r == call;
                events.push((call, if instant { INSTANT_CALL } else { CALL }, i as u32));
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
            call_at: vec![NONE; times.len()],
            lane: vec![NONE; times.len()],
            lanes: 0,
        };
        let mut ret_at = vec![NONE; times.len()];
        for (e, &(_, kind, op)) in events.iter().enumerate() {
            if kind == RETURN || kind == INSTANT_RETURN {
                ret_at[op as usize] = e as u32;
            }
        }
        for (e, &(_, kind, op)) in events.iter().enumerate() {
            if kind == CALL || kind == INSTANT_CALL {
                list.ret[e] = ret_at[op as usize];
                list.call_at[op as usize] = e as u32;
            }
        }
        list.assign_lanes();
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

    /// Gives every operation in the list a lane: operations open at the same point of
    /// the list get different lanes, and there are as few lanes as the most operations
    /// ever open at once (at most one per client, for well-formed histories).
    ///
    /// The memo describes a configuration by its first remaining return and the lanes of
    /// the operations still unplaced before it, a few words however long the history,
    /// instead of a bit per operation: see [`super::wgl`].
    fn assign_lanes(&mut self) {
        let n = self.op.len() - 2;
        let mut free: Vec<u32> = Vec::new();
        for e in 0..n {
            let op = self.op[e] as usize;
            if self.ret[e] != NONE {
                self.lane[op] = free.pop().unwrap_or_else(|| {
                    self.lanes += 1;
                    self.lanes as u32 - 1
                });
            } else {
                free.push(self.lane[op]);
            }
        }
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

    /// The return entry of operation `op` (`NONE` when it has none).
    pub(crate) fn ret_of(&self, op: usize) -> u32 {
        match self.call_at[op] {
            NONE => NONE,
            e => self.ret[e as usize],
        }
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
