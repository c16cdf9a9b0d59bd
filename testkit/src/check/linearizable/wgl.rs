//! The resumable search for one key: Wing and Gong's walk over the list of calls and
//! returns, with Lowe's memo. See the parent module for the algorithm in words.
//!
//! The search is a value rather than a function so that the checker can run the searches
//! of several keys in turns, a slice of steps each: one key whose search is hard must not
//! starve a key whose violation would be found at once.
//!
//! Three refinements of the plain walk, each sound for the reason given where it is
//! applied:
//!
//! - **Observers first, without choice.** A completed read, or a cas that reported not
//!   swapping, never changes the state. When one can go next and is legal, it is placed
//!   and the search never tries the alternatives: any completion of the configuration
//!   without it stays a completion when it is moved to the front (it changes nothing,
//!   and nothing still unplaced had to return before it was called). So if the
//!   configuration with it placed fails, the one without fails too.
//! - **Optional operations last.** Operations of unknown outcome are kept out of the
//!   list. They never force anything to happen before them, and trying them early sends
//!   the search down long paths that place them for nothing. They are tried only when no
//!   operation with a known outcome can go next: when the walk reaches a return.
//!   Together with the memo's rule that placing fewer of them covers placing more (see
//!   [`crate::check::search::Memo`]), this keeps histories with many timeouts tractable.
//! - **Value facts** (for models that give them, see [`Facts`]): a placement that
//!   strands an operation needing the current state is refused, and states nobody will
//!   look at again share one memo key (see [`Watch`]).

use crate::check::search::{Memo, Placed, StateId, States};
use crate::history::{Action, History, Operation, Output};
use crate::model::Model;

use super::entries::Entries;
use super::facts::Facts;
use super::relevant;
use super::watch::Watch;

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

/// Where the walk stands.
#[derive(Clone, Copy)]
enum Cursor {
    /// Looking, from this entry, for an observer that is legal now.
    Observers(u32),
    /// Looking, from this entry, for any other operation that is legal now.
    Main(u32),
    /// Trying optional operations, from index `.0` of the sorted list, that were called
    /// before time `.1` (the first remaining return).
    Optional(usize, u64),
}

/// How an operation was placed, to undo it and resume after it.
#[derive(Clone, Copy)]
enum Placement {
    /// An observer placed without choice: undoing it undoes its configuration too.
    Forced(u32),
    Known(u32),
    Optional(usize, u64),
}

/// What trying to place an operation came to.
enum Try {
    Placed,
    /// The model or a value fact rules it out here.
    Illegal,
    /// Legal, but an explored configuration covers the result.
    Covered,
}

/// The longest order found so far: the first `depth` placements on the stack, then
/// `extra` if it is set (a legal operation that stranded `culprit`).
struct Record {
    /// How many operations it places.
    length: usize,
    depth: usize,
    extra: Option<u32>,
    state: StateId,
    culprit: Option<u32>,
}

/// The state of one key's search, paused between slices of steps.
pub(crate) struct Search<'a, M: Model> {
    /// The caller's indices of the operations searched.
    local: Vec<usize>,
    ops: Vec<&'a Operation>,
    /// Per operation: whether it is an observer (see the module docs).
    observer: Vec<bool>,
    list: Entries,
    /// Operations of unknown outcome, by call time.
    optional: Vec<u32>,
    returns_left: usize,
    model: &'a M,
    states: States<'a, M>,
    watch: Option<Watch>,
    /// [`Facts::reaches`], when the model gives facts.
    reaches: Option<Reaches<M>>,
    placed: Placed,
    memo: Memo,
    state: StateId,
    /// The placements so far, with the state before each.
    stack: Vec<(Placement, StateId)>,
    /// The longest order found so far, where it is on the stack; copied into `best` only when the search first backs away from it.
    record: Record,
    record_unsaved: bool,
    /// The longest order found, the state after it, and the operation to blame, if known.
    best: (Vec<u32>, StateId, Option<u32>),
    cursor: Cursor,
}

/// How [`Facts::reaches`] is kept by a search that is generic over any [`Model`].
type Reaches<M> = fn(&M, &<M as Model>::State, &<M as Model>::State) -> bool;

/// How many of the earliest returns [`Search::dooms`] looks at.
const LOOKAHEAD: usize = 4;

/// Whether `op` never changes the state, whatever the model: a completed read or a cas
/// that reported not swapping.
fn is_observer(op: &Operation) -> bool {
    matches!(
        (&op.action, op.output()),
        (Action::Read, Some(_)) | (Action::Cas { .. }, Some(Output::Swapped(false)))
    )
}

impl<'a, M: Model> Search<'a, M> {
    /// A search over the operations of `part` that matter (see [`relevant`]), without
    /// value facts.
    pub(crate) fn new(model: &'a M, part: &'a History) -> Self {
        let local = relevant(part);
        let ops: Vec<&Operation> = local.iter().map(|&i| part.op(i)).collect();
        Self::build(model, ops, local, |_, _| None)
    }

