//! The resumable search for an order that keeps each client's own order: depth first
//! over "which operation goes next", where the candidates are each client's next
//! operation with a known outcome and the optional operations (unknown outcome) whose
//! client's earlier operations are placed.
//!
//! Candidates are tried in order of their calls, known outcomes first: following real
//! time finds an order quickly when the history is nearly linearizable, the common case,
//! where trying clients in a fixed order wanders into long dead ends; trying unknown
//! outcomes last places them only when a later result needs them.
//!
//! The refinements, each sound for the reason given in `docs/src/checkers.md`:
//!
//! - **Observers first, without choice**: a client whose next operation is a completed
//!   read or a failed cas, legal now, has it placed at once. Moving it to the front of
//!   any completion keeps its client's order and changes no state.
//! - **Stranding**: a placement that leaves a state some unplaced operation needs,
//!   when nothing unplaced can bring it back, is refused; so is one after which a
//!   client's next operation needs a state it can no longer reach.
//! - **A memo of failed configurations in a few words**: a configuration is the state
//!   (unobserved states merged, see the linearizability search) and how far each client
//!   got, plus the optional operations placed.

use crate::check::linearizable::{Facts, Found, Hard, Prepared, is_observer};
use crate::check::search::{Bits, Longest, Memo, StateId, States};
use crate::history::{OpId, Operation};

use std::collections::BTreeSet;
use std::ops::Bound;

use crate::check::linearizable::watch::Watch;

/// A candidate's place in the order of trying: known outcomes first, then by call.
type Rank = (bool, u64, u32);

/// Where the search stands.
#[derive(Clone, Copy)]
enum Cursor {
    /// Looking for a client whose next operation is an observer legal now.
    Observers,
    /// Trying candidates ranked after this one (`None`: from the first).
    Choose(Option<Rank>),
}

/// One placement, to undo it and resume after it.
#[derive(Clone, Copy)]
struct Frame {
    op: u32,
    before: StateId,
    /// Placed without choice: undoing it undoes its configuration too.
    forced: bool,
}

/// The state of one key's search, paused between slices of steps.
pub(crate) struct Search<'a, M: Facts> {
    ids: Vec<OpId>,
    ops: Vec<&'a Operation>,
    required: Vec<bool>,
    observer: Vec<bool>,
    /// Per operation: its client (an index into `seq`).
    client: Vec<u32>,
    /// Per client: its required operations in its own order.
    seq: Vec<Vec<u32>>,
    /// Per operation: how many of its client's required operations precede it.
    after: Vec<u32>,
    /// Per client: how many of its required operations are placed.
    pos: Vec<u32>,
    /// The ranks of the clients' next required operations, and the clients whose next
    /// one is an observer. A client of unknown outcome is replaced by a new one, so a
    /// long history has thousands of clients: looking at each of them at every step
    /// made a step cost their number.
    next_ranks: BTreeSet<Rank>,
    observing: BTreeSet<u32>,
    /// The optional operations by call, and each one's bit in `optional_placed`.
    optional: Vec<u32>,
    bit: Vec<u32>,
    optional_placed: Bits,
    required_left: usize,
    states: States<'a, M>,
    watch: Watch,
    placed: Bits,
    memo: Memo,
    key: Vec<u64>,
    state: StateId,
    stack: Vec<Frame>,
    cursor: Cursor,
    /// The longest order found so far.
    longest: Longest,
    /// The lowest depth of the stack since the longest order last grew: the search has
    /// been trying other orders of what it placed from there on (see [`Search::hard`]).
    low: usize,
    target: Option<u32>,
    reached: bool,
}

