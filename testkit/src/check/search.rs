//! Pieces shared by the searching checkers ([`super::linearizable`] and
//! [`super::sequential`]): interned model states with their transitions, a bitset, and
//! the memo of configurations that failed.
//!
//! Both searches try orders of operations and back up when an order cannot continue.
//! Lowe's observation makes them practical: two partial orders that placed the same set
//! of operations and reached the same state have the same future, so each
//! (placed set, state) pair needs exploring once. The memo stores those pairs.

use std::hash::BuildHasher;

use hashbrown::{HashMap, HashTable};

use crate::history::Operation;
use crate::model::Facts;

/// A model state, interned: equal states get equal ids.
pub(crate) type StateId = u32;

/// What an operation does to a state, as a transition table entry: not yet known,
/// illegal, leaves the state as it is, or moves it to a given state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Effect(u32);

impl Effect {
    const UNKNOWN: Effect = Effect(u32::MAX);
    const ILLEGAL: Effect = Effect(u32::MAX - 1);
    const STAY: Effect = Effect(u32::MAX - 2);

    fn apply(self, state: StateId) -> Option<StateId> {
        match self {
            Effect::ILLEGAL => None,
            Effect::STAY => Some(state),
            Effect(to) => Some(to),
        }
    }
}

/// Per operation of an exact model (see [`Facts::exact`]): the state it compares the
/// current one with, and what it does when they are equal and when they are not.
#[derive(Clone, Copy)]
struct Exact {
    mention: StateId,
    on_match: Effect,
    on_other: Effect,
}

/// The id no state has: "mentions nothing".
const NO_STATE: StateId = StateId::MAX;

/// Entries the generic transition cache may hold before it is emptied: it is a cache,
/// and a search of a million steps must not keep one entry per step it ever took.
const CACHE_LIMIT: usize = 1 << 22;

/// Interns model states and answers `step` for the operations of one search, so the
/// search handles small integers instead of cloning and comparing values.
///
/// For an exact model each operation has a table entry of three words, filled on first
/// use: its result depends on the state only through equality with the state it
/// mentions, so two answers (equal, not equal) cover every state. The rejected
/// alternative, a hash map from (state, operation) to the result, cost a hash lookup per
/// step and grew by one entry for every pair ever tried. Other models (key-value strings,
/// where an append builds a new state from the old) keep that map, bounded.
pub(crate) struct States<'m, M: Facts> {
    model: &'m M,
    states: Vec<M::State>,
    ids: HashMap<M::State, StateId>,
    exact: Vec<Exact>,
    cache: HashMap<(StateId, u32), Option<StateId>>,
}

impl<'m, M: Facts> States<'m, M> {
    /// A table holding the model's initial state as id 0.
    pub(crate) fn new(model: &'m M) -> Self {
        let mut table = States {
            model,
            states: Vec::new(),
            ids: HashMap::new(),
            exact: Vec::new(),
            cache: HashMap::new(),
        };
        table.intern(model.init());
        table
    }

    /// Prepares the transitions of the operations `ops`, numbered as the search numbers
    /// them in [`States::step`].
    pub(crate) fn attach(&mut self, ops: &[&Operation]) {
        self.cache.clear();
        self.exact.clear();
        if self.model.exact() {
            let model = self.model;
            self.exact = ops
                .iter()
                .map(|op| Exact {
                    mention: model.mentions(op).map_or(NO_STATE, |s| self.intern(s)),
                    on_match: Effect::UNKNOWN,
                    on_other: Effect::UNKNOWN,
                })
                .collect();
        }
    }

    /// The id of `state`, adding it if it is new.
    pub(crate) fn intern(&mut self, state: M::State) -> StateId {
        if let Some(&id) = self.ids.get(&state) {
            return id;
        }
        let id = self.states.len() as StateId;
        self.states.push(state.clone());
        self.ids.insert(state, id);
        id
    }

    /// The id of `state`, if it has one.
    pub(crate) fn find(&self, state: &M::State) -> Option<StateId> {
        self.ids.get(state).copied()
    }

    /// The state with id `id`.
    pub(crate) fn get(&self, id: StateId) -> &M::State {
        &self.states[id as usize]
    }

