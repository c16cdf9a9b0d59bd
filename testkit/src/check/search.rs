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
///
/// Operations of unknown outcome are *optional*: a search may leave them out. They do
/// not enter the hash, so configurations that differ only in which optional operations
/// they placed meet in the memo, where [`Memo`] compares them by inclusion.
pub(crate) struct Placed {
    words: Vec<u64>,
    hash: u64,
    keys: Vec<u64>,
    optional: Vec<u64>,
}

impl Placed {
    /// An empty set over `n` operations, of which those with `optional(i)` may be left
    /// out by the search.
    pub(crate) fn new(n: usize, optional: impl Fn(usize) -> bool) -> Self {
        let mut rng = crate::rng::Rng::new(0x5EED_0FC0_FFEE);
        let width = n.div_ceil(64).max(1);
        let mut mask = vec![0; width];
        let keys = (0..n)
            .map(|i| {
                let key = rng.next_u64();
                if optional(i) {
                    mask[i / 64] |= 1 << (i % 64);
                    0
                } else {
                    key
                }
            })
            .collect();
        Placed {
            words: vec![0; width],
            hash: 0,
            keys,
            optional: mask,
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
/// A configuration is *covered* by an explored one with the same state, the same
/// required operations placed, and a subset of its optional operations placed: whatever
/// the newer one can still do, the older one could too, by leaving the extra optional
/// operations out. So a covered configuration need not be explored again. Without this,
/// a history with twenty operations of unknown outcome makes the search try up to 2^20
/// subsets of them at every point.
///
/// The table groups configurations by (required set, state); a group lists the optional
/// sets explored with them. Sets are stored back to back in one arena of words rather
/// than one allocation each.
pub(crate) struct Memo {
    table: HashTable<(u64, StateId, u32)>,
    /// Per group: arena offsets of its members' words.
    groups: Vec<Vec<u32>>,
    arena: Vec<u64>,
    width: usize,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Memo {
    /// An empty memo for sets over `n` operations.
    pub(crate) fn new(n: usize) -> Self {
        Memo {
            table: HashTable::new(),
            groups: Vec::new(),
            arena: Vec::new(),
            width: n.div_ceil(64).max(1),
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }

    /// Records the configuration; `false` when an explored one covers it.
    pub(crate) fn insert(&mut self, placed: &Placed, state: StateId) -> bool {
        let hash = self.hasher.hash_one((placed.hash, state));
        let (width, arena, groups) = (self.width, &self.arena, &self.groups);
        let words = |at: u32| &arena[at as usize..at as usize + width];
        let same_required = |old: &[u64]| {
            old.iter()
                .zip(&placed.words)
                .zip(&placed.optional)
                .all(|((&a, &b), &opt)| (a ^ b) & !opt == 0)
        };
        let group = self
            .table
            .find(hash, |&(h, s, g)| {
                h == hash && s == state && same_required(words(groups[g as usize][0]))
            })
            .map(|&(_, _, g)| g as usize);
        let covered = |old: &[u64]| {
            old.iter()
                .zip(&placed.words)
                .zip(&placed.optional)
                .all(|((&a, &b), &opt)| a & !b & opt == 0)
        };
        if let Some(g) = group
            && groups[g].iter().any(|&at| covered(words(at)))
        {
            return false;
        }
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(&placed.words);
        match group {
            Some(g) => self.groups[g].push(at),
            None => {
                let g = self.groups.len() as u32;
                self.groups.push(vec![at]);
                self.table
                    .insert_unique(hash, (hash, state, g), |&(h, _, _)| h);
            }
        }
        true
    }
}