impl<'a, M: Facts> Search<'a, M> {
    /// A search over `prep`, whose states `states` interned.
    pub(crate) fn new(prep: Prepared<'a>, mut states: States<'a, M>) -> Self {
        let n = prep.len();
        let required: Vec<bool> = prep.deadline.iter().map(Option::is_some).collect();
        let mut clients: Vec<u32> = prep.ops.iter().map(|o| o.client).collect();
        clients.sort_unstable();
        clients.dedup();
        let mut by_call: Vec<u32> = (0..n as u32).collect();
        by_call.sort_by_key(|&i| (prep.ops[i as usize].call, i));
        let mut seq = vec![Vec::new(); clients.len()];
        let (mut client, mut after) = (vec![0u32; n], vec![0u32; n]);
        let mut optional = Vec::new();
        for &i in &by_call {
            let c = clients
                .binary_search(&prep.ops[i as usize].client)
                .unwrap_or(0);
            client[i as usize] = c as u32;
            after[i as usize] = seq[c].len() as u32;
            if required[i as usize] {
                seq[c].push(i);
            } else {
                optional.push(i);
            }
        }
        let mut bit = vec![u32::MAX; n];
        for (k, &i) in optional.iter().enumerate() {
            bit[i as usize] = k as u32;
        }
        let ops = &prep.ops;
        let watch = Watch::new(
            states.model(),
            ops,
            |i| required[i].then_some(ops[i].call),
            |i| ops[i].call,
            &mut states,
        );
        states.attach(&prep.ops);
        let optional_placed = Bits::new(optional.len());
        let width = 1 + seq.len().div_ceil(2);
        let mut search = Search {
            next_ranks: BTreeSet::new(),
            observing: BTreeSet::new(),
            memo: Memo::new(width, optional_placed.words().len()),
            key: vec![0; width],
            observer: prep.ops.iter().map(|o| is_observer(o)).collect(),
            required_left: required.iter().filter(|&&r| r).count(),
            pos: vec![0; seq.len()],
            placed: Bits::new(n),
            state: 0,
            stack: Vec::new(),
            cursor: Cursor::Observers,
            longest: Longest::new(),
            low: 0,
            target: None,
            reached: false,
            optional_placed,
            optional,
            bit,
            states,
            watch,
            client,
            seq,
            after,
            required,
            ids: prep.ids,
            ops: prep.ops,
        };
        for c in 0..search.seq.len() {
            search.track_next(c, true);
        }
        search
    }

    /// Adds client `c`'s next required operation to the sets of next operations, or
    /// takes it out.
    fn track_next(&mut self, c: usize, add: bool) {
        let Some(op) = self.next_of(c) else { return };
        let (rank, observer) = (self.rank(op), self.observer[op as usize]);
        match add {
            true => {
                self.next_ranks.insert(rank);
                if observer {
                    self.observing.insert(c as u32);
                }
            }
            false => {
                self.next_ranks.remove(&rank);
                self.observing.remove(&(c as u32));
            }
        }
    }

    /// The same search, looking only for evidence against operation `blame`, whose
    /// violation is certain: it stops when that operation is its client's next and
    /// cannot go, or when a placement strands it.
    pub(crate) fn blaming(mut self, blame: usize) -> Self {
        self.target = Some(blame as u32);
        self
    }

    fn rank(&self, op: u32) -> Rank {
        (!self.required[op as usize], self.ops[op as usize].call, op)
    }

    /// Client `c`'s next required operation, if any is left.
    fn next_of(&self, c: usize) -> Option<u32> {
        self.seq[c].get(self.pos[c] as usize).copied()
    }

    /// Whether optional operation `op` may go now: unplaced, its client far enough.
    fn optional_ready(&self, op: u32) -> bool {
        !self.placed.contains(op as usize)
            && self.after[op as usize] <= self.pos[self.client[op as usize] as usize]
    }

    /// The candidate ranked first after `after`.
    fn next_candidate(&self, after: Option<Rank>) -> Option<u32> {
        let later = |r: &Rank| after.is_none_or(|a| *r > a);
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let known = self
            .next_ranks
            .range((from, Bound::Unbounded))
            .next()
            .copied();
        debug_assert!(known.is_none_or(|r| later(&r)));
        if known.is_some() {
            return known.map(|r| r.2);
        }
        // The optional operations are kept in the order of their ranks: start after
        // `after` rather than ranking them all again, which made a dead end that tries
        // each optional operation in turn cost their number squared.
        let start = match after {
            Some(a) if a.0 => self.optional.partition_point(|&op| self.rank(op) <= a),
            _ => 0,
        };
        self.optional[start..]
            .iter()
            .copied()
            .find(|&op| self.optional_ready(op))
    }

    /// A client's next operation that is an observer legal now, if there is one.
    fn forced_observer(&mut self) -> Option<u32> {
        for &c in &self.observing {
            let Some(op) = self.next_of(c as usize) else {
                continue;
            };
            if self
                .states
                .step(self.state, op, self.ops[op as usize])
                .is_some()
            {
                return Some(op);
            }
        }
        None
    }

