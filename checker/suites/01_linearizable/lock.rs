//! Task `lock`: mutual exclusion, waits, releases, timeouts and fencing tokens.
//!
//! Tokens and errors are the course's (`linearizable_given`), named from there so that a
//! lock answering with look-alike types of its own does not compile here; they are
//! ordered and told apart with the comparisons the course derives for them. The lock and
//! the resource are the student's: they are observed only through what their methods
//! return. The lock runs on the suite's own register (`course_register`), never on the
//! student's `Register`: a mistake of task `register` cannot cost this task, and what the
//! lock does to its register is seen by the suite's own code.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::student::Resource;
use crate::student::{CourseRegister, Lock};
use linearizable_given::{LockError, Stale, Token};
use testkit::history::Millis;
use testkit::rng::Rng;
use testkit::shrink::Shrink;
use tokio::time::Instant;

use crate::runs;

/// A lock on a fresh register of the suite's, and that register.
fn new_lock(seed: u64) -> (Lock, CourseRegister) {
    let register = CourseRegister::new(seed ^ 0x10C);
    (Lock::new(register.clone()), register)
}

const MS: fn(u64) -> Duration = Duration::from_millis;

/// Waits for spawned tasks and passes a panic in one of them on to the test.
async fn join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks {
        match task.await {
            Ok(value) => out.push(value),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    out
}

/// Fails the test with `why`, naming the seed to replay from.
fn fail_at(seed: u64, why: String) -> ! {
    suite_harness::replay_from(seed);
    suite_harness::fail(format!("seed {seed}: {why}"))
}

/// One acquisition seen by a client: who, the token, when it held the lock.
#[derive(Clone, Debug)]
struct Held {
    owner: u32,
    token: Token,
    from: Duration,
    to: Duration,
}

/// How the clients of a contended run reach the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handles {
    /// One lock, shared through an `Arc`: what a clone of the lock is would be the
    /// student's `Clone` to decide, which `clones_share_the_lock` checks on its own.
    Shared,
    /// Each client its own `Lock`, made on a handle of the one register.
    LockPerClient,
}

/// The size of a contended run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contention {
    clients: u32,
    rounds: u32,
}

