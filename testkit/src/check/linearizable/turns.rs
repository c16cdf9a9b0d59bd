//! Two searches of one key that try operations in different orders, in turns.
//!
//! How long the search takes on a hard history depends heavily on which of the
//! operations that can go next it tries first, and no one order is best everywhere:
//! on thirty generated histories of 6,400 operations with five values and 64 clients,
//! trying by groups ([`Order::Groups`](super::wgl::Order::Groups)) took 1.9 and 2.8 s on two of them, which trying
//! by returns ([`Order::Returns`](super::wgl::Order::Returns)) decides in 0.2 and 0.6 s, while it takes 3.5 s on a
//! third that the first decides in 7 ms. The times are heavy-tailed and the hard
//! histories differ, so two searches in turns are decided about as soon as the faster
//! of the two is, at twice its steps.
//!
//! Each search is complete and sound on its own: either one's verdict is the verdict.
//! The turns are counted in steps, never in time, so a check is as deterministic as a
//! single search. Most histories need no second search: it is built only when the first
//! has taken more steps than an easy history of that size needs ([`alone`]), and only
//! for keys of at most [`MOST_OPS`] operations.
//!
//! When the machine has a second processor the second search takes its turns on a
//! thread of its own, at the same time as the first takes its own. A turn is a fixed
//! number of steps and the first's result is looked at first, so the verdict, its
//! evidence and the steps counted are those of taking turns on one thread: only the
//! time on the clock differs.

use super::wgl::{Found, Hard, Search};
use crate::model::Facts;

/// Builds the second search when it is wanted.
pub(crate) type Build<'a, M> = Box<dyn FnOnce() -> Search<'a, M> + 'a>;

/// The searches of one key, paused between slices of steps.
pub(crate) struct Turns<'a, M: Facts> {
    first: Search<'a, M>,
    second: Option<Search<'a, M>>,
    build: Option<Build<'a, M>>,
    /// The steps the first search has left to take alone.
    alone: u64,
}

/// The most steps either search takes in one turn: when the second runs on a thread of
/// its own, a turn is also how long the faster one may wait for the other.
const CHUNK: u64 = 1 << 16;

/// Whether the second search may take its turns on a thread of its own: when the
/// machine has another processor.
fn parallel() -> bool {
    #[cfg(test)]
    if tests::ONE_THREAD.get() {
        return false;
    }
    // Asked once: the answer reads the process's processor limits from the system.
    static PARALLEL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PARALLEL.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Runs a turn of each search at once, the second on a thread of its own: the first's
/// result, and the second's (`None` when the thread could not be started: the caller
/// runs it then).
fn both<'a, M: Facts>(
    first: &mut Search<'a, M>,
    mine: &mut u64,
    second: &mut Search<'a, M>,
    theirs: &mut u64,
) -> (Option<Found>, Option<Option<Found>>) {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().spawn_scoped(scope, || second.run(theirs));
        let found = first.run(mine);
        let other = thread.ok().map(|t| match t.join() {
            Ok(other) => other,
            Err(panic) => std::panic::resume_unwind(panic),
        });
        (found, other)
    })
}

/// The most operations of a key that gets a second search. The second search starts
/// from the beginning of the history, with tables of its own as large as the first's
/// (at a million operations, a quarter more memory in all), and a long history that is
/// hard has many hard stretches, on any of which the second order may stall too:
/// measured at a million operations with five values and 16 clients, the second search
/// only cost memory (470 to 600 MB) and time.
const MOST_OPS: usize = 100_000;

/// The steps the first search takes alone on a key of `ops` operations: an easy history
/// takes about one step per operation (a placement each), so four per operation leave
/// room for some backing up before a second search doubles the work.
fn alone(ops: usize) -> u64 {
    4 * ops as u64 + 20_000
}