    /// Runs at most `*steps` steps (placements, tries that failed, and moves back);
    /// `None` when it paused undecided.
    pub(crate) fn run(&mut self, steps: &mut u64) -> Option<Found> {
        while self.required_left > 0 {
            if self.reached {
                return Some(self.not_found());
            }
            if *steps == 0 {
                return None;
            }
            match self.cursor {
                Cursor::Observers => {
                    let forced = self.forced_observer();
                    match forced {
                        Some(op) => {
                            *steps -= 1;
                            if !self.try_place(op, true) && !self.backtrack() {
                                return Some(self.not_found());
                            }
                        }
                        None => {
                            if let Some(t) = self.target
                                && self.next_of(self.client[t as usize] as usize) == Some(t)
                            {
                                // The operation to blame is next and cannot go.
                                self.reach(None);
                                continue;
                            }
                            self.cursor = Cursor::Choose(None);
                        }
                    }
                }
                Cursor::Choose(after) => {
                    let Some(op) = self.next_candidate(after) else {
                        *steps -= 1;
                        if !self.backtrack() {
                            return Some(self.not_found());
                        }
                        continue;
                    };
                    // A try that fails counts as a step too: at a dead end every
                    // optional operation may be tried in turn, and a slice of steps
                    // must bound the work, so that the linearizability search this one
                    // runs in turns with gets its share (see the parent module).
                    *steps -= 1;
                    if !self.try_place(op, false) {
                        self.cursor = Cursor::Choose(Some(self.rank(op)));
                    }
                }
            }
        }
        Some(Found::Yes)
    }

    /// Places `op` if the model and the value facts allow it and no failed configuration
    /// covers the result; the cursor then looks for observers. A forced observer whose
    /// result is covered reports `false` too: the configuration it came from failed.
    fn try_place(&mut self, op: u32, forced: bool) -> bool {
        let Some(next) = self.states.step(self.state, op, self.ops[op as usize]) else {
            return false;
        };
        let optional = !self.required[op as usize];
        if optional && next == self.state {
            // Changes nothing: leaving it out does the same.
            return false;
        }
        if next != self.state
            && let Some(culprit) = self.strands(op, next)
        {
            self.note_refusal(op, next, culprit);
            return false;
        }
        self.apply(op, forced, next);
        if self.required_left > 0 && self.failed_before() {
            self.undo();
            return false;
        }
        let before = self.longest.len();
        self.longest.stack(self.stack.len(), self.state);
        if self.longest.len() > before {
            self.low = self.stack.len();
        }
        self.cursor = Cursor::Observers;
        true
    }

    fn apply(&mut self, op: u32, forced: bool, next: StateId) {
        self.placed.insert(op as usize);
        self.watch.place(op as usize);
        self.stack.push(Frame {
            op,
            before: self.state,
            forced,
        });
        self.state = next;
        if self.required[op as usize] {
            let c = self.client[op as usize] as usize;
            self.track_next(c, false);
            self.pos[c] += 1;
            self.track_next(c, true);
            self.required_left -= 1;
        } else {
            self.optional_placed.insert(self.bit[op as usize] as usize);
        }
    }

    fn undo(&mut self) -> Frame {
        let frame = self.stack.pop().expect("a placement to undo");
        self.longest.backed_to(self.stack.len());
        let op = frame.op as usize;
        self.placed.remove(op);
        self.watch.unplace(op);
        self.state = frame.before;
        if self.required[op] {
            let c = self.client[op] as usize;
            self.track_next(c, false);
            self.pos[c] -= 1;
            self.track_next(c, true);
            self.required_left += 1;
        } else {
            self.optional_placed.remove(self.bit[op] as usize);
        }
        frame
    }

    /// The exact part of the memo key: the state, then each client's position.
    fn fill_key(&mut self) {
        self.key[0] = u64::from(self.watch.key(self.state));
        for (c, &p) in self.pos.iter().enumerate() {
            let (word, shift) = (1 + c / 2, 32 * (c % 2));
            let w = &mut self.key[word];
            *w = (*w & !(u64::from(u32::MAX) << shift)) | (u64::from(p) << shift);
        }
    }

    fn failed_before(&mut self) -> bool {
        self.fill_key();
        self.memo.covers(&self.key, self.optional_placed.words())
    }

