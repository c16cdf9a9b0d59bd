//! The resumable search for one key: Wing and Gong's walk over the list of calls and
//! returns, with Lowe's memo. See the parent module for the algorithm in words.
//!
//! The search is a value rather than a function so that the checker can run the searches
//! of several keys in turns, a slice of steps each: one key whose search is hard must not
//! starve a key whose violation would be found at once.
//!
//! Refinements of the plain walk, each sound for the reason given where it is applied
//! and in `docs/src/checkers.md`:
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
//!   operation with a known outcome can go next: when the walk reaches a return. One
//!   that would change nothing is not tried at all: leaving it out does the same.
//! - **Value facts** (see [`Facts`]): a placement that strands an operation is refused
//!   (see [`Search::strands`]), and states nobody will look at again share one memo key
//!   (see [`Watch`]).
//! - **A memo in a few words.** The search only ever places an operation whose call
//!   comes before the first return left in the list. So in any configuration every
//!   operation that returned before that first return is placed, nothing called after it
//!   is, and the rest are the operations open at that moment, one per lane (see
//!   [`Entries::lanes`]). The first return left and the lanes of the operations still
//!   unplaced before it describe the placed set exactly, in one word per 64 lanes rather
//!   than one bit per operation of the history: the memo's keys no longer grow with the
//!   history. The memo keeps only configurations that failed (see [`Memo`]).
//! - **Observers placed cover observers left.** The lanes of unplaced observers are in
//!   the covering part of the key, with the optional operations placed: a failed
//!   configuration covers one that differs only in leaving more observers unplaced.
//!   Deleting those observers from a completion of the second leaves a completion of
//!   the first, since they change nothing.
//! - **Evidence only.** When a violation is already certain (see `precheck`), the search
//!   only looks for evidence and stops as soon as it reaches the operation to blame.
//!
//! The walk, the memo and the order of trying are here; the rules that refuse a
//! placement for stranding an operation are in `strands`, and the operations of unknown
//! outcome (their classes, which of them a dead end tries, in which order) in
//! `optionals`.

use crate::check::search::{Bits, Longest, Memo, StateId, States};
use crate::history::{Action, OpId, Operation, Output};

use super::entries::Entries;
use super::reduce::Prepared;
use super::watch::Watch;
use crate::model::Facts;

mod optionals;
mod strands;

use optionals::Optionals;

/// The result of searching one key.
pub(crate) enum Found {
    /// An order exists.
    Yes,
    /// None exists: the longest order found, the state after it, and the operations that
    /// cannot follow it (ids in the history checked).
    No {
        prefix: Vec<OpId>,
        state: String,
        blocked: Vec<OpId>,
    },
}

/// Where a search that ran out of steps was stuck (see [`Search::hard`]).
pub(crate) struct Hard {
    /// How many operations its longest order placed, of how many.
    pub(crate) placed: usize,
    pub(crate) total: usize,
    /// The first operation it could not get past, and the earliest operation of that
    /// order it had to take back since it last got further (ids in the history).
    pub(crate) stuck: Option<OpId>,
    pub(crate) from: Option<OpId>,
    /// The operations that overlap the stretch between those two, and their clients.
    pub(crate) overlapping: usize,
    pub(crate) clients: usize,
}

impl Hard {
    /// Where a search over `ops` (`ids` their ids in the history, `ends` their returns,
    /// `None` for an unknown outcome) was stuck, from its longest `order` (indices into
    /// `ops`) and the depth `low` it has taken that order back to since it last got
    /// further; `stuck` picks the first operation it could not get past, given the
    /// operations of the order.
    pub(crate) fn of(
        ops: &[&Operation],
        ids: &[OpId],
        ends: &[Option<u64>],
        order: &[u32],
        low: usize,
        stuck: impl FnOnce(&Bits) -> Option<usize>,
    ) -> Hard {
        let mut in_order = Bits::new(ops.len());
        order.iter().for_each(|&i| in_order.insert(i as usize));
        let stuck = stuck(&in_order);
        let from = order.get(low).map(|&i| i as usize).or(stuck);
        let start = from.map_or(0, |i| ops[i].call);
        let end = stuck.and_then(|i| ends[i]).unwrap_or(u64::MAX);
        let mut clients: Vec<u32> = (0..ops.len())
            .filter(|&i| {
                let op = ops[i];
                op.call <= end && ends[i].map_or(op.call >= start, |d| d >= start)
            })
            .map(|i| ops[i].client)
            .collect();
        let overlapping = clients.len();
        clients.sort_unstable();
        clients.dedup();
        Hard {
            placed: order.len(),
            total: ops.len(),
            stuck: stuck.map(|i| ids[i]),
            from: from.map(|i| ids[i]),
            overlapping,
            clients: clients.len(),
        }
    }
}