    fn build(
        model: &'a M,
        ops: Vec<&'a Operation>,
        local: Vec<usize>,
        watch: impl FnOnce(&[&Operation], &mut States<'a, M>) -> Option<Watch>,
    ) -> Self {
        let list = Entries::new(&ops);
        let returns = ops.iter().filter(|o| o.ret().is_some()).count();
        let mut optional: Vec<u32> = (0..ops.len() as u32)
            .filter(|&i| ops[i as usize].ret().is_none())
            .collect();
        optional.sort_by_key(|&i| (ops[i as usize].call, i));
        let placed = Placed::new(ops.len(), |i| ops[i].ret().is_none());
        let mut states = States::new(model);
        let watch = watch(&ops, &mut states);
        Search {
            memo: Memo::new(ops.len()),
            cursor: Cursor::Observers(list.first()),
            observer: ops.iter().map(|o| is_observer(o)).collect(),
            local,
            list,
            optional,
            returns_left: returns,
            model,
            states,
            watch,
            reaches: None,
            placed,
            state: 0,
            stack: Vec::new(),
            record: Record {
                length: 0,
                depth: 0,
                extra: None,
                state: 0,
                culprit: None,
            },
            best: (Vec::new(), 0, None),
            record_unsaved: false,
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
                Cursor::Observers(e) if self.list.is_call(e) => {
                    let op = self.list.op[e as usize];
                    let next = Cursor::Observers(self.list.next[e as usize]);
                    if !self.observer[op as usize] {
                        self.cursor = next;
                        continue;
                    }
                    self.cursor = match self.try_place(op, Placement::Forced(e)) {
                        Try::Placed => Cursor::Observers(self.list.first()),
                        Try::Illegal => next,
                        // The configuration with it placed failed before, so this one
                        // fails too (see the module docs).
                        Try::Covered => match self.backtrack() {
                            true => continue,
                            false => return Some(self.not_found()),
                        },
                    };
                }
                Cursor::Observers(_) => self.cursor = Cursor::Main(self.list.first()),
                Cursor::Main(e) if self.list.is_call(e) => {
                    let op = self.list.op[e as usize];
                    // Observers that could go next were all illegal here.
                    let placed = !self.observer[op as usize]
                        && matches!(self.try_place(op, Placement::Known(e)), Try::Placed);
                    self.cursor = if placed {
                        Cursor::Observers(self.list.first())
                    } else {
                        Cursor::Main(self.list.next[e as usize])
                    };
                }
                Cursor::Main(e) => {
                    // Nothing with a known outcome can go before this return.
                    self.cursor = Cursor::Optional(0, self.list.time[e as usize]);
                }
                Cursor::Optional(i, deadline) => {
                    let candidate = self.optional.get(i).copied();
                    let Some(op) = candidate.filter(|&op| self.ops[op as usize].call < deadline)
                    else {
                        if !self.backtrack() {
                            return Some(self.not_found());
                        }
                        continue;
                    };
                    let placed = !self.placed.contains(op as usize)
                        && matches!(
                            self.try_place(op, Placement::Optional(i, deadline)),
                            Try::Placed
                        );
                    self.cursor = if placed {
                        Cursor::Observers(self.list.first())
                    } else {
                        Cursor::Optional(i + 1, deadline)
                    };
                }
            }
        }
        Some(Found::Yes)
    }

    /// Places `op` if the model and the value facts allow it and the memo has not covered
    /// the result.
    fn try_place(&mut self, op: u32, how: Placement) -> Try {
        let Some(next) = self.states.step(self.state, op, self.ops[op as usize]) else {
            return Try::Illegal;
        };
        if next != self.state
            && let Some(culprit) = self.strands(op, next)
        {
            self.note_refusal(op, next, culprit);
            return Try::Illegal;
        }
        self.placed.insert(op as usize);
        let key = match &mut self.watch {
            Some(watch) => {
                watch.place(op as usize);
                watch.key(next)
            }
            None => next,
        };
        if !self.memo.insert(&self.placed, key) {
            self.placed.remove(op as usize);
            if let Some(watch) = &mut self.watch {
                watch.unplace(op as usize);
            }
            return Try::Covered;
        }
        self.stack.push((how, self.state));
        self.state = next;
        if let Placement::Known(e) | Placement::Forced(e) = how {
            self.list.unlink(e);
            self.list.unlink(self.list.ret[e as usize]);
            self.returns_left -= 1;
        }
        if self.stack.len() > self.record.length {
            self.record = Record {
                length: self.stack.len(),
                depth: self.stack.len(),
                extra: None,
                state: self.state,
                culprit: None,
            };
            self.record_unsaved = true;
        }
        Try::Placed
    }