    /// Whether moving to `next` by placing `op` strands an operation, and which (see
    /// the module docs).
    fn strands(&self, op: u32, next: StateId) -> Option<u32> {
        let watch = &self.watch;
        if let Some(culprit) = watch.strands_which(self.state, op as usize, &self.placed) {
            return Some(culprit);
        }
        let model = self.states.model();
        (0..self.seq.len())
            .filter_map(|c| self.next_of(c))
            .filter(|&other| other != op)
            .find(|&other| {
                watch.needs(other as usize).is_some_and(|t| {
                    t != next
                        && watch.unrestorable(t)
                        && !model.reaches(self.states.get(next), self.states.get(t))
                })
            })
    }

    /// `op` was legal but strands `culprit`: the order so far plus `op` is still a legal
    /// order, and may be the longest, with `culprit` to blame; at the target, stops.
    fn note_refusal(&mut self, op: u32, next: StateId, culprit: u32) {
        if self.target == Some(culprit) {
            self.reach(Some((op, next)));
            return;
        }
        self.longest.refusal(self.stack.len(), op, next, culprit);
    }

    fn save_record(&mut self) {
        let stack = &self.stack;
        self.longest.save(|i| stack[i].op);
    }

    fn reach(&mut self, extra: Option<(u32, StateId)>) {
        let mut order: Vec<u32> = self.stack.iter().map(|f| f.op).collect();
        order.extend(extra.map(|e| e.0));
        let state = extra.map_or(self.state, |e| e.1);
        self.longest.reached(order, state, self.target);
        self.reached = true;
    }

    /// Records the current configuration as failed and undoes placements up to and
    /// including the last one made by choice; `false` when none is left.
    fn backtrack(&mut self) -> bool {
        self.save_record();
        loop {
            if self.stack.is_empty() {
                return false;
            }
            self.fill_key();
            self.memo.insert(&self.key, self.optional_placed.words());
            let frame = self.undo();
            self.low = self.low.min(self.stack.len());
            if frame.forced {
                continue;
            }
            self.cursor = Cursor::Choose(Some(self.rank(frame.op)));
            return true;
        }
    }

    /// Where a search that ran out of steps was stuck: how much its longest order
    /// places, the first operation it could not get past (of each client's first
    /// operation left out of that order, the one called first), the earliest operation
    /// of that order it has taken back since the order last grew, and what overlaps the
    /// stretch between the two.
    pub(crate) fn hard(&mut self) -> Hard {
        self.save_record();
        let ops = &self.ops;
        let ends: Vec<Option<u64>> = ops.iter().map(|op| op.ret()).collect();
        let seq = &self.seq;
        Hard::of(
            ops,
            &self.ids,
            &ends,
            &self.longest.best.0,
            self.low,
            |in_order| {
                seq.iter()
                    .filter_map(|own| own.iter().find(|&&i| !in_order.contains(i as usize)))
                    .map(|&i| i as usize)
                    .min_by_key(|&i| (ops[i].call, i))
            },
        )
    }

    /// The evidence for a violation known by other means, blaming `blame` unless the
    /// longest order stranded another.
    pub(crate) fn evidence(&mut self, blame: usize) -> Found {
        self.save_record();
        self.longest.blame(blame as u32);
        self.not_found()
    }

    /// The evidence: the longest order found, the state after it, and the operations
    /// that could come next (the one to blame first).
    fn not_found(&mut self) -> Found {
        self.save_record();
        let (prefix, state, culprit) = &self.longest.best;
        let mut in_prefix = Bits::new(self.ops.len());
        prefix.iter().for_each(|&i| in_prefix.insert(i as usize));
        let mut blocked: Vec<u32> = self
            .seq
            .iter()
            .filter_map(|ops| {
                ops.iter()
                    .copied()
                    .find(|&i| !in_prefix.contains(i as usize))
            })
            .collect();
        let reached = |op: u32| {
            let c = self.client[op as usize] as usize;
            let done = self.seq[c]
                .iter()
                .take_while(|&&i| in_prefix.contains(i as usize))
                .count();
            self.after[op as usize] as usize <= done
        };
        blocked.extend(
            self.optional
                .iter()
                .copied()
                .filter(|&i| !in_prefix.contains(i as usize) && reached(i)),
        );
        blocked.sort_by_key(|&i| (Some(i) != *culprit, self.rank(i)));
        if let Some(c) = culprit
            && !blocked.contains(c)
        {
            blocked.insert(0, *c);
        }
        Found::No {
            prefix: prefix.iter().map(|&i| self.ids[i as usize]).collect(),
            state: self.states.show(*state),
            blocked: blocked.into_iter().map(|i| self.ids[i as usize]).collect(),
        }
    }
}