    /// How many states have ids.
    pub(crate) fn len(&self) -> usize {
        self.states.len()
    }

    /// The model.
    pub(crate) fn model(&self) -> &'m M {
        self.model
    }

    /// The state after applying `op` (number `index` in the search) to `state`, or
    /// `None` when the model says `op` could not have returned what it returned there.
    pub(crate) fn step(&mut self, state: StateId, index: u32, op: &Operation) -> Option<StateId> {
        if let Some(entry) = self.exact.get(index as usize).copied() {
            let matched = entry.mention == state;
            let known = if matched {
                entry.on_match
            } else {
                entry.on_other
            };
            if known != Effect::UNKNOWN {
                return known.apply(state);
            }
            let (next, effect) = self.compute(state, op);
            // A result equal to the state it started from is "stay" unless the
            // operation writes that very value: then one sample cannot tell "stay" from
            // "write it", and the answer is not kept for other states.
            let ambiguous = !matched
                && next == Some(state)
                && self
                    .model
                    .writes(op)
                    .is_some_and(|w| self.find(&w) == Some(state));
            if !ambiguous {
                let slot = &mut self.exact[index as usize];
                if matched {
                    slot.on_match = effect;
                } else {
                    slot.on_other = effect;
                }
            }
            return next;
        }
        if let Some(&next) = self.cache.get(&(state, index)) {
            return next;
        }
        let (next, _) = self.compute(state, op);
        if self.cache.len() >= CACHE_LIMIT {
            self.cache.clear();
        }
        self.cache.insert((state, index), next);
        next
    }

    fn compute(&mut self, state: StateId, op: &Operation) -> (Option<StateId>, Effect) {
        match self.model.step(&self.states[state as usize], op) {
            None => (None, Effect::ILLEGAL),
            Some(s) => {
                let id = self.intern(s);
                let effect = if id == state {
                    Effect::STAY
                } else {
                    Effect(id)
                };
                (Some(id), effect)
            }
        }
    }

    /// How the model shows `state`.
    pub(crate) fn show(&self, state: StateId) -> String {
        self.model.show(&self.states[state as usize])
    }
}

/// The longest legal order a search has found, and the state after it: the evidence when
/// no order explains the history. Kept lazily: while the search goes deeper the record
/// only says where the order is on the search's stack; it is copied out when the search
/// first backs away from it ([`Longest::save`]), and then only the part not already
/// copied, so that a search that keeps finding a longer order one step at a time does
/// not copy the whole order at every step.
pub(crate) struct Longest {
    /// How many operations the record places: its first `depth` placements on the stack,
    /// then `extra` if set (a legal operation that stranded `culprit`).
    length: usize,
    depth: usize,
    extra: Option<u32>,
    state: StateId,
    culprit: Option<u32>,
    /// Whether the record has changed since it was copied into `best`.
    unsaved: bool,
    /// How long a start of `best.0` is known to equal the stack: the search has not
    /// backed below it since `best` was saved.
    agree: usize,
    /// The longest order found, the state after it, and the operation to blame, if known.
    pub best: (Vec<u32>, StateId, Option<u32>),
}

impl Longest {
    /// Nothing found yet: the empty order, in the initial state.
    pub fn new() -> Longest {
        Longest {
            length: 0,
            depth: 0,
            extra: None,
            state: 0,
            culprit: None,
            unsaved: false,
            agree: 0,
            best: (Vec::new(), 0, None),
        }
    }

    /// How many operations the longest order found places.
    pub fn len(&self) -> usize {
        self.length
    }

    /// The whole stack, `depth` placements ending in `state`, is a legal order: the
    /// record if it is the longest yet.
    pub fn stack(&mut self, depth: usize, state: StateId) {
        if depth > self.length {
            self.set(depth, depth, None, state, None);
        }
    }

    /// The stack of `depth` placements and then `op`, leaving `state`, is a legal order
    /// but strands `culprit`: the record, with `culprit` to blame, if it is the longest.
    pub fn refusal(&mut self, depth: usize, op: u32, state: StateId, culprit: u32) {
        if depth < self.length {
            return;
        }
        self.set(depth + 1, depth, Some(op), state, Some(culprit));
    }