impl Shrink for Contention {
    fn smaller(&self) -> Vec<Contention> {
        let mut out = Vec::new();
        if self.rounds > 1 {
            out.push(Contention {
                rounds: self.rounds - 1,
                ..*self
            });
        }
        if self.clients > 2 {
            out.push(Contention {
                clients: self.clients - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for Contention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rounds {
            1 => write!(f, "{} clients taking the lock once each", self.clients),
            n => write!(f, "{} clients taking the lock {n} times each", self.clients),
        }
    }
}

/// The owner number of client `i` of a contended run: 0, then two-digit numbers.
fn owner_of(i: u32) -> u32 {
    if i == 0 { 0 } else { 10 + i }
}

/// Runs `size.clients` tasks that each take the lock `size.rounds` times (waiting up to
/// 5 s each time), hold it a random few milliseconds and release it. Returns every
/// acquisition in the order they happened, or the first broken rule.
fn contend(seed: u64, size: Contention, handles: Handles) -> Result<Vec<Held>, String> {
    suite_harness::block_on_paused(async move {
        let (lock, register) = new_lock(seed);
        let lock = Arc::new(lock);
        let start = Instant::now();
        let holder: Arc<Mutex<Option<u32>>> = Arc::new(Mutex::new(None));
        let broken: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        let mut rng = Rng::new(seed);
        let mut tasks = Vec::new();
        for i in 0..size.clients {
            let owner = owner_of(i);
            let lock = match handles {
                Handles::Shared => Arc::clone(&lock),
                Handles::LockPerClient => Arc::new(Lock::new(register.clone())),
            };
            let (holder, broken, mut rng) = (holder.clone(), broken.clone(), rng.fork());
            tasks.push(tokio::spawn(async move {
                let note = |why: String| {
                    broken.lock().unwrap().get_or_insert(why);
                };
                let mut held = Vec::new();
                for round in 0..size.rounds {
                    tokio::time::sleep(MS(rng.below(4))).await;
                    let asked = start.elapsed();
                    let token = match lock.acquire(owner, Duration::from_secs(5)).await {
                        Ok(token) => token,
                        Err(error) => {
                            note(format!(
                                "client {owner} asked for the lock at {} (round {round}) \
                                 with a 5000 ms timeout and got {error:?} at {}, while the other \
                                 clients each held it a few milliseconds at a time. A waiting \
                                 client gets the lock when it is freed before its timeout: \
                                 when a swap from free loses to another client's, try again.",
                                Millis::of(asked),
                                Millis::of(start.elapsed())
                            ));
                            continue;
                        }
                    };
                    let from = start.elapsed();
                    let before = holder.lock().unwrap().replace(owner);
                    if let Some(other) = before {
                        note(format!(
                            "client {owner} acquired the lock (token {}) at {} while \
                             client {other} still held it. Only one client may hold the lock: \
                             taking it must be one compare-and-swap from free to the new owner, \
                             so that of two clients that both saw it free only one wins.",
                            token.0,
                            Millis::of(from)
                        ));
                    }
                    tokio::time::sleep(MS(rng.below(4))).await;
                    *holder.lock().unwrap() = None;
                    let to = start.elapsed();
                    if let Err(error) = lock.release(owner).await {
                        note(format!(
                            "client {owner} held the lock (token {}) and released it, which \
                             failed with {error:?}; the holder's release must succeed",
                            token.0
                        ));
                    }
                    held.push(Held {
                        owner,
                        token,
                        from,
                        to,
                    });
                }
                held
            }));
        }
        let mut all: Vec<Held> = join(tasks).await.into_iter().flatten().collect();
        all.sort_by_key(|h| (h.from, h.to));
        match broken.lock().unwrap().take() {
            Some(why) => Err(why),
            None => Ok(all),
        }
    })
}

/// Clients 0, 7, 12 and 4 000 000 000 take the lock in turn: while each holds it, the
/// register under the lock holds its number, also after another client waited for the
/// lock in vain; after the last release, it holds no owner's number.
pub fn register_holds_the_owner() {
    for seed in runs::seeds(6) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, register) = new_lock(seed);
            let owners = [0u32, 7, 12, 4_000_000_000];
            for (i, &owner) in owners.iter().enumerate() {
                let other = owners[(i + 1) % owners.len()];
                if let Err(error) = lock.acquire(owner, MS(50)).await {
                    return Some(format!("a free lock refused client {owner}: {error:?}"));
                }
                let held = register.holds().await;
                if held != Some(i64::from(owner)) {
                    return Some(format!(
                        "client {owner} acquired the lock and its register held {held:?}, \
                         expected Some({owner}). While the lock is held, its register holds \
                         the owner's number, whatever the number."
                    ));
                }
                if let Ok(token) = lock.acquire(other, MS(10)).await {
                    return Some(format!(
                        "client {owner} holds the lock, its register holding {held:?}, and \
                         client {other} acquired it too (token {}). Is {owner} a number your \
                         lock takes for free? Every u32 is an owner: pick a free value no \
                         owner can have.",
                        token.0
                    ));
                }
                let held = register.holds().await;
                if held != Some(i64::from(owner)) {
                    return Some(format!(
                        "client {owner} holds the lock and client {other} waited 10 ms for it \
                         in vain; the register then held {held:?}, expected Some({owner}): a \
                         client that waits must leave the register as it is"
                    ));
                }
                if let Err(error) = lock.release(owner).await {
                    return Some(format!(
                        "client {owner} held the lock and its release failed: {error:?}"
                    ));
                }
            }
            let held = register.holds().await;
            let owner_left = held.and_then(|v| owners.iter().find(|&&o| i64::from(o) == v));
            owner_left.map(|owner| {
                format!(
                    "every client released the lock, and its register still held {owner}'s \
                     number: a released lock must not name an owner"
                )
            })
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
}

/// Clients take, wait for, time out on and release the lock, and release it when they do
/// not hold it: the register under the lock must see compare-and-swaps only, never a
/// write.
pub fn only_swaps_change_the_register() {
    for seed in runs::seeds(4) {
        let (lock, register) = new_lock(seed);
        let failure = suite_harness::block_on_paused(async move {
            let _ = lock.acquire(3, MS(20)).await;
            let _ = lock.acquire(4, MS(5)).await;
            let _ = lock.release(4).await;
            let _ = lock.release(3).await;
            let _ = lock.release(3).await;
            let _ = lock.acquire(4, MS(20)).await;
            let _ = lock.release(4).await;
            None::<String>
        });
        let (writes, swaps) = (register.writes(), register.swaps());
        if failure.is_none() && writes > 0 {
            fail_at(
                seed,
                format!(
                    "client 3 took and released the lock, client 4 waited for it in vain and \
                     then took and released it, and client 3 released a free lock: your lock \
                     called its register's write {writes} time(s) (and compare_and_swap \
                     {swaps} time(s)). The lock changes its register only with \
                     compare_and_swap: a write replaces whatever is there, so a client that \
                     saw the lock free, or believes it holds it, would overwrite another \
                     client's acquisition."
                ),
            );
        }
        if swaps == 0 {
            fail_at(
                seed,
                "clients took and released the lock, and your lock never called its \
                 register's compare_and_swap: it keeps its state somewhere else"
                    .to_owned(),
            );
        }
    }
}

/// Two `Lock`s made on two handles of one register are one lock: held through one, it
/// is held for the other, a release through the other frees it, and tokens grow across
/// both. Then four clients, each with a `Lock` of its own on the one register, take it
/// in turn: no two hold it at once and tokens grow.
pub fn two_locks_on_one_register_are_one() {
    for seed in runs::seeds(6) {
        let failure = suite_harness::block_on_paused(async move {
            let register = CourseRegister::new(seed);
            let a = Lock::new(register.clone());
            let b = Lock::new(register.clone());
            let Ok(first) = a.acquire(21, MS(50)).await else {
                return Some("a free lock refused client 21".to_owned());
            };
            if let Ok(token) = b.acquire(22, MS(20)).await {
                return Some(format!(
                    "client 21 took the lock through one Lock (token {}), and client 22 took \
                     it through another Lock made on the same register (token {}). The lock \
                     keeps all its state in its register: two Locks on one register are one \
                     lock.",
                    first.0, token.0
                ));
            }
            if let Err(error) = b.release(21).await {
                return Some(format!(
                    "client 21 took the lock through one Lock and released it through another \
                     made on the same register, which gave {error:?}: that lock's state is in \
                     the register, so either Lock can release it"
                ));
            }
            let mut last = first;
            for (round, (lock, owner)) in [(&b, 23u32), (&a, 24), (&b, 21), (&a, 22)]
                .into_iter()
                .enumerate()
            {
                let Ok(token) = lock.acquire(owner, MS(50)).await else {
                    return Some(format!(
                        "round {round}: the lock was free and client {owner} could not take it"
                    ));
                };
                if token <= last {
                    return Some(format!(
                        "clients took the lock in turn through two Locks made on one register; \
                         client {owner} got token {} after token {} had been handed out. \
                         Tokens grow with every acquisition, through any handle: keep what \
                         makes them grow in the register (its version, say), not in a Lock.",
                        token.0, last.0
                    ));
                }
                last = token;
                if let Err(error) = lock.release(owner).await {
                    return Some(format!(
                        "client {owner} held the lock and its release failed: {error:?}"
                    ));
                }
            }
            None
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
    runs::each_seed(
        runs::seeds(10),
        |_| Contention {
            clients: 4,
            rounds: 3,
        },
        |seed, &size| {
            let held = match contend(seed, size, Handles::LockPerClient) {
                Ok(held) => held,
                Err(why) => {
                    return Some(format!(
                        "{size}, each through a Lock of its own on one register: {why}"
                    ));
                }
            };
            tokens_out_of_order(&held)
                .map(|why| format!("{size}, each through a Lock of its own on one register: {why}"))
        },
    );
}

/// Three clients ask for a free lock at the same instant and hold it 5 ms each: no two
/// may hold it at once, and each gets it within its 1 s timeout. Then clients take the
/// lock in turn many times with random pauses: no two may hold it at once, every client
/// gets it within its 5 s timeout, and every holder's release succeeds.
pub fn one_holder_at_a_time() {
    for seed in runs::seeds(6) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, _) = new_lock(seed);
            let lock = Arc::new(lock);
            let holder: Arc<Mutex<Option<u32>>> = Arc::new(Mutex::new(None));
            let mut tasks = Vec::new();
            for owner in [10u32, 11, 12] {
                let (lock, holder) = (Arc::clone(&lock), holder.clone());
                tasks.push(tokio::spawn(async move {
                    let Ok(token) = lock.acquire(owner, Duration::from_secs(1)).await else {
                        return Some(format!(
                            "clients 10, 11 and 12 asked for a free lock at the same instant, \
                             each holding it 5 ms; client {owner} did not get it within its \
                             1 s timeout"
                        ));
                    };
                    if let Some(other) = holder.lock().unwrap().replace(owner) {
                        return Some(format!(
                            "clients 10, 11 and 12 asked for a free lock at the same instant; \
                             client {owner} got it (token {}) while client {other} held it. \
                             Of clients that all saw the lock free, one swap from free wins: \
                             the others must see their swap fail and wait.",
                            token.0
                        ));
                    }
                    tokio::time::sleep(MS(5)).await;
                    *holder.lock().unwrap() = None;
                    lock.release(owner)
                        .await
                        .err()
                        .map(|e| format!("client {owner}'s release of its lock gave {e:?}"))
                }));
            }
            join(tasks).await.into_iter().flatten().next()
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
    runs::each_seed(
        runs::seeds(crate::SEEDS / 2),
        |_| Contention {
            clients: 6,
            rounds: 4,
        },
        |seed, &size| {
            contend(seed, size, Handles::Shared)
                .err()
                .map(|why| format!("{size}: {why}"))
        },
    );
}

/// Client 1 holds the lock. Three clients wait for it with timeouts of 300 ms, 1.5 s
/// and 4 s, and client 1 releases it after 100 ms: each waiter must get it, one after
/// the other (each holds it 20 ms), before its own timeout ends.
pub fn waiters_get_a_freed_lock() {
    for seed in runs::seeds(6) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, _) = new_lock(seed);
            let lock = Arc::new(lock);
            if lock.acquire(1, MS(50)).await.is_err() {
                return Some("a free lock refused client 1".to_owned());
            }
            let start = Instant::now();
            let mut tasks = Vec::new();
            for (owner, timeout) in [(31u32, MS(300)), (32, MS(1500)), (33, MS(4000))] {
                let lock = Arc::clone(&lock);
                tasks.push(tokio::spawn(async move {
                    let got = lock.acquire(owner, timeout).await;
                    let at = start.elapsed();
                    match got {
                        Ok(_) => {
                            tokio::time::sleep(MS(20)).await;
                            lock.release(owner).await.err().map(|e| {
                                format!("client {owner} held the lock and its release gave {e:?}")
                            })
                        }
                        Err(error) => Some(format!(
                            "client 1 held the lock and released it after 100 ms; clients 31, \
                             32 and 33 waited for it with timeouts of 300 ms, 1500 ms and 4000 \
                             ms, and client {owner} (timeout {}) got {error:?} after {}. A \
                             waiting client gets the lock when it is freed before its \
                             timeout: keep trying until the whole timeout has passed, however \
                             many times another client wins the lock first.",
                            Millis::of(timeout),
                            Millis::of(at)
                        )),
                    }
                }));
            }
            tokio::time::sleep(MS(100)).await;
            if let Err(error) = lock.release(1).await {
                return Some(format!("client 1's release of its lock gave {error:?}"));
            }
            join(tasks).await.into_iter().flatten().next()
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
}

/// Client 1 holds the lock throughout; clients ask for it with timeouts of 20 ms,
/// 150 ms and 1.2 s. Each must get `TimedOut`, no sooner than its timeout and at most
/// 20 ms after it.
pub fn timeouts_end_on_time() {
    for seed in runs::seeds(6) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, _) = new_lock(seed);
            if lock.acquire(1, MS(50)).await.is_err() {
                return Some("a free lock refused client 1".to_owned());
            }
            for (owner, timeout) in [(41u32, MS(20)), (42, MS(150)), (43, MS(1200))] {
                let asked = Instant::now();
                let got = lock.acquire(owner, timeout).await;
                let waited = asked.elapsed();
                if !matches!(got, Err(LockError::TimedOut)) {
                    return Some(format!(
                        "client 1 holds the lock; client {owner} asked with a {} timeout \
                         and got {got:?} after {}, expected Err(TimedOut)",
                        Millis::of(timeout),
                        Millis::of(waited)
                    ));
                }
                if waited < timeout {
                    return Some(format!(
                        "client 1 holds the lock; client {owner} asked with a {} timeout \
                         and got TimedOut after only {}. A waiting client \
                         keeps trying until its whole timeout has passed. (Is the timeout \
                         read in the wrong unit, or the number of tries fixed?)",
                        Millis::of(timeout),
                        Millis::of(waited)
                    ));
                }
                if waited > timeout + MS(20) {
                    return Some(format!(
                        "client 1 holds the lock; client {owner} asked with a {} timeout \
                         and got TimedOut only after {}: the timeout bounds \
                         the wait, give up at most 20 ms after it",
                        Millis::of(timeout),
                        Millis::of(waited)
                    ));
                }
            }
            None
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
}

/// Client 1 holds the lock; client 2 asks with a 20 ms timeout and gets `TimedOut`.
/// After client 1 releases, client 2 must not hold the lock: client 3 gets it, and
/// client 2's release is refused.
pub fn timed_out_client_does_not_hold() {
    for seed in runs::seeds(10) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, _) = new_lock(seed);
            if lock.acquire(1, MS(50)).await.is_err() {
                return Some("a free lock refused client 1".to_owned());
            }
            let second = lock.acquire(2, MS(20)).await;
            if !matches!(second, Err(LockError::TimedOut)) {
                return Some(format!(
                    "client 1 holds the lock; client 2 asked with a 20 ms timeout and got \
                     {second:?}, expected Err(TimedOut)"
                ));
            }
            if lock.release(1).await.is_err() {
                return Some("client 1's release of its lock failed".to_owned());
            }
            tokio::time::sleep(MS(100)).await;
            let third = lock.acquire(3, MS(50)).await;
            if third.is_err() {
                return Some(format!(
                    "client 2 timed out waiting for the lock, then client 1 released it; \
                     100 ms later client 3 could not take it ({third:?}). A client that was \
                     told TimedOut must not hold the lock, nor get it later: when acquire \
                     gives up, nothing may go on trying on its behalf."
                ));
            }
            let late = lock.release(2).await;
            (!matches!(late, Err(LockError::NotOwner))).then(|| {
                format!(
                    "client 2 timed out and client 3 holds the lock; client 2's release gave \
                     {late:?}, expected Err(NotOwner)"
                )
            })
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
}

/// Client 1 holds the lock; client 2 tries to release it. A correct lock refuses
/// (`NotOwner`) and stays held by client 1: client 3 cannot take it, and client 1's own
/// release then succeeds. Releasing a free lock is refused too.
pub fn release_by_another_fails() {
    for seed in runs::seeds(10) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, _) = new_lock(seed);
            if let Err(error) = lock.acquire(1, MS(50)).await {
                return Some(format!("a free lock refused client 1: {error:?}"));
            }
            let by_other = lock.release(2).await;
            if !matches!(by_other, Err(LockError::NotOwner)) {
                return Some(format!(
                    "client 1 holds the lock and client 2 released it: got {by_other:?}, \
                     expected Err(NotOwner). Only the holder may release: the release must \
                     check, in the same atomic step that frees the lock, that the lock still \
                     names the caller."
                ));
            }
            if let Ok(token) = lock.acquire(3, MS(20)).await {
                return Some(format!(
                    "after client 2's refused release, client 3 acquired the lock (token {}) \
                     although client 1 never released it",
                    token.0
                ));
            }
            let by_owner = lock.release(1).await;
            if by_owner.is_err() {
                return Some(format!(
                    "client 1 held the lock and released it: got {by_owner:?}, expected Ok(())"
                ));
            }
            let again = lock.release(1).await;
            (!matches!(again, Err(LockError::NotOwner))).then(|| {
                format!(
                    "client 1 released a lock that was already free: got {again:?}, expected \
                     Err(NotOwner)"
                )
            })
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
}