/// Where the walk stands.
#[derive(Clone, Copy)]
enum Cursor {
    /// Looking, from this entry, for an observer that is legal now.
    Observers(u32),
    /// Trying the other operations that can go next, most urgent first, from those of
    /// this urgency or later (see [`Search::next_main`]).
    Main(u64),
    /// Trying optional operations, from this place in the two passes over their classes
    /// (see [`Optionals`]), that were called before the time given (the first remaining
    /// return); and the state the operation at that return needs (`StateId::MAX`: none),
    /// whose writers the first pass tries.
    Optional(u32, u64, StateId),
}

/// How an operation was placed, to undo it and resume after it.
#[derive(Clone, Copy)]
enum Placement {
    /// An observer placed without choice: undoing it undoes its configuration too.
    Forced(u32),
    Known(u32),
    /// An optional operation: its class, the operation, the time it was placed before,
    /// and the state the operation at that return needs (as in [`Cursor::Optional`]).
    Optional(u32, u32, u64, StateId),
}

/// What trying to place an operation came to.
enum Try {
    Placed,
    /// The model or a value fact rules it out here.
    Illegal,
    /// Legal, but an explored configuration covers the result.
    Covered,
}

/// Which of the operations that can go next the walk tries first (see
/// [`Search::next_main`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// The operation whose group returns first: it and the operations that need what it
    /// writes (see [`Search::urgency`]).
    Groups,
    /// The operation that returns first.
    Returns,
}

/// The state of one key's search, paused between slices of steps.
pub(crate) struct Search<'a, M: Facts> {
    order: Order,
    /// Per operation: its id in the history checked.
    ids: Vec<OpId>,
    ops: Vec<&'a Operation>,
    /// Per operation: its return or the deadline standing for it; `None`: optional.
    deadline: Vec<Option<u64>>,
    /// Per operation: whether it is an observer (see the module docs).
    observer: Vec<bool>,
    /// Per operation: the state it writes when some operation needs that state, else
    /// `StateId::MAX` (see [`Search::urgency`]).
    writes_to: Vec<StateId>,
    /// Per operation that needs a state: its place among that state's needers
    /// ([`Watch::needers`]).
    needer_pos: Vec<u32>,
    /// Per state: the place of the first unplaced operation among its needers (their
    /// number when all are placed).
    front: Vec<u32>,
    /// Per operation: whether it certainly changes the state (exact models: a
    /// completed write or a swap that succeeded).
    changes: Vec<bool>,
    /// Per operation (exact models): the state it asks about ([`Facts::mentions`]),
    /// for the operations of unknown outcome (with a deadline or not) and the swaps
    /// that reported failing, which [`Search::wanted`] looks at; `StateId::MAX` for the
    /// rest.
    asks: Vec<StateId>,
    /// Per operation (exact models): whether it consumes the state it needs, a
    /// completed swap from that state to another (see rule 4 of [`Search::strands`]).
    consumes: Vec<bool>,
    /// Per operation: its class of equal effects (see [`Search::next_main`]), or
    /// [`NO_CLASS`].
    class: Vec<u32>,
    /// Per class: the stamp of the last scan that saw it, and the earliest return entry
    /// among its operations that can go next in that scan.
    class_seen: Vec<(u64, u32)>,
    scan: u64,
    list: Entries,
    optionals: Optionals,
    /// Per state some operation needs (exact models): the classes of optional operations
    /// that write it (see [`Search::optionally_restorable_before`]); empty otherwise.
    optional_writers: Vec<Vec<u32>>,
    /// Per class of optional operations (exact models): the state its members write,
    /// `StateId::MAX` when unknown; empty otherwise.
    class_writes: Vec<StateId>,
    optional_placed: Bits,
    returns_left: usize,
    states: States<'a, M>,
    watch: Watch,
    placed: Bits,
    memo: Memo,
    /// The exact part of the current memo key, rebuilt in place.
    key: Vec<u64>,
    /// The covering part of the current memo key: the lanes of the observers still
    /// unplaced, then the optional operations placed.
    cover: Vec<u64>,
    state: StateId,
    /// The placements so far, with the state before each.
    stack: Vec<(Placement, StateId)>,
    /// The longest order found so far.
    longest: Longest,
    /// The fewest placements the stack has been down to since the longest order last
    /// grew: the search has been trying the orders of what lies above it.
    low: usize,
    cursor: Cursor,
    /// When a violation is certain: the operation to blame (see the module docs).
    target: Option<u32>,
    /// Set when the search found its target and the evidence is in `best`.
    reached: bool,
    /// Set when, looking for evidence, a placement would strand the target: the
    /// stranding rule is off from then on (see [`Search::try_place`]).
    lenient: bool,
}

