//! A bounded explorer of schedules: every way a small world can run, within bounds.
//!
//! A random run tries one schedule per seed; a mistake that shows only when one message
//! overtakes another, or when a timer fires before an answer arrives, may need hundreds
//! of seeds to appear. The explorer tries them all, in the spirit of stateright and of
//! deterministic simulation testing: starting from a world a test builds (nodes, clients
//! and their scripts), it enumerates which pending event happens next (any of the
//! earliest few, not only the earliest), which message copies are dropped, and so when
//! timers fire against deliveries, and checks every complete run.
//!
//! The number of schedules grows fast, so three bounds keep it small, as in delay
//! bounding: a run may *deviate* from the time order (take an event that is not the
//! earliest, or drop one) at most [`Bounds::deviations`] times, drop at most
//! [`Bounds::drops`] messages, and look at most [`Bounds::window`] events ahead. Most
//! concurrency mistakes need one or two deviations. Runs are explored with no
//! deviation first, then one, then two: the first violation found is one of the least
//! unusual schedules that shows it.
//!
//! States already seen are pruned. Nodes are deterministic, so a node's state is a
//! function of the inputs it handled and when: the world keeps a digest of each node's
//! inputs, names each message by how it came to be sent, and a state's fingerprint is
//! made of those digests, the pending events and the clients' outcomes (see `names`). It
//! never reads a node's state or a message's contents, which are the student's types.
//! Two schedules that reach one state (two deliveries to different nodes, in either
//! order) are explored from it once.
//!
//! Runs are replayed from the start rather than copied at each branch: a world holds the
//! student's nodes, and copying them would go through the student's `Clone`.
//!
//! ```
//! use std::time::Duration;
//! use testkit::sim::{Config, Context, Node, NodeId, ReplyTo, World};
//! use testkit::sim::explore::{Bounds, Script, explore};
//!
//! /// Remembers the last value written to it and tells its peer, which keeps what
//! /// arrives last: a register that is not even sequentially consistent.
//! #[derive(Default)]
//! struct Echo(i64);
//!
//! impl Node for Echo {
//!     type Msg = i64;
//!     type Request = Option<i64>;
//!     type Response = i64;
//!     fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, v: i64) {
//!         self.0 = v;
//!     }
//!     fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, write: Option<i64>) {
//!         if let Some(v) = write {
//!             self.0 = v;
//!             ctx.broadcast(v);
//!         }
//!         ctx.reply(reply, self.0);
//!     }
//! }
//!
//! let config = Config::new(0).delay(Duration::from_millis(1), Duration::from_millis(1)).tick(None);
//! let make = || World::new(config.clone(), vec![Echo::default(), Echo::default()]);
//! let script = Script::new()
//!     .client(vec![(0, Some(1)), (0, None)])
//!     .client(vec![(1, Some(2)), (1, None)]);
//! // Both nodes must end with the same value.
//! let result = explore(&Bounds::default(), &make, &script, |world| {
//!     if world.node(0).0 == world.node(1).0 {
//!         Ok(())
//!     } else {
//!         Err(format!("n0 holds {}, n1 holds {}", world.node(0).0, world.node(1).0))
//!     }
//! });
//! let found = result.violation.expect("two writes crossing on the wire diverge");
//! assert!(found.why.starts_with("n0 holds"));
//! ```

use std::collections::HashMap;
use std::fmt;

use super::names::{self, mix};
use super::queue::Job;
use super::trace::{DropReason, Fate};
use super::{Endpoint, Event, Node, NodeId, World};
use crate::history::ClientId;

/// How far the explorer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Events per run, at most: a run that has not finished by then is checked as it is.
    pub steps: usize,
    /// Times a run may take an event other than the earliest, or drop one.
    pub deviations: usize,
    /// Message copies a run may drop (each drop is also a deviation).
    pub drops: usize,
    /// How many of the earliest pending events a step may choose among.
    pub window: usize,
    /// Runs explored, at most: past it, the exploration stops and says it is incomplete.
    pub runs: usize,
}

impl Default for Bounds {
    /// Sixty events, two deviations, one drop, a window of four, a hundred thousand runs.
    fn default() -> Self {
        Bounds {
            steps: 60,
            deviations: 2,
            drops: 1,
            window: 4,
            runs: 100_000,
        }
    }
}

/// What each client does: its requests, in order, each to a node, each sent as soon as
/// the client's previous call ended (answered, timed out, refused or lost).
#[derive(Clone, Debug)]
pub struct Script<Q> {
    clients: Vec<Vec<(NodeId, Q)>>,
    /// The virtual time a run lasts at least, in nanoseconds.
    until: u64,
}

impl<Q> Default for Script<Q> {
    fn default() -> Self {
        Script {
            clients: Vec::new(),
            until: 0,
        }
    }
}