/// Whether each acquisition's token is larger than every token before it.
fn tokens_out_of_order(held: &[Held]) -> Option<String> {
    held.windows(2).find_map(|pair| {
        let (a, b) = (&pair[0], &pair[1]);
        (b.token <= a.token).then(|| {
            format!(
                "client {} held the lock with token {} ({} to {}), then client {} acquired \
                 it with token {}. Fencing tokens must grow with every acquisition, by \
                 anyone, so that the resource can tell the newer holder; the register's \
                 version, which every update raises, is one such number.",
                a.owner,
                a.token.0,
                Millis::of(a.from),
                Millis::of(a.to),
                b.owner,
                b.token.0
            )
        })
    })
}

/// Four clients take the lock in turn many times; each acquisition's token must be
/// larger than the token of every acquisition before it, whoever made it.
pub fn tokens_grow() {
    runs::each_seed(
        runs::seeds(crate::SEEDS / 2),
        |_| Contention {
            clients: 4,
            rounds: 4,
        },
        |seed, &size| {
            let held = match contend(seed, size, Handles::Shared) {
                Ok(held) => held,
                Err(why) => return Some(format!("{size}: {why}")),
            };
            tokens_out_of_order(&held).map(|why| format!("{size}: {why}"))
        },
    );
}

/// A clone of a lock is a handle to the same lock: held through one handle, it is held
/// for the other too; a release through the clone is refused to a client that does not
/// hold it and granted to the one that does.
pub fn clones_share_the_lock() {
    for seed in runs::seeds(10) {
        let failure = suite_harness::block_on_paused(async move {
            let (lock, _) = new_lock(seed);
            let twin = lock.clone();
            let Ok(first) = lock.acquire(1, MS(50)).await else {
                return Some("a free lock refused client 1".to_owned());
            };
            if let Ok(token) = twin.acquire(2, MS(20)).await {
                return Some(format!(
                    "client 1 holds the lock, and client 2 acquired it through a clone \
                     (token {}). Clones of a lock are handles to the same lock.",
                    token.0
                ));
            }
            let by_other = twin.release(2).await;
            if !matches!(by_other, Err(LockError::NotOwner)) {
                return Some(format!(
                    "client 1 holds the lock; client 2's release through a clone gave \
                     {by_other:?}, expected Err(NotOwner)"
                ));
            }
            if let Err(error) = twin.release(1).await {
                return Some(format!(
                    "client 1 took the lock and released it through a clone, which failed \
                     with {error:?}; a clone is the same lock"
                ));
            }
            match lock.acquire(2, MS(50)).await {
                Ok(second) if second > first => None,
                other => Some(format!(
                    "client 1 took the lock (token {}) and released it through a clone; \
                     client 2 then asked the original and got {other:?}, expected a larger \
                     token",
                    first.0
                )),
            }
        });
        if let Some(why) = failure {
            fail_at(seed, why);
        }
    }
}