    fn set(
        &mut self,
        length: usize,
        depth: usize,
        extra: Option<u32>,
        state: StateId,
        culprit: Option<u32>,
    ) {
        (self.length, self.depth, self.extra) = (length, depth, extra);
        (self.state, self.culprit) = (state, culprit);
        self.unsaved = true;
    }

    /// The stack is down to `depth` placements.
    pub fn backed_to(&mut self, depth: usize) {
        self.agree = self.agree.min(depth);
    }

    /// Copies the record into `best`; `placed(i)` is the operation of the stack's
    /// placement `i`, and the stack must not have gone below the record since it was set
    /// (the searches save before every backtrack).
    pub fn save(&mut self, placed: impl Fn(usize) -> u32) {
        if self.unsaved {
            let keep = self.agree.min(self.depth);
            let order = &mut self.best.0;
            order.truncate(keep);
            order.extend((keep..self.depth).map(placed));
            order.extend(self.extra);
            self.best.1 = self.state;
            self.best.2 = self.culprit;
            self.agree = self.depth;
            self.unsaved = false;
        }
    }

    /// Takes `order`, leaving `state`, as the evidence against `target`, for good.
    pub fn reached(&mut self, order: Vec<u32>, state: StateId, target: Option<u32>) {
        self.best = (order, state, target);
        self.unsaved = false;
    }

    /// Blames `op` when the longest order stranded nothing and does not place it.
    pub fn blame(&mut self, op: u32) {
        if self.best.2.is_none() && !self.best.0.contains(&op) {
            self.best.2 = Some(op);
        }
    }
}