impl<Q: Clone> Script<Q> {
    /// A script with no client.
    pub fn new() -> Self {
        Script::default()
    }

    /// Adds the next client (clients are numbered from 0 in the order they are added)
    /// with its calls: `(node, request)`, in order.
    pub fn client(mut self, calls: Vec<(NodeId, Q)>) -> Self {
        self.clients.push(calls);
        self
    }

    /// How many clients the script has.
    pub fn clients(&self) -> usize {
        self.clients.len()
    }

    /// Makes every run last at least until virtual time `at`, clients done or not: for
    /// what nodes do on their own (gossip on each tick, retries), which goes on after
    /// the last answer. [`Bounds::steps`] still ends a run first.
    pub fn run_until(mut self, at: std::time::Duration) -> Self {
        self.until = u64::try_from(at.as_nanos()).unwrap_or(u64::MAX);
        self
    }
}

/// One choice of a run: which of the earliest pending events happens (0: the earliest,
/// the world's own order), or which is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// The event at this place among the earliest pending ones happens.
    Take(usize),
    /// The message copy at this place among the earliest pending events is lost.
    Drop(usize),
}

impl Choice {
    fn deviates(self) -> bool {
        self != Choice::Take(0)
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Take(0) => f.write_str("next"),
            Choice::Take(i) => write!(f, "take #{i}"),
            Choice::Drop(i) => write!(f, "drop #{i}"),
        }
    }
}

/// A run that broke the check.
pub struct Counterexample<N: Node> {
    /// Its choices, one per step: replay it with [`replay`].
    pub choices: Vec<Choice>,
    /// The world at its end: its history, its trace (when the config keeps one).
    pub world: World<N>,
    /// What the check said.
    pub why: String,
}

impl<N: Node> Counterexample<N> {
    /// The steps that were not the world's own order, as `step N: take #i`.
    pub fn deviations(&self) -> Vec<String> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.deviates())
            .map(|(step, c)| format!("step {}: {c}", step + 1))
            .collect()
    }
}

impl<N: Node> fmt::Debug for Counterexample<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counterexample")
            .field("choices", &self.choices)
            .field("why", &self.why)
            .finish_non_exhaustive()
    }
}

/// What an exploration found.
pub struct Exploration<N: Node> {
    /// Runs taken to their end and checked.
    pub runs: usize,
    /// Runs cut short at a state already explored with at least the same budgets.
    pub pruned: usize,
    /// Whether every run within the bounds was explored (or pruned): `false` when the
    /// limit of runs stopped it first, or a violation did.
    pub complete: bool,
    /// The first violation found, with the fewest deviations.
    pub violation: Option<Counterexample<N>>,
}

impl<N: Node> fmt::Debug for Exploration<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exploration")
            .field("runs", &self.runs)
            .field("pruned", &self.pruned)
            .field("complete", &self.complete)
            .field("violation", &self.violation)
            .finish()
    }
}

/// Explores every run of the world `make` builds, with the clients of `script`, within
/// `bounds`, and checks each with `check` (an `Err` is a violation). A run ends when
/// every client has made all its calls and none waits, no message is in flight and no
/// named timer is pending; when nothing is pending at all; or after [`Bounds::steps`]
/// events.
///
/// `make` must build the same world every time (the explorer replays runs from the
/// start): a fixed seed, and a fixed delay (`min_delay == max_delay`), no loss and no
/// duplication in its config, since the explorer itself decides what the network does.
pub fn explore<N: Node>(
    bounds: &Bounds,
    make: &dyn Fn() -> World<N>,
    script: &Script<N::Request>,
    mut check: impl FnMut(&World<N>) -> Result<(), String>,
) -> Exploration<N> {
    let mut result = Exploration {
        runs: 0,
        pruned: 0,
        complete: true,
        violation: None,
    };
    for deviations in 0..=bounds.deviations {
        let level = Bounds {
            deviations,
            ..*bounds
        };
        if !explore_level(&level, make, script, &mut check, &mut result) {
            result.complete = false;
            return result;
        }
    }
    result
}

/// Explores every run with at most `bounds.deviations` deviations; `false` when it
/// stopped early (a violation, or the limit of runs).
fn explore_level<N: Node>(
    bounds: &Bounds,
    make: &dyn Fn() -> World<N>,
    script: &Script<N::Request>,
    check: &mut dyn FnMut(&World<N>) -> Result<(), String>,
    result: &mut Exploration<N>,
) -> bool {
    let mut seen = Seen::new();
    // The choices of the run to take next; past them, the world's own order.
    let mut prefix: Vec<Choice> = Vec::new();
    loop {
        if result.runs + result.pruned >= bounds.runs {
            return false;
        }
        let run = play(bounds, make, script, &prefix, Some(&mut seen));
        match run.end {
            End::Pruned => result.pruned += 1,
            End::Finished => {
                result.runs += 1;
                if let Err(why) = check(&run.world) {
                    result.violation = Some(Counterexample {
                        choices: run.choices,
                        world: run.world,
                        why,
                    });
                    return false;
                }
            }
        }
        // Backtrack: the deepest step with an alternative left, within the budgets.
        let Some(next) = next_prefix(bounds, &run.choices, &run.options) else {
            return true;
        };
        prefix = next;
    }
}