/// Why a refusal named the wrong tokens, if it did.
fn stale_wrong(refused: Stale, token: u64, newest: u64) -> Option<String> {
    (refused.token != Token(token) || refused.newest != Token(newest)).then(|| {
        format!(
            "a write with token {token} was refused with Stale {{ token: {}, newest: {} }}, \
             expected Stale {{ token: {token}, newest: {newest} }}: the refusal names the \
             token it refused and the newest token the resource has seen",
            refused.token.0, refused.newest.0
        )
    })
}

/// A fresh resource holds no value. Writes with tokens 33, then 34 are accepted, and 34
/// again (the holder writes twice); 33 is then refused with `Stale { token: 33, newest:
/// 34 }` and changes nothing. After a write with 90, a refused write with 60 must not
/// lower the newest token: 70 is refused too, naming 90, and 90 is still accepted. The
/// resource's value is always the last value accepted.
pub fn stale_token_is_refused() {
    let mut resource = Resource::new();
    let mut accepted: Option<i64> = None;
    let check = |resource: &Resource, accepted: Option<i64>, after: &str| {
        let value = resource.value();
        if value != accepted {
            suite_harness::fail(format!(
                "after {after}, the resource's value was {value:?}, expected {accepted:?}: \
                 the value is the last one accepted, and None before any"
            ));
        }
    };
    check(&resource, None, "no write at all");
    let steps: [(u64, i64, Option<u64>); 9] = [
        (33, 10, None),
        (34, 20, None),
        (34, 21, None),
        (33, 11, Some(34)),
        (90, 30, None),
        (60, 31, Some(90)),
        (70, 32, Some(90)),
        (90, 33, None),
        (91, 34, None),
    ];
    let mut done = Vec::new();
    for (token, value, refused_by) in steps {
        let result = resource.write(Token(token), value);
        done.push(format!("token {token}"));
        let after = format!("writes with {}", done.join(", "));
        match (result, refused_by) {
            (Ok(()), None) => accepted = Some(value),
            (Err(stale), Some(newest)) => {
                if let Some(why) = stale_wrong(stale, token, newest) {
                    suite_harness::fail(format!("after {after}: {why}"));
                }
            }
            (Ok(()), Some(newest)) => suite_harness::fail(format!(
                "{after}: the write with token {token} was accepted, but token {newest} had \
                 been seen already. A resource guarded by fencing tokens refuses a token older \
                 than one it has seen, and a refusal changes nothing, not even the newest \
                 token it remembers."
            )),
            (Err(stale), None) => suite_harness::fail(format!(
                "{after}: the write with token {token} was refused ({stale:?}), but no larger \
                 token had been seen. A token at least as large as every token seen is \
                 accepted, an equal one too: the holder may write as often as it likes."
            )),
        }
        check(&resource, accepted, &after);
    }
}