impl<'a, M: Facts> Turns<'a, M> {
    /// `first` alone for [`alone`] steps, then in turns with the search `build` makes (in
    /// the other order, of the same operations); `first` alone throughout when `build`
    /// is `None` or the key has more than [`MOST_OPS`] operations.
    pub(crate) fn new(first: Search<'a, M>, ops: usize, build: Option<Build<'a, M>>) -> Self {
        let build = build.filter(|_| ops <= MOST_OPS);
        Turns {
            first,
            second: None,
            alone: match build {
                Some(_) => alone(ops),
                None => u64::MAX,
            },
            build,
        }
    }

    /// Runs at most `*steps` steps, counting them down, shared between the searches;
    /// `None` when both paused undecided.
    pub(crate) fn run(&mut self, steps: &mut u64) -> Option<Found> {
        if self.second.is_none() {
            let mut mine = (*steps).min(self.alone);
            let given = mine;
            let found = self.first.run(&mut mine);
            *steps -= given - mine;
            self.alone -= given - mine;
            if found.is_some() || self.alone > 0 {
                return found;
            }
            let build = self.build.take()?;
            self.second = Some(build());
        }
        let second = self.second.as_mut()?;
        let parallel = parallel();
        while *steps > 0 {
            let chunk = (*steps).min(CHUNK);
            let mut theirs = chunk / 2;
            let mut mine = chunk - theirs;
            let (found, other) = match parallel {
                true => both(&mut self.first, &mut mine, second, &mut theirs),
                false => (self.first.run(&mut mine), None),
            };
            // The second's turn counts only when the first did not decide in its own:
            // the verdict and the steps are those of taking turns on one thread.
            let (found, theirs_left) = match (found, other) {
                (Some(found), _) => (Some(found), chunk / 2),
                (None, Some(other)) => (other, theirs),
                (None, None) => (second.run(&mut theirs), theirs),
            };
            *steps -= chunk - mine - theirs_left;
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Where the first search is stuck (see [`Search::hard`]).
    pub(crate) fn hard(&mut self) -> Hard {
        self.first.hard()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use crate::check::Verdict;
    use crate::check::linearizable::check_model;
    use crate::generate::{GenConfig, generate};
    use crate::model::CasRegister;

    thread_local! {
        /// Set by a test to take the turns on one thread, as a machine with one
        /// processor does.
        pub(super) static ONE_THREAD: Cell<bool> = const { Cell::new(false) };
    }

    /// Taking turns on one thread or on two comes to the same verdict, the same evidence
    /// and the same steps (an undecided verdict names where the first search stopped,
    /// after the same number of them), whichever search decides.
    #[test]
    fn one_thread_or_two_come_to_the_same_verdict() {
        let five = |ops_per_client, seed, violation| GenConfig {
            clients: 64,
            ops_per_client,
            value_range: Some(5),
            unknown: 0.02,
            violation,
            seed,
            ..GenConfig::default()
        };
        let mut kinds = Vec::new();
        for (cfg, budget) in [
            // Decided by the second search, the first by itself needs millions of steps.
            (five(25, 2, false), 1_000_000),
            // Undecided within the budget, after both searches took turns.
            (five(25, 11, false), 100_000),
            // Decided after the second search joined the first.
            (five(25, 6, false), 1_000_000),
            // A violation found by searching.
            (five(25, 3, true), 1_000_000),
        ] {
            let history = generate(&cfg);
            let two = check_model(&CasRegister, &history, budget);
            ONE_THREAD.set(true);
            let one = check_model(&CasRegister, &history, budget);
            ONE_THREAD.set(false);
            assert_eq!(one, two, "seed {} with {budget} steps", cfg.seed);
            kinds.push(std::mem::discriminant(&one));
        }
        assert_eq!(
            kinds,
            [
                std::mem::discriminant(&Verdict::Holds),
                std::mem::discriminant(&Verdict::Undecided {
                    reason: String::new()
                }),
                std::mem::discriminant(&Verdict::Holds),
                kinds[3],
            ]
        );
    }
}