/// A fixed-size set of small integers.
#[derive(Clone)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// An empty set over `0..n`.
    pub(crate) fn new(n: usize) -> Self {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// Adds `i`.
    pub(crate) fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Removes `i`.
    pub(crate) fn remove(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// Whether `i` is a member.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// The words, for memo keys.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }
}

/// The configurations that failed: explored to the end without completing an order.
///
/// A configuration is described by a key in two parts. The *exact* part (the placed
/// operations that must be placed, and the state) must match; the *optional* part is
/// the set of operations of unknown outcome placed, and an explored configuration
/// *covers* a new one when it placed a subset of them: whatever the newer one can still
/// do, the older one could too, by leaving the extra operations out. Without this, a
/// history with twenty operations of unknown outcome makes the search try up to 2^20
/// subsets of them at every point.
///
/// Only failed configurations are stored, when the search backs out of them. The
/// rejected alternative, storing every configuration when it is entered, costs one
/// entry per step even for a search that never backs up, which is what ran long
/// histories out of memory; and it prunes nothing more, since the search never meets a
/// configuration it is still exploring (every one it could meet is a strict superset of
/// the placed operations of those on its path).
///
/// Keys are stored back to back in one arena of words; configurations with the same
/// exact part form a chain through the arena, whose head the hash table holds. The
/// optional part is stored sparsely, as its nonzero words with their places: with
/// repeated values the operations of unknown outcome of a long history stay in the
/// search to its end (none of them ever returns), and a million operations have
/// thousands of them, a few of them placed at any one time. Storing every word made each
/// entry kilobytes long and the memo of such a history gigabytes.
pub(crate) struct Memo {
    /// The newer entries, and the generation before them (see [`MEMO_WORDS`]).
    current: Generation,
    older: Generation,
    /// Arena words per generation: [`MEMO_WORDS`] but in tests.
    limit: usize,
    exact_width: usize,
    optional_width: usize,
    hasher: hashbrown::DefaultHashBuilder,
}

/// Arena words a generation of the memo holds before it becomes the older one and the
/// generation before it is dropped: about a million entries, so that the memo of a long
/// search stays within about 150 MB and keeps what the search met last, where it backs
/// up to. Forgetting an entry is always sound (the memo only saves exploring again); the
/// rejected alternative, keeping every entry, held gigabytes for a million operations of
/// five repeated values and 16 clients, almost all of them about parts of the history
/// the search had long left.
const MEMO_WORDS: usize = 1 << 23;

/// Entries of the memo: a hash table of chain heads over an arena of keys.
#[derive(Default)]
struct Generation {
    table: HashTable<(u64, u32)>,
    arena: Vec<u64>,
}

/// The arena offset that ends a chain.
const END: u64 = u64::MAX;

impl Generation {
    fn exact_at(&self, at: u32, width: usize) -> &[u64] {
        let at = at as usize + 1;
        &self.arena[at..at + width]
    }

    /// The optional part of the entry at `at`: its nonzero words, each after its place.
    fn optional_at(&self, at: u32, width: usize) -> &[u64] {
        let at = at as usize + 1 + width;
        let n = self.arena[at] as usize;
        &self.arena[at + 1..at + 1 + 2 * n]
    }

    fn covers(&self, hash: u64, exact: &[u64], optional: &[u64]) -> bool {
        let width = exact.len();
        let Some(&(_, head)) = self.table.find(hash, |&(h, at)| {
            h == hash && self.exact_at(at, width) == exact
        }) else {
            return false;
        };
        let mut at = u64::from(head);
        while at != END {
            let old = self.optional_at(at as u32, width);
            let subset = old
                .chunks_exact(2)
                .all(|w| w[1] & !optional[w[0] as usize] == 0);
            if subset {
                return true;
            }
            at = self.arena[at as usize];
        }
        false
    }

    /// Takes out of the chain starting at `head` every entry whose optional part holds
    /// all of `optional` (and maybe more); returns the chain's new head. Such an entry
    /// says no more than the one about to be added: a configuration it covers is covered
    /// by the new one too. The search fails configurations with more operations of
    /// unknown outcome placed before those with fewer (it places them on the way down),
    /// so without this a chain grows with every combination tried, and each look-up
    /// walks it all.
    fn drop_supersets(&mut self, head: u64, width: usize, optional: &[u64]) -> u64 {
        let holds = |generation: &Generation, at: u64| {
            let pairs = generation.optional_at(at as u32, width);
            optional
                .iter()
                .enumerate()
                .filter(|(_, w)| **w != 0)
                .all(|(place, &w)| {
                    pairs
                        .chunks_exact(2)
                        .any(|p| p[0] == place as u64 && w & !p[1] == 0)
                })
        };
        let mut head = head;
        while head != END && holds(self, head) {
            head = self.arena[head as usize];
        }
        let mut prev = head;
        while prev != END {
            let at = self.arena[prev as usize];
            if at != END && holds(self, at) {
                self.arena[prev as usize] = self.arena[at as usize];
            } else {
                prev = at;
            }
        }
        head
    }

    fn insert(&mut self, hash: u64, exact: &[u64], optional: &[u64]) {
        let at = self.arena.len() as u32;
        let (arena, width) = (&self.arena, exact.len());
        let same = |&(h, old): &(u64, u32)| {
            let from = old as usize + 1;
            h == hash && &arena[from..from + width] == exact
        };
        let next = match self.table.find_mut(hash, same) {
            Some(entry) => std::mem::replace(&mut entry.1, at) as u64,
            None => {
                self.table.insert_unique(hash, (hash, at), |&(h, _)| h);
                END
            }
        };
        let next = self.drop_supersets(next, width, optional);
        self.arena.push(next);
        self.arena.extend_from_slice(exact);
        let nonzero = optional.iter().filter(|&&w| w != 0).count();
        self.arena.push(nonzero as u64);
        for (place, &w) in optional.iter().enumerate().filter(|(_, w)| **w != 0) {
            self.arena.extend([place as u64, w]);
        }
    }
}

impl Memo {
    /// An empty memo for keys of `exact_width` and `optional_width` words.
    pub(crate) fn new(exact_width: usize, optional_width: usize) -> Self {
        Memo {
            current: Generation::default(),
            older: Generation::default(),
            limit: MEMO_WORDS,
            exact_width,
            optional_width,
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }

    /// Whether a failed configuration covers the one with these key parts.
    pub(crate) fn covers(&self, exact: &[u64], optional: &[u64]) -> bool {
        let hash = self.hasher.hash_one(exact);
        self.current.covers(hash, exact, optional) || self.older.covers(hash, exact, optional)
    }

    /// Records a failed configuration.
    pub(crate) fn insert(&mut self, exact: &[u64], optional: &[u64]) {
        debug_assert_eq!(exact.len(), self.exact_width);
        debug_assert_eq!(optional.len(), self.optional_width);
        if self.current.arena.len() >= self.limit {
            self.older = std::mem::take(&mut self.current);
        }
        let hash = self.hasher.hash_one(exact);
        self.current.insert(hash, exact, optional);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memo_covers_supersets_of_the_optional_operations_placed() {
        let mut memo = Memo::new(2, 3);
        memo.insert(&[1, 2], &[0, 0b0101, 0]);
        memo.insert(&[1, 2], &[0, 0, 1 << 63]);
        assert!(memo.covers(&[1, 2], &[0, 0b0111, 0]));
        assert!(memo.covers(&[1, 2], &[7, 0, 1 << 63]));
        assert!(!memo.covers(&[1, 2], &[0, 0b0100, 0]));
        assert!(!memo.covers(&[1, 2], &[0, 0b0011, 1]));
        assert!(!memo.covers(&[1, 3], &[0, 0b0101, 0]));
        let mut empty = Memo::new(1, 2);
        empty.insert(&[5], &[0, 0]);
        assert!(empty.covers(&[5], &[0, 9]));
    }

    /// How many entries the current generation keeps under `exact`.
    fn chain(memo: &Memo, exact: &[u64]) -> usize {
        let generation = &memo.current;
        let hash = memo.hasher.hash_one(exact);
        let found = generation.table.find(hash, |&(h, at)| {
            h == hash && generation.exact_at(at, exact.len()) == exact
        });
        let mut at = found.map_or(END, |&(_, head)| u64::from(head));
        let mut count = 0;
        while at != END {
            count += 1;
            at = generation.arena[at as usize];
        }
        count
    }

    #[test]
    fn an_entry_replaces_those_that_placed_more_and_covers_what_they_covered() {
        let mut memo = Memo::new(1, 2);
        memo.insert(&[7], &[0b0111, 0]);
        memo.insert(&[7], &[0b0110, 1]);
        memo.insert(&[8], &[0b0111, 0]);
        assert_eq!(chain(&memo, &[7]), 2);
        // Fewer placed than the first entry: it goes; the second, not comparable, stays.
        memo.insert(&[7], &[0b0101, 0]);
        assert_eq!(chain(&memo, &[7]), 2);
        assert!(
            memo.covers(&[7], &[0b0111, 0]),
            "what the dropped entry covered"
        );
        assert!(memo.covers(&[7], &[0b1101, 0]));
        assert!(memo.covers(&[7], &[0b0110, 1]));
        assert!(!memo.covers(&[7], &[0b0100, 0]));
        assert!(!memo.covers(&[7], &[0b0110, 0]));
        // Another key's entries are not touched.
        assert_eq!(chain(&memo, &[8]), 1);
        // Nothing placed covers everything: one entry is left.
        memo.insert(&[7], &[0, 0]);
        assert_eq!(chain(&memo, &[7]), 1);
        assert!(memo.covers(&[7], &[0b0010, 0]));
    }

    #[test]
    fn a_full_memo_forgets_its_oldest_generation_only() {
        let mut memo = Memo::new(1, 1);
        // Each entry takes three words here: a link, one exact word, a count of no pairs.
        memo.limit = 3 * 10;
        for k in 0..10 {
            memo.insert(&[k], &[0]);
        }
        assert!((0..10).all(|k| memo.covers(&[k], &[0])));
        for k in 10..20 {
            memo.insert(&[k], &[0]);
        }
        assert!(
            (0..20).all(|k| memo.covers(&[k], &[0])),
            "two generations kept"
        );
        memo.insert(&[20], &[0]);
        assert!(
            (0..10).all(|k| !memo.covers(&[k], &[0])),
            "the oldest dropped"
        );
        assert!((10..21).all(|k| memo.covers(&[k], &[0])));
    }
}