/// The budgets (steps, deviations, drops left) each state was explored with, by the
/// state's fingerprint.
type Seen = HashMap<u64, Vec<(usize, usize, usize)>>;

/// How a run ended.
enum End {
    /// It reached its end and is to be checked.
    Finished,
    /// It reached a state already explored with at least its budgets.
    Pruned,
}

/// One run: its choices, the options each step had, and the world at its end.
struct Run<N: Node> {
    choices: Vec<Choice>,
    /// For each step: how many events it could take, and how many of them it could drop.
    options: Vec<Options>,
    world: World<N>,
    end: End,
}

/// The choices a step had: the window's events, and which of them are messages.
#[derive(Clone, Debug)]
struct Options {
    events: usize,
    droppable: Vec<bool>,
}

/// The run whose first choices are `prefix`, then the world's own order.
fn play<N: Node>(
    bounds: &Bounds,
    make: &dyn Fn() -> World<N>,
    script: &Script<N::Request>,
    prefix: &[Choice],
    mut seen: Option<&mut Seen>,
) -> Run<N> {
    let mut world = make();
    let mut next_call = vec![0usize; script.clients.len()];
    call_next(&mut world, script, &mut next_call);
    let mut run = Run {
        choices: Vec::new(),
        options: Vec::new(),
        world,
        end: End::Finished,
    };
    let (mut deviations, mut drops) = (0, 0);
    for step in 0..bounds.steps {
        if script_done(&run.world, script, &next_call) {
            break;
        }
        let window: Vec<((u64, u64), bool)> = run
            .world
            .queue
            .pending()
            .take(bounds.window.max(1))
            .map(|(place, job)| (place, matches!(job, Job::Deliver(_))))
            .collect();
        if window.is_empty() {
            break;
        }
        // Past the prefix, prune a state explored before with budgets at least these.
        if step >= prefix.len()
            && let Some(seen) = seen.as_deref_mut()
        {
            let budgets = (
                bounds.steps - step,
                bounds.deviations - deviations,
                bounds.drops - drops,
            );
            let explored = seen.entry(run.world.fingerprint()).or_default();
            if explored
                .iter()
                .any(|&(s, d, x)| s >= budgets.0 && d >= budgets.1 && x >= budgets.2)
            {
                run.end = End::Pruned;
                return run;
            }
            explored.push(budgets);
        }
        let choice = prefix.get(step).copied().unwrap_or(Choice::Take(0));
        run.options.push(Options {
            events: window.len(),
            droppable: window.iter().map(|&(_, message)| message).collect(),
        });
        run.choices.push(choice);
        if choice.deviates() {
            deviations += 1;
        }
        match choice {
            Choice::Take(i) => {
                let (place, _) = window[i.min(window.len() - 1)];
                take(&mut run.world, place);
            }
            Choice::Drop(i) => {
                let (place, _) = window[i.min(window.len() - 1)];
                drops += 1;
                lose(&mut run.world, place);
            }
        }
        call_next(&mut run.world, script, &mut next_call);
    }
    run
}

/// The choices of the next run to explore after `choices`: the deepest step that has an
/// alternative after the one taken, within the budgets; `None` when none has.
fn next_prefix(bounds: &Bounds, choices: &[Choice], options: &[Options]) -> Option<Vec<Choice>> {
    for step in (0..choices.len()).rev() {
        let before = &choices[..step];
        let deviations = before.iter().filter(|c| c.deviates()).count();
        let drops = before
            .iter()
            .filter(|c| matches!(c, Choice::Drop(_)))
            .count();
        let options = &options[step];
        let mut candidate = choices[step];
        while let Some(next) = successor(candidate, options) {
            candidate = next;
            let over_deviations = deviations + 1 > bounds.deviations;
            let over_drops = matches!(next, Choice::Drop(_)) && drops + 1 > bounds.drops;
            if !over_deviations && !over_drops {
                let mut prefix = before.to_vec();
                prefix.push(next);
                return Some(prefix);
            }
        }
    }
    None
}

