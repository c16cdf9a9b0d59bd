//! Pieces shared by the searching checkers ([`super::linearizable`] and
//! [`super::sequential`]): interned model states with cached transitions, a bitset of
//! the operations placed so far, and the memo of configurations already explored.
//!
//! Both searches try orders of operations and back up when an order cannot continue.
//! Lowe's observation makes them practical: two partial orders that placed the same set
//! of operations and reached the same state have the same future, so each
//! (placed set, state) pair needs exploring once. The memo stores those pairs.

use std::hash::BuildHasher;

use hashbrown::{HashMap, HashTable};

use crate::history::Operation;
use crate::model::Model;

/// A model state, interned: equal states get equal ids.
pub(crate) type StateId = u32;

/// Interns model states and caches `step` results, so the search handles small integers
/// instead of cloning and comparing values (strings for key-value histories).
pub(crate) struct States<'m, M: Model> {
    model: &'m M,
    states: Vec<M::State>,
    ids: HashMap<M::State, StateId>,
    /// (state, operation index) -> next state, or `None` when the step is illegal.
    steps: HashMap<(StateId, u32), Option<StateId>>,
}

impl<'m, M: Model> States<'m, M> {
    /// A table holding the model's initial state as id 0.
    pub(crate) fn new(model: &'m M) -> Self {
        let mut table = States {
            model,
            states: Vec::new(),
            ids: HashMap::new(),
            steps: HashMap::new(),
        };
        table.intern(model.init());
        table
    }

    fn intern(&mut self, state: M::State) -> StateId {
        if let Some(&id) = self.ids.get(&state) {
            return id;
        }
        let id = self.states.len() as StateId;
        self.states.push(state.clone());
        self.ids.insert(state, id);
        id
    }

    /// The state after applying `op` (number `index` in the search) to `state`, or
    /// `None` when the model says `op` could not have returned what it returned there.
    pub(crate) fn step(&mut self, state: StateId, index: u32, op: &Operation) -> Option<StateId> {
        if let Some(&next) = self.steps.get(&(state, index)) {
            return next;
        }
        let next = self
            .model
            .step(&self.states[state as usize], op)
            .map(|s| self.intern(s));
        self.steps.insert((state, index), next);
        next
    }

    /// How the model shows `state`.
    pub(crate) fn show(&self, state: StateId) -> String {
        self.model.show(&self.states[state as usize])
    }
}

/// A fixed-size set of operation indices, with an incrementally maintained hash.
///
/// The hash is the XOR of one random word per member (Zobrist hashing), so adding or
/// removing a member updates it in O(1) instead of rehashing the whole set for every memo
/// lookup.
pub(crate) struct Placed {
    words: Vec<u64>,
    hash: u64,
    keys: Vec<u64>,
}

impl Placed {
    /// An empty set over `n` operations.
    pub(crate) fn new(n: usize) -> Self {
        let mut rng = crate::rng::Rng::new(0x5EED_0FC0_FFEE);
        Placed {
            words: vec![0; n.div_ceil(64).max(1)],
            hash: 0,
            keys: (0..n).map(|_| rng.next_u64()).collect(),
        }
    }

    /// Adds `i` (not yet a member).
    pub(crate) fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
        self.hash ^= self.keys[i];
    }

    /// Removes `i` (a member).
    pub(crate) fn remove(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
        self.hash ^= self.keys[i];
    }

    /// Whether `i` is a member.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }
}

/// The configurations already explored: (placed set, state) pairs.
///
/// Sets are stored back to back in one arena of words rather than one allocation each;
/// the table holds (hash, state, offset) and compares the words only on a hash match.
pub(crate) struct Memo {
    table: HashTable<(u64, StateId, u32)>,
    arena: Vec<u64>,
    width: usize,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Memo {
    /// An empty memo for sets over `n` operations.
    pub(crate) fn new(n: usize) -> Self {
        Memo {
            table: HashTable::new(),
            arena: Vec::new(),
            width: n.div_ceil(64).max(1),
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }

    fn hash(&self, placed: &Placed, state: StateId) -> u64 {
        self.hasher.hash_one((placed.hash, state))
    }

    /// Records the configuration; `false` when it had been seen before.
    pub(crate) fn insert(&mut self, placed: &Placed, state: StateId) -> bool {
        let hash = self.hash(placed, state);
        let width = self.width;
        let arena = &self.arena;
        let seen = self
            .table
            .find(hash, |&(h, s, at)| {
                h == hash
                    && s == state
                    && arena[at as usize..at as usize + width] == placed.words[..]
            })
            .is_some();
        if seen {
            return false;
        }
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(&placed.words);
        self.table
            .insert_unique(hash, (hash, state, at), |&(h, _, _)| h);
        true
    }
}