/// The class of an operation that shares its effects with no other (see
/// [`Search::next_main`]).
const NO_CLASS: u32 = u32::MAX;

/// Per operation, a class shared by the operations with equal effects in every state:
/// in an exact model, the completed writes and successful swaps with the same
/// [`Facts::mentions`] and [`Facts::writes`] (see [`Search::next_main`]); [`NO_CLASS`]
/// for the rest. Also how many classes there are.
///
/// Written states that no operation mentions or needs count as one ([`UNOBSERVED`]):
/// the states two such operations leave differ, but no operation can tell them apart
/// (a read needs neither, a swap fails on both, a write replaces either), so the
/// exchange of [`Search::next_main`] keeps every operation's result. With unique values
/// most writes are never read, and 64 clients keep dozens of them open at once; trying
/// each made the search explore every subset of them when it backed up.
fn classes<M: Facts>(prep: &Prepared<'_>, states: &mut States<'_, M>) -> (Vec<u32>, usize) {
    let model = states.model();
    let mut ids: hashbrown::HashMap<(StateId, StateId), u32> = hashbrown::HashMap::new();
    let mut class = vec![NO_CLASS; prep.len()];
    if !model.exact() {
        return (class, 0);
    }
    // The states some operation looks at; a written state outside them is unobserved.
    let looked_at: hashbrown::HashSet<StateId> = prep
        .ops
        .iter()
        .flat_map(|op| [model.mentions(op), model.needs(op)])
        .flatten()
        .map(|s| states.intern(s))
        .collect();
    for (i, op) in prep.ops.iter().enumerate() {
        let certain = matches!(op.output(), Some(Output::Done | Output::Swapped(true)));
        let Some(w) = model
            .writes(op)
            .filter(|_| certain && prep.deadline[i].is_some())
        else {
            continue;
        };
        let w = Some(states.intern(w))
            .filter(|w| looked_at.contains(w))
            .unwrap_or(UNOBSERVED);
        let m = model
            .mentions(op)
            .map_or(StateId::MAX, |m| states.intern(m));
        let next = ids.len() as u32;
        class[i] = *ids.entry((m, w)).or_insert(next);
    }
    (class, ids.len())
}

/// What [`classes`] files every written state under that no operation mentions or
/// needs: such states are alike to every operation (see [`Search::next_main`]).
const UNOBSERVED: StateId = StateId::MAX - 1;

/// How many of the earliest returns [`Search::strands`] looks at.
const LOOKAHEAD: usize = 8;

/// How many of the earliest returns rule 3 of [`Search::strands`] looks at.
const FAR: usize = 64;

/// Beyond this many operations needing a state, [`Search::strands`] does not look for
/// the last one called (rule 3 is for values read a few times).
const MANY: usize = 64;

/// Whether `op` never changes the state, whatever the model: a completed read, a cas
/// that reported not swapping, or one that swapped a value for itself (legal only when
/// the register holds that value, and leaving it so: a read in all but name; with a few
/// repeated values one swap in five is one).
pub(crate) fn is_observer(op: &Operation) -> bool {
    match (&op.action, op.output()) {
        (Action::Read, Some(_)) | (Action::Cas { .. }, Some(Output::Swapped(false))) => true,
        (Action::Cas { from, to }, Some(Output::Swapped(true))) => from.as_ref() == Some(to),
        _ => false,
    }
}

