//! The resumable search for one key: Wing and Gong's walk over the list of calls and
//! returns, with Lowe's memo. See the parent module for the algorithm in words.
//!
//! The search is a value rather than a function so that the checker can run the searches
//! of several keys in turns, a slice of steps each: one key whose search is hard must not
//! starve a key whose violation would be found at once.
//!
//! Operations of unknown outcome are kept out of the list. They have no return, so they
//! never force anything to happen before them, and trying them first (they are called
//! early and would sit at the front of the list) sends the search down long paths that
//! place them for nothing. They are tried only when no operation with a known outcome can
//! go next: when the walk reaches a return. Together with the memo's rule that placing
//! fewer of them covers placing more (see [`Memo`]), this keeps histories with many
//! timeouts tractable.

use crate::check::search::{Memo, Placed, StateId, States};
use crate::history::{History, Operation};
use crate::model::Model;

use super::relevant;

/// The result of searching one key.
pub(crate) enum Found {
    /// An order exists.
    Yes,
    /// None exists: the longest order found, the state after it, and the operations that
    /// cannot follow it (indices into the part searched).
    No {
        prefix: Vec<usize>,
        state: String,
        blocked: Vec<usize>,
    },
}

const NONE: u32 = u32::MAX;

/// The calls and returns of the operations with known outcomes, sorted by time, linked
/// both ways so that entries can be removed and put back in O(1) while backtracking.
/// Entry `len` is the head and `len + 1` the tail.
struct Entries {
    op: Vec<u32>,
    time: Vec<u64>,
    /// For a call entry, its return entry; `NONE` for return entries.
    ret: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
}