    /// Whether moving to state `next` by placing `op` strands an operation, and which:
    /// one that needs the state being left, which nothing could bring back, or one of the
    /// first few to return that needs a state which can neither be written again nor
    /// grown into from `next`. Looking at the first few returns, not all, keeps this
    /// cheap; it is the next read that a wrong append or write usually strands.
    fn strands(&self, op: u32, next: StateId) -> Option<u32> {
        let watch = self.watch.as_ref()?;
        if watch.strands(self.state, op as usize) {
            let placed = &self.placed;
            let left = watch.stranded(self.state, |i| i == op as usize || placed.contains(i));
            return Some(left.unwrap_or(op as usize) as u32);
        }
        let reaches = self.reaches?;
        let mut e = self.list.first();
        let mut looked = 0;
        while looked < LOOKAHEAD && e as usize + 2 < self.list.op.len() {
            if !self.list.is_call(e) {
                let other = self.list.op[e as usize];
                if other != op
                    && let Some(t) = watch.needs(other as usize)
                    && t != next
                    && watch.unrestorable(t)
                    && !reaches(self.model, self.states.get(next), self.states.get(t))
                {
                    return Some(other);
                }
                looked += 1;
            }
            e = self.list.next[e as usize];
        }
        None
    }

    /// `op` was legal but strands `culprit`: the order so far plus `op` is still a legal
    /// order, and may be the longest, with `culprit` to blame.
    fn note_refusal(&mut self, op: u32, next: StateId, culprit: u32) {
        let length = self.stack.len() + 1;
        if length <= self.record.length {
            return;
        }
        self.record = Record {
            length,
            depth: self.stack.len(),
            extra: Some(op),
            state: next,
            culprit: Some(culprit),
        };
        self.record_unsaved = true;
    }

    fn op_of(&self, p: Placement) -> u32 {
        match p {
            Placement::Known(e) | Placement::Forced(e) => self.list.op[e as usize],
            Placement::Optional(i, _) => self.optional[i],
        }
    }

    /// Undoes placements up to and including the last one made by choice, and moves the
    /// cursor past that one; `false` when there is no choice left to undo, which means no
    /// order exists.
    fn backtrack(&mut self) -> bool {
        self.save_record();
        while let Some((how, before)) = self.stack.pop() {
            let op = self.op_of(how) as usize;
            self.placed.remove(op);
            if let Some(watch) = &mut self.watch {
                watch.unplace(op);
            }
            self.state = before;
            if let Placement::Known(e) | Placement::Forced(e) = how {
                self.list.relink(self.list.ret[e as usize]);
                self.list.relink(e);
                self.returns_left += 1;
            }
            self.cursor = match how {
                Placement::Forced(_) => continue,
                Placement::Known(e) => Cursor::Main(self.list.next[e as usize]),
                Placement::Optional(i, deadline) => Cursor::Optional(i + 1, deadline),
            };
            return true;
        }
        false
    }

    /// The evidence for a violation known by other means, from the longest order found
    /// so far, blaming operation `blame` (an index into the operations searched) unless
    /// that order stranded another.
    pub(crate) fn evidence(&mut self, blame: usize) -> Found {
        self.save_record();
        let prefix_has = self.best.0.contains(&(blame as u32));
        if self.best.2.is_none() && !prefix_has {
            self.best.2 = Some(blame as u32);
        }
        self.not_found()
    }

    fn save_record(&mut self) {
        if self.record_unsaved {
            let r = &self.record;
            let order = self.stack[..r.depth].iter().map(|&(p, _)| self.op_of(p));
            self.best = (order.chain(r.extra).collect(), r.state, r.culprit);
            self.record_unsaved = false;
        }
    }

    /// Builds the evidence from the longest order found.
    fn not_found(&self) -> Found {
        let (ops, local) = (&self.ops, &self.local);
        let (prefix, state, culprit) = &self.best;
        let mut in_prefix = vec![false; ops.len()];
        prefix.iter().for_each(|&i| in_prefix[i as usize] = true);
        let rest = (0..ops.len()).filter(|&i| !in_prefix[i]);
        // The operation the last placement stranded, or else the first to return among
        // the rest: it had to come before anything called later.
        let first = culprit.map(|c| c as usize).or_else(|| {
            rest.clone()
                .filter_map(|i| ops[i].ret().map(|r| (r, i)))
                .min()
                .map(|(_, i)| i)
        });
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

impl<'a, M: Facts> Search<'a, M> {
    /// A search over `ops` (already stripped of operations that cannot matter) that uses
    /// the model's value facts; `local[i]` is the caller's index of `ops[i]`.
    pub(crate) fn with_facts(model: &'a M, ops: &'a [Operation], local: Vec<usize>) -> Self {
        let ops: Vec<&Operation> = ops.iter().collect();
        let mut search = Self::build(model, ops, local, |ops, states| {
            Some(Watch::new(model, ops, |i| ops[i].ret().is_some(), states))
        });
        search.reaches = Some(<M as Facts>::reaches);
        search
    }
}