impl<'a, M: Facts> Search<'a, M> {
    /// A search over `prep`, whose states `states` interned.
    pub(crate) fn new(prep: Prepared<'a>, mut states: States<'a, M>) -> Self {
        let list = Entries::new(&prep.times());
        let (class, class_count) = classes(&prep, &mut states);
        let n = prep.len();
        let returns = prep.deadline.iter().filter(|d| d.is_some()).count();
        let mut optional: Vec<u32> = (0..n as u32)
            .filter(|&i| prep.deadline[i as usize].is_none())
            .collect();
        optional.sort_by_key(|&i| (prep.ops[i as usize].call, i));
        let deadline = &prep.deadline;
        let watch = Watch::new(
            states.model(),
            &prep.ops,
            |i| deadline[i],
            |i| u64::from(list.call_at[i]),
            &mut states,
        );
        states.attach(&prep.ops);
        // What each operation writes, where some operation needs it; and where each
        // operation stands among the needers of the state it needs.
        let writes_to: Vec<StateId> = prep
            .ops
            .iter()
            .map(|&op| {
                let model = states.model();
                let w = model.writes(op).and_then(|w| states.find(&w));
                w.filter(|&w| !watch.needers(w).is_empty())
                    .unwrap_or(StateId::MAX)
            })
            .collect();
        let mut needer_pos = vec![u32::MAX; n];
        let mut front = Vec::new();
        for s in 0.. {
            let Some(needers) = (s < states.len()).then(|| watch.needers(s as StateId)) else {
                break;
            };
            for (k, &i) in needers.iter().enumerate() {
                needer_pos[i as usize] = k as u32;
            }
            front.push(0);
        }
        let optionals = Optionals::new(&prep.ops, &optional, states.model().exact());
        let mut optional_writers: Vec<Vec<u32>> = Vec::new();
        let mut class_writes: Vec<StateId> = Vec::new();
        if states.model().exact() {
            optional_writers = vec![Vec::new(); front.len()];
            for (k, members) in optionals.members.iter().enumerate() {
                let model = states.model();
                let w = model.writes(prep.ops[members[0] as usize]);
                let w = w.and_then(|w| states.find(&w));
                class_writes.push(w.unwrap_or(StateId::MAX));
                if let Some(w) = w
                    && let Some(list) = optional_writers.get_mut(w as usize)
                {
                    list.push(k as u32);
                }
            }
        }
        let consumes: Vec<bool> = (0..n)
            .map(|i| {
                let model = states.model();
                let op = prep.ops[i];
                let swapped = matches!(op.output(), Some(Output::Swapped(true)));
                let needs = watch.needs(i);
                let writes = model.writes(op).and_then(|w| states.find(&w));
                model.exact() && swapped && needs.is_some() && writes != needs
            })
            .collect();
        let asks: Vec<StateId> = (0..n)
            .map(|i| {
                let model = states.model();
                let op = prep.ops[i];
                let failed = matches!(op.output(), Some(Output::Swapped(false)));
                match model.exact() && (failed || op.output().is_none()) {
                    true => model.mentions(op).and_then(|m| states.find(&m)),
                    false => None,
                }
                .unwrap_or(StateId::MAX)
            })
            .collect();
        let optional_placed = Bits::new(optional.len());
        let exact_width = 1 + list.lanes.div_ceil(64);
        Search {
            order: Order::Groups,
            memo: Memo::new(exact_width, exact_width - 1 + optional_placed.words().len()),
            key: vec![0; exact_width],
            cover: vec![0; exact_width - 1 + optional_placed.words().len()],
            cursor: Cursor::Observers(list.first()),
            observer: prep.ops.iter().map(|o| is_observer(o)).collect(),
            writes_to,
            needer_pos,
            front,
            changes: prep
                .ops
                .iter()
                .map(|o| {
                    let certain = matches!(o.output(), Some(Output::Done | Output::Swapped(true)));
                    certain && !is_observer(o)
                })
                .collect(),
            asks,
            consumes,
            class,
            class_seen: vec![(0, 0); class_count],
            scan: 0,
            optional_writers,
            class_writes,
            optionals,
            optional_placed,
            list,
            returns_left: returns,
            states,
            watch,
            placed: Bits::new(n),
            state: 0,
            stack: Vec::new(),
            longest: Longest::new(),
            low: 0,
            target: None,
            reached: false,
            lenient: false,
            ids: prep.ids,
            ops: prep.ops,
            deadline: prep.deadline,
        }
    }