/// The choice after `choice` among a step's options: take the next event, then drop the
/// first message, the next, and so on.
fn successor(choice: Choice, options: &Options) -> Option<Choice> {
    let drop_from = |from: usize| {
        (from..options.events)
            .find(|&i| options.droppable[i])
            .map(Choice::Drop)
    };
    match choice {
        Choice::Take(i) if i + 1 < options.events => Some(Choice::Take(i + 1)),
        Choice::Take(_) => drop_from(0),
        Choice::Drop(i) => drop_from(i + 1),
    }
}

/// Replays the run of `choices` (as a [`Counterexample`] holds them) on a world `make`
/// builds, with the clients of `script`: the same world, step for step.
pub fn replay<N: Node>(
    make: &dyn Fn() -> World<N>,
    script: &Script<N::Request>,
    choices: &[Choice],
) -> World<N> {
    let bounds = Bounds {
        steps: choices.len(),
        deviations: usize::MAX,
        drops: usize::MAX,
        window: usize::MAX,
        runs: 1,
    };
    play(&bounds, make, script, choices, None).world
}

/// Whether the run is over: its time ([`Script::run_until`]) has come, every client has
/// made all its calls and none waits, no message is in flight, and no running node has
/// a named timer pending (periodic ticks do not count: they never end).
fn script_done<N: Node>(world: &World<N>, script: &Script<N::Request>, next: &[usize]) -> bool {
    world.now >= script.until
        && world.is_quiet()
        && world.slots.iter().all(|s| !s.up || s.timers.is_empty())
        && next
            .iter()
            .zip(&script.clients)
            .all(|(&n, calls)| n >= calls.len())
}

/// Makes each idle client's next call.
fn call_next<N: Node>(world: &mut World<N>, script: &Script<N::Request>, next: &mut [usize]) {
    for (client, calls) in script.clients.iter().enumerate() {
        let index = &mut next[client];
        if *index < calls.len() && !world.is_waiting(client as ClientId) {
            let (node, request) = calls[*index].clone();
            world.call(client as ClientId, node, request);
            *index += 1;
        }
    }
}

/// The event at `place` happens now (or at its own time, if that is later).
fn take<N: Node>(world: &mut World<N>, place: (u64, u64)) {
    if let Some(job) = world.queue.take(place) {
        world.fire(place.0, job);
    }
}

/// The message copy at `place` is lost.
fn lose<N: Node>(world: &mut World<N>, place: (u64, u64)) {
    if let Some(Job::Deliver(d)) = world.queue.take(place) {
        world.note(|| Event::Message {
            id: d.id,
            from: d.from,
            to: d.to,
            payload: d.payload,
            fate: Fate::Dropped(DropReason::Loss),
        });
    }
}

impl<N: Node> World<N> {
    /// A digest of the world's state as the explorer tells states apart: the time, each
    /// node's inputs, life, tick and timers, the pending events in order, the links and
    /// how every call ended (see `names`).
    pub(super) fn fingerprint(&self) -> u64 {
        let mut h = mix(0, self.now);
        for slot in &self.slots {
            h = mix(h, u64::from(slot.up));
            h = mix(h, slot.life);
            h = mix(h, slot.inputs);
            h = mix(h, slot.tick.unwrap_or(u64::MAX));
            h = mix(h, slot.tick_generation);
            let mut timers: Vec<(u64, u64)> = slot
                .timers
                .iter()
                .map(|&(name, generation)| (names::text(name), generation))
                .collect();
            timers.sort_unstable();
            for (name, generation) in timers {
                h = mix(mix(h, name), generation);
            }
        }
        for ((at, _), job) in self.queue.pending() {
            h = mix(mix(h, at), job_name(job));
        }
        h = mix(h, self.net.digest());
        for (&client, &call) in &self.waiting {
            h = mix(mix(h, client as u64), call as u64);
        }
        mix(mix(h, self.calls.len() as u64), self.endings)
    }
}

/// What a pending event is, by names only.
fn job_name<M, Q, R>(job: &Job<M, Q, R>) -> u64 {
    let endpoint = |e: Endpoint| match e {
        Endpoint::Node(n) => mix(1, n as u64),
        Endpoint::Client(c) => mix(2, c as u64),
    };
    match job {
        Job::Deliver(d) => mix(
            mix(mix(d.name, endpoint(d.to)), endpoint(d.from)),
            mix(d.from_life, d.to_life),
        ),
        Job::Tick {
            node,
            life,
            generation,
        } => mix(mix(mix(names::TICK, *node as u64), *life), *generation),
        Job::Timer {
            node,
            life,
            name,
            generation,
        } => mix(
            mix(mix(names::TIMER, *node as u64), *life),
            mix(names::text(name), *generation),
        ),
        Job::ClientTimeout { client, call } => mix(mix(9, *client as u64), *call as u64),
    }
}

#[cfg(test)]
mod tests;