impl Entries {
    /// Sorted by (time, returns before calls, operation): an operation that returned at
    /// `t` precedes one called at `t`, and ties break the same way on every run.
    fn new(ops: &[&Operation]) -> Self {
        let mut events: Vec<(u64, u8, u32)> = Vec::with_capacity(ops.len() * 2);
        for (i, op) in ops.iter().enumerate() {
            if let Some(r) = op.ret() {
                events.push((op.call, 1, i as u32));
                events.push((r, 0, i as u32));
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
            if kind == 0 {
                ret_at[op as usize] = e as u32;
            }
        }
        for (e, &(_, kind, op)) in events.iter().enumerate() {
            if kind == 1 {
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

    fn first(&self) -> u32 {
        self.next[self.head() as usize]
    }

    fn is_call(&self, e: u32) -> bool {
        self.ret[e as usize] != NONE
    }

    fn unlink(&mut self, e: u32) {
        let (p, n) = (self.prev[e as usize], self.next[e as usize]);
        self.next[p as usize] = n;
        self.prev[n as usize] = p;
    }

    fn relink(&mut self, e: u32) {
        let (p, n) = (self.prev[e as usize], self.next[e as usize]);
        self.next[p as usize] = e;
        self.prev[n as usize] = e;
    }
}

/// Where the walk stands.
#[derive(Clone, Copy)]
enum Cursor {
    /// At an entry of the list.
    Main(u32),
    /// Trying optional operations, from index `.0` of the sorted list, that were called
    /// before time `.1` (the first remaining return).
    Optional(usize, u64),
}

/// How an operation was placed, to undo it and resume after it.
#[derive(Clone, Copy)]
enum Placement {
    Known(u32),
    Optional(usize, u64),
}

/// The state of one key's search, paused between slices of steps.
pub(crate) struct Search<'a, M: Model> {
    /// The part's indices of the operations searched (see [`relevant`]).
    local: Vec<usize>,
    ops: Vec<&'a Operation>,
    list: Entries,
    /// Operations of unknown outcome, by call time.
    optional: Vec<u32>,
    returns: usize,
    returns_left: usize,
    states: States<'a, M>,
    placed: Placed,
    memo: Memo,
    state: StateId,
    /// The placements so far, with the state before each.
    stack: Vec<(Placement, StateId)>,
    /// The order that placed the most operations with known outcomes, and its state.
    best: (Vec<u32>, StateId, usize),
    cursor: Cursor,
}

impl<'a, M: Model> Search<'a, M> {
    /// A search over `part` against `model`, not yet started.
    pub(crate) fn new(model: &'a M, part: &'a History) -> Self {
        let local = relevant(part);
        let ops: Vec<&Operation> = local.iter().map(|&i| part.op(i)).collect();
        let list = Entries::new(&ops);
        let returns = ops.iter().filter(|o| o.ret().is_some()).count();
        let mut optional: Vec<u32> = (0..ops.len() as u32)
            .filter(|&i| ops[i as usize].ret().is_none())
            .collect();
        optional.sort_by_key(|&i| (ops[i as usize].call, i));
        let placed = Placed::new(ops.len(), |i| ops[i].ret().is_none());
        Search {
            memo: Memo::new(ops.len()),
            cursor: Cursor::Main(list.first()),
            local,
            list,
            optional,
            returns,
            returns_left: returns,
            states: States::new(model),
            placed,
            state: 0,
            stack: Vec::new(),
            best: (Vec::new(), 0, 0),
            ops,
        }
    }

    /// Runs at most `*steps` steps, counting them down; `None` when it paused undecided.
    pub(crate) fn run(&mut self, steps: &mut u64) -> Option<Found> {
        while self.returns_left > 0 {
            if *steps == 0 {
                return None;
            }
            *steps -= 1;
            match self.cursor {
                Cursor::Main(e) if self.list.is_call(e) => {
                    let op = self.list.op[e as usize];
                    self.cursor = if self.try_place(op, Placement::Known(e)) {
                        Cursor::Main(self.list.first())
                    } else {
                        Cursor::Main(self.list.next[e as usize])
                    };
                }
                Cursor::Main(e) => {
                    // Nothing with a known outcome can go before this return.
                    self.cursor = Cursor::Optional(0, self.list.time[e as usize]);
                }
                Cursor::Optional(i, deadline) => {
                    let Some(&op) = self.optional.get(i) else {
                        if !self.backtrack() {
                            return Some(self.not_found());
                        }
                        continue;
                    };
                    if self.ops[op as usize].call >= deadline {
                        if !self.backtrack() {
                            return Some(self.not_found());
                        }
                        continue;
                    }
                    let placed = !self.placed.contains(op as usize)
                        && self.try_place(op, Placement::Optional(i, deadline));
                    self.cursor = if placed {
                        Cursor::Main(self.list.first())
                    } else {
                        Cursor::Optional(i + 1, deadline)
                    };
                }
            }
        }
        Some(Found::Yes)
    }

    /// Places `op` if the model allows it and the memo has not covered the result.
    fn try_place(&mut self, op: u32, how: Placement) -> bool {
        let Some(next) = self.states.step(self.state, op, self.ops[op as usize]) else {
            return false;
        };
        self.placed.insert(op as usize);
        if !self.memo.insert(&self.placed, next) {
            self.placed.remove(op as usize);
            return false;
        }
        self.stack.push((how, self.state));
        self.state = next;
        if let Placement::Known(e) = how {
            self.list.unlink(e);
            self.list.unlink(self.list.ret[e as usize]);
            self.returns_left -= 1;
        }
        let known = self.returns - self.returns_left;
        if known > self.best.2 {
            let order = self.stack.iter().map(|&(p, _)| self.op_of(p)).collect();
            self.best = (order, self.state, known);
        }
        true
    }

    fn op_of(&self, p: Placement) -> u32 {
        match p {
            Placement::Known(e) => self.list.op[e as usize],
            Placement::Optional(i, _) => self.optional[i],
        }
    }

    /// Undoes the last placement and moves the cursor past it; `false` when there is
    /// nothing to undo, which means no order exists.
    fn backtrack(&mut self) -> bool {
        let Some((how, before)) = self.stack.pop() else {
            return false;
        };
        self.placed.remove(self.op_of(how) as usize);
        self.state = before;
        self.cursor = match how {
            Placement::Known(e) => {
                self.list.relink(self.list.ret[e as usize]);
                self.list.relink(e);
                self.returns_left += 1;
                Cursor::Main(self.list.next[e as usize])
            }
            Placement::Optional(i, deadline) => Cursor::Optional(i + 1, deadline),
        };
        true
    }

    /// Builds the evidence from the longest order found.
    fn not_found(&self) -> Found {
        let (ops, local) = (&self.ops, &self.local);
        let (prefix, state, _) = &self.best;
        let mut in_prefix = vec![false; ops.len()];
        prefix.iter().for_each(|&i| in_prefix[i as usize] = true);
        let rest = (0..ops.len()).filter(|&i| !in_prefix[i]);
        // The first to return among the rest had to come before anything called later.
        let first = rest
            .clone()
            .filter_map(|i| ops[i].ret().map(|r| (r, i)))
            .min()
            .map(|(_, i)| i);
        let mut blocked = Vec::new();
        if let Some(first) = first {
            let deadline = ops[first].ret().unwrap_or(u64::MAX);
            blocked.push(first);
            blocked.extend(rest.filter(|&i| i != first && ops[i].call < deadline));
        }
        Found::No {
            prefix: prefix.iter().map(|&i| local[i as usize]).collect(),
            state: self.states.show(*state),
            blocked: blocked.into_iter().map(|i| local[i]).collect(),
        }
    }
}