    /// The same search, trying operations in `order` (the default: [`Order::Groups`]).
    pub(crate) fn ordered(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// The same search, looking only for evidence against operation `blame` (an index
    /// into the operations searched), whose violation is certain.
    pub(crate) fn blaming(mut self, blame: usize) -> Self {
        self.target = Some(blame as u32);
        self
    }

    /// Runs at most `*steps` steps, counting them down; `None` when it paused undecided.
    /// A step is a placement or a move back; looking at an operation that cannot go next
    /// is not one.
    pub(crate) fn run(&mut self, steps: &mut u64) -> Option<Found> {
        while self.returns_left > 0 {
            if self.reached {
                return Some(self.not_found());
            }
            match self.cursor {
                Cursor::Observers(e) if self.list.is_call(e) => {
                    let op = self.list.op[e as usize];
                    let next = Cursor::Observers(self.list.next[e as usize]);
                    if !self.observer[op as usize] {
                        self.cursor = next;
                        continue;
                    }
                    if *steps == 0 {
                        return None;
                    }
                    self.cursor = match self.try_place(op, Placement::Forced(e)) {
                        Try::Placed => {
                            *steps -= 1;
                            Cursor::Observers(self.list.first())
                        }
                        Try::Illegal => next,
                        // The configuration with it placed failed before, so this one
                        // fails too (see the module docs).
                        Try::Covered => {
                            *steps -= 1;
                            match self.backtrack() {
                                true => continue,
                                false => return Some(self.not_found()),
                            }
                        }
                    };
                }
                Cursor::Observers(_) => self.cursor = Cursor::Main(0),
                Cursor::Main(from) => {
                    let (candidate, e) = self.next_main(from);
                    if let Some(c) = candidate {
                        let op = self.list.op[c as usize];
                        if *steps == 0 {
                            return None;
                        }
                        let next = Cursor::Main(self.urgency(c) + 1);
                        self.cursor = match self.try_place(op, Placement::Known(c)) {
                            Try::Placed => {
                                *steps -= 1;
                                Cursor::Observers(self.list.first())
                            }
                            Try::Illegal => next,
                            Try::Covered => {
                                *steps -= 1;
                                next
                            }
                        };
                        continue;
                    }
                    let op = self.list.op[e as usize];
                    if self.target == Some(op) {
                        // Everything that had to come before the operation to blame is
                        // placed, and it cannot go next: that is the evidence.
                        self.reach();
                        continue;
                    }
                    // Nothing with a known outcome can go before this return.
                    let need = self.watch.needs(op as usize).unwrap_or(StateId::MAX);
                    self.cursor = Cursor::Optional(0, self.list.time[e as usize], need);
                }
                Cursor::Optional(j, deadline, need) => {
                    // Two passes over the classes: first those that write what the
                    // operation at the first return needs, then the others.
                    let opt = &self.optionals;
                    let n = opt.members.len() as u32;
                    let (k, first_pass) = if j < n { (j, true) } else { (j - n, false) };
                    // Classes come in the order of their first calls: from the first
                    // called at or after `deadline` on, none has a member to try.
                    let in_time = opt
                        .first_call
                        .get(k as usize)
                        .is_some_and(|&c| c < deadline);
                    if !in_time && first_pass {
                        self.cursor = Cursor::Optional(n, deadline, need);
                        continue;
                    }
                    if !in_time {
                        if *steps == 0 {
                            return None;
                        }
                        *steps -= 1;
                        if !self.backtrack() {
                            return Some(self.not_found());
                        }
                        continue;
                    };
                    let next = Cursor::Optional(j + 1, deadline, need);
                    if self.serves(k, need) != first_pass || self.stood_in_for(k, deadline) {
                        self.cursor = next;
                        continue;
                    }
                    let opt = &self.optionals;
                    let front = opt.front(k);
                    let Some(op) = front.filter(|&op| self.ops[op as usize].call < deadline) else {
                        self.cursor = next;
                        continue;
                    };
                    if *steps == 0 {
                        return None;
                    }
                    self.cursor =
                        match self.try_place(op, Placement::Optional(k, op, deadline, need)) {
                            Try::Placed => {
                                *steps -= 1;
                                Cursor::Observers(self.list.first())
                            }
                            Try::Illegal => next,
                            Try::Covered => {
                                *steps -= 1;
                                next
                            }
                        };
                }
            }
        }
        Some(Found::Yes)
    }

    /// The next operation to try that is not an observer: of those that can go next
    /// (called before the first return left) and at least as urgent as `from`, the most
    /// urgent, by its call entry; and the first return left.
    ///
    /// An operation's urgency is the first return among it and the operations that need
    /// what it writes, then its own return (see [`Search::urgency`]): a write whose
    /// readers must return soon is the one to place before another. Trying them in order
    /// of their calls instead made the search back up every few operations with 64
    /// clients: with unique values, a write and its readers must stay together in any
    /// order, and the group that must finish first is the one whose first return comes
    /// first.
    ///
    /// Of several operations that can go next with equal effects in every state (see
    /// [`classes`]), only the one that returns first is tried: in any order that places
    /// another one `b` of them now, exchanging `b` with the first one `a` gives an order
    /// too. Every state along it is the same; `a` can go now; and `b` takes `a`'s later
    /// place, which nothing before it had to follow, since what `b` must precede `a`
    /// must precede too (`a` returns no later). With five repeated values and 64 clients
    /// most writes that can go next have such a twin, and trying each made the search
    /// explore the same orders dozens of times over.
    fn next_main(&mut self, from: u64) -> (Option<u32>, u32) {
        self.scan += 1;
        let scan = self.scan;
        let mut e = self.list.first();
        while self.list.is_call(e) {
            let op = self.list.op[e as usize] as usize;
            let class = self.class[op];
            if class != NO_CLASS {
                let ret = self.list.ret[e as usize];
                let seen = &mut self.class_seen[class as usize];
                if seen.0 != scan || ret < seen.1 {
                    *seen = (scan, ret);
                }
            }
            e = self.list.next[e as usize];
        }
        let mut best: Option<(u64, u32)> = None;
        let mut e = self.list.first();
        while self.list.is_call(e) {
            let op = self.list.op[e as usize];
            let class = self.class[op as usize];
            let twin =
                class != NO_CLASS && self.class_seen[class as usize].1 != self.list.ret[e as usize];
            if !self.observer[op as usize] && !twin {
                let u = self.urgency(e);
                if u >= from && best.is_none_or(|(b, _)| u < b) {
                    best = Some((u, e));
                }
            }
            e = self.list.next[e as usize];
        }
        (best.map(|b| b.1), e)
    }

    /// The urgency of the operation with call entry `e`: its group's first return (see
    /// `group`), then its own return entry, as one number that orders them; in
    /// [`Order::Returns`], its own return entry only.
    fn urgency(&self, e: u32) -> u64 {
        let op = self.list.op[e as usize] as usize;
        let own = self.list.ret[e as usize];
        if self.order == Order::Returns {
            return u64::from(own);
        }
        let w = self.writes_to[op];
        let group = match self.watch.needers(w).get(
            self.front
                .get(w as usize)
                .map_or(usize::MAX, |&f| f as usize),
        ) {
            Some(&r) => self.list.ret_of(r as usize).min(own),
            None => own,
        };
        (u64::from(group) << 32) | u64::from(own)
    }

    /// Places `op` if the model and the value facts allow it and no failed configuration
    /// covers the result.
    fn try_place(&mut self, op: u32, how: Placement) -> Try {
        let Some(next) = self.states.step(self.state, op, self.ops[op as usize]) else {
            return Try::Illegal;
        };
        if let Placement::Optional(_, _, deadline, _) = how {
            if next == self.state {
                // An optional operation that changes nothing: leaving it out does the same.
                return Try::Illegal;
            }
            if self.states.model().exact() && !self.wanted(next, deadline) {
                return Try::Illegal;
            }
        }
        let culprit = match self.lenient {
            true => None,
            false => self.forgoes(op, next).or_else(|| {
                (next != self.state)
                    .then(|| self.strands(op, next))
                    .flatten()
            }),
        };
        if culprit.is_none()
            && next != self.state
            && self.states.model().exact()
            && self.follows_idle_optional(op)
        {
            return Try::Illegal;
        }
        if let Some(culprit) = culprit {
            if self.target == Some(culprit) {
                // The evidence sought is near: from here on the search places what is
                // legal without this rule, so that the order it reports goes on to
                // everything that must come before the operation to blame (a stale
                // read's evidence then shows the overwrite), not just to this step.
                self.lenient = true;
            } else {
                self.note_refusal(op, next, culprit);
                return Try::Illegal;
            }
        }
        self.apply(op, how, next);
        if self.returns_left > 0 && self.failed_before() {
            self.undo();
            return Try::Covered;
        }
        let before = self.longest.len();
        self.longest.stack(self.stack.len(), self.state);
        if self.longest.len() > before {
            self.low = self.stack.len();
        }
        Try::Placed
    }

    fn apply(&mut self, op: u32, how: Placement, next: StateId) {
        self.placed.insert(op as usize);
        if let Some(s) = self.watch.needs(op as usize) {
            let needers = self.watch.needers(s);
            let f = &mut self.front[s as usize];
            while (*f as usize) < needers.len()
                && self.placed.contains(needers[*f as usize] as usize)
            {
                *f += 1;
            }
        }
        self.watch.place(op as usize);
        self.stack.push((how, self.state));
        self.state = next;
        match how {
            Placement::Known(e) | Placement::Forced(e) => {
                self.list.unlink(e);
                self.list.unlink(self.list.ret[e as usize]);
                self.returns_left -= 1;
            }
            Placement::Optional(k, op, ..) => {
                self.optionals.placed[k as usize] += 1;
                let bit = self.optionals.bit[op as usize];
                self.optional_placed.insert(bit as usize);
            }
        }
    }

    /// Takes back the last placement; returns it.
    fn undo(&mut self) -> Placement {
        let (how, before) = self.stack.pop().expect("a placement to undo");
        self.longest.backed_to(self.stack.len());
        let op = self.op_of(how) as usize;
        self.placed.remove(op);
        self.watch.unplace(op);
        if let Some(s) = self.watch.needs(op) {
            let f = &mut self.front[s as usize];
            *f = (*f).min(self.needer_pos[op]);
        }
        self.state = before;
        match how {
            Placement::Known(e) | Placement::Forced(e) => {
                self.list.relink(self.list.ret[e as usize]);
                self.list.relink(e);
                self.returns_left += 1;
            }
            Placement::Optional(k, op, ..) => {
                self.optionals.placed[k as usize] -= 1;
                let bit = self.optionals.bit[op as usize];
                self.optional_placed.remove(bit as usize);
            }
        }
        how
    }

    /// Fills `self.key` with the exact part of the current configuration's memo key:
    /// the first return left and the state in one word, then the lanes of the operations
    /// still unplaced before that return that are not observers (see the module docs);
    /// and `self.cover` with the covering part: the lanes of the observers still
    /// unplaced, then the optional operations placed.
    fn fill_key(&mut self) {
        self.key.iter_mut().for_each(|w| *w = 0);
        let lane_words = self.key.len() - 1;
        self.cover.iter_mut().for_each(|w| *w = 0);
        let mut e = self.list.first();
        while self.list.is_call(e) {
            let op = self.list.op[e as usize];
            let lane = self.list.lane[op as usize] as usize;
            match self.observer[op as usize] {
                true => self.cover[lane / 64] |= 1 << (lane % 64),
                false => self.key[1 + lane / 64] |= 1 << (lane % 64),
            }
            e = self.list.next[e as usize];
        }
        let state = self.watch.key(self.state);
        self.key[0] = u64::from(e) | (u64::from(state) << 32);
        self.cover[lane_words..].copy_from_slice(self.optional_placed.words());
    }

    /// Whether a configuration that failed covers the current one.
    fn failed_before(&mut self) -> bool {
        self.fill_key();
        self.memo.covers(&self.key, &self.cover)
    }

    /// Records the current configuration as failed.
    fn remember_failure(&mut self) {
        self.fill_key();
        self.memo.insert(&self.key, &self.cover);
    }

    /// `op` was legal but strands `culprit`: the order so far plus `op` is still a legal
    /// order, and may be the longest, with `culprit` to blame.
    fn note_refusal(&mut self, op: u32, next: StateId, culprit: u32) {
        self.longest.refusal(self.stack.len(), op, next, culprit);
    }

    /// Takes the current order as the evidence against the target, and stops the
    /// search.
    fn reach(&mut self) {
        let order = self.stack.iter().map(|&(p, _)| self.op_of(p)).collect();
        self.longest.reached(order, self.state, self.target);
        self.reached = true;
    }

    fn op_of(&self, p: Placement) -> u32 {
        match p {
            Placement::Known(e) | Placement::Forced(e) => self.list.op[e as usize],
            Placement::Optional(_, op, ..) => op,
        }
    }

    /// Records the current configuration as failed and undoes placements up to and
    /// including the last one made by choice, moving the cursor past that one; `false`
    /// when there is no choice left to undo, which means no order exists.
    fn backtrack(&mut self) -> bool {
        self.save_record();
        loop {
            if self.stack.is_empty() {
                return false;
            }
            self.remember_failure();
            let undone = self.undo();
            self.low = self.low.min(self.stack.len());
            self.cursor = match undone {
                // Its configuration is equivalent to the one before it: that failed too.
                Placement::Forced(_) => continue,
                Placement::Known(e) => Cursor::Main(self.urgency(e) + 1),
                Placement::Optional(k, _, deadline, need) => {
                    let n = self.optionals.members.len() as u32;
                    let pass = if self.serves(k, need) { 0 } else { n };
                    Cursor::Optional(pass + k + 1, deadline, need)
                }
            };
            return true;
        }
    }

    /// Where the search is stuck, for a verdict that it could not decide: the operation
    /// its longest order could not get past, and the stretch of the history it has been
    /// trying the orders of since it last got further.
    pub(crate) fn hard(&mut self) -> Hard {
        self.save_record();
        let deadline = &self.deadline;
        Hard::of(
            &self.ops,
            &self.ids,
            deadline,
            &self.longest.best.0,
            self.low,
            |in_order| {
                (0..deadline.len())
                    .filter(|&i| !in_order.contains(i))
                    .filter_map(|i| deadline[i].map(|d| (d, i)))
                    .min()
                    .map(|(_, i)| i)
            },
        )
    }

    /// The evidence for a violation known by other means, from the longest order found
    /// so far, blaming operation `blame` (an index into the operations searched) unless
    /// that order stranded another.
    pub(crate) fn evidence(&mut self, blame: usize) -> Found {
        self.save_record();
        self.longest.blame(blame as u32);
        self.not_found()
    }

    fn save_record(&mut self) {
        let (stack, list) = (&self.stack, &self.list);
        self.longest.save(|i| match stack[i].0 {
            Placement::Known(e) | Placement::Forced(e) => list.op[e as usize],
            Placement::Optional(_, op, ..) => op,
        });
    }

    /// Builds the evidence from the longest order found.
    fn not_found(&mut self) -> Found {
        self.save_record();
        let (ops, ids, deadline) = (&self.ops, &self.ids, &self.deadline);
        let (prefix, state, culprit) = &self.longest.best;
        let mut in_prefix = Bits::new(ops.len());
        prefix.iter().for_each(|&i| in_prefix.insert(i as usize));
        let rest = (0..ops.len()).filter(|&i| !in_prefix.contains(i));
        // The operation the last placement stranded, or else the first to return among
        // the rest: it had to come before anything called later.
        let first = culprit.map(|c| c as usize).or_else(|| {
            rest.clone()
                .filter_map(|i| deadline[i].map(|r| (r, i)))
                .min()
                .map(|(_, i)| i)
        });
        let mut blocked = Vec::new();
        if let Some(first) = first {
            let until = deadline[first].unwrap_or(u64::MAX);
            blocked.push(first);
            blocked.extend(rest.filter(|&i| i != first && ops[i].call < until));
        }
        Found::No {
            prefix: prefix.iter().map(|&i| ids[i as usize]).collect(),
            state: self.states.show(*state),
            blocked: blocked.into_iter().map(|i| ids[i]).collect(),
        }
    }
}
