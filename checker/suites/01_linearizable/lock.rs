//! Task `lock`: mutual exclusion, releases, timeouts and fencing tokens.
//!
//! Tokens and errors are the course's (`linearizable_given`), named from there so that a
//! lock answering with look-alike types of its own does not compile here; they are
//! ordered and told apart with the comparisons the course derives for them. The lock and
//! the resource are the student's: they are observed only through what their methods
//! return, and shared between clients through an `Arc`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use linearizable::{Lock, Register, Resource};
use linearizable_given::{LockError, Store, Token};
use testkit::rng::Rng;
use tokio::time::Instant;

fn new_lock(seed: u64) -> Lock {
    Lock::new(Register::new(Store::new(seed)))
}

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

/// One acquisition seen by a client: who, the token, when it held the lock.
#[derive(Clone, Debug)]
struct Held {
    owner: u32,
    token: Token,
    from: Duration,
    to: Duration,
}

/// Runs `clients` tasks that each take the lock `rounds` times, hold it a random few
/// milliseconds and release it. Returns every acquisition in the order they happened.
fn contend(seed: u64, clients: u32, rounds: u32) -> Vec<Held> {
    suite_harness::block_on_paused(async move {
        // Shared through an `Arc` rather than cloned: what a clone of the lock is would be
        // the student's `Clone` to decide (`clones_share_the_lock` checks that promise).
        let lock = Arc::new(new_lock(seed ^ 0x10C));
        let start = Instant::now();
        let holder: Arc<Mutex<Option<u32>>> = Arc::new(Mutex::new(None));
        let mut rng = Rng::new(seed);
        let mut tasks = Vec::new();
        for owner in 0..clients {
            let (lock, holder, mut rng) = (Arc::clone(&lock), holder.clone(), rng.fork());
            tasks.push(tokio::spawn(async move {
                let mut held = Vec::new();
                for _ in 0..rounds {
                    tokio::time::sleep(Duration::from_millis(rng.below(4))).await;
                    let Ok(token) = lock.acquire(owner, Duration::from_secs(5)).await else {
                        continue;
                    };
                    let from = start.elapsed();
                    let before = holder.lock().unwrap().replace(owner);
                    if let Some(other) = before {
                        suite_harness::fail(format!(
                            "seed {seed}: client {owner} acquired the lock (token {}) at {from:?} \
                             while client {other} still held it. Only one client may hold the \
                             lock: taking it must be one compare-and-swap from free to the new \
                             owner, so that of two clients that both saw it free only one wins.",
                            token.0
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(rng.below(4))).await;
                    *holder.lock().unwrap() = None;
                    let to = start.elapsed();
                    if let Err(error) = lock.release(owner).await {
                        suite_harness::fail(format!(
                            "seed {seed}: client {owner} held the lock and released it, which \
                             failed with {error:?}; the holder's release must succeed"
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
        all
    })
}

/// Six clients take the lock in turn many times, with random pauses: no two may hold it
/// at once, and every holder's release succeeds.
pub fn one_holder_at_a_time() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS / 2 {
        let held = contend(seed, 6, 4);
        if held.is_empty() {
            suite_harness::fail(format!(
                "seed {seed}: six clients waited up to 5 s each for a free lock and none got it"
            ));
        }
    }
}

/// Client 1 holds the lock; client 2 tries to release it. A correct lock refuses
/// (`NotOwner`) and stays held by client 1: client 3 cannot take it, and client 1's own
/// release then succeeds. Releasing a free lock is refused too.
pub fn release_by_another_fails() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let lock = new_lock(seed);
            if let Err(error) = lock.acquire(1, Duration::from_millis(50)).await {
                suite_harness::fail(format!(
                    "seed {seed}: a free lock refused client 1: {error:?}"
                ));
            }
            let by_other = lock.release(2).await;
            if !matches!(by_other, Err(LockError::NotOwner)) {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 holds the lock and client 2 released it: got \
                     {by_other:?}, expected Err(NotOwner). Only the holder may release: the \
                     release must check, in the same atomic step that frees the lock, that the \
                     lock still names the caller."
                ));
            }
            if let Ok(token) = lock.acquire(3, Duration::from_millis(20)).await {
                suite_harness::fail(format!(
                    "seed {seed}: after client 2's refused release, client 3 acquired the lock \
                     (token {}) although client 1 never released it",
                    token.0
                ));
            }
            let by_owner = lock.release(1).await;
            if by_owner.is_err() {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 held the lock and released it: got {by_owner:?}, \
                     expected Ok(())"
                ));
            }
            let again = lock.release(1).await;
            if !matches!(again, Err(LockError::NotOwner)) {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 released a lock that was already free: got \
                     {again:?}, expected Err(NotOwner)"
                ));
            }
        });
    }
}

/// Client 1 holds the lock; client 2 asks with a 20 ms timeout and must get `TimedOut`
/// within that time (plus a little). After client 1 releases, client 2 must not hold the
/// lock: client 3 gets it, and client 2's release is refused.
pub fn timed_out_client_does_not_hold() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let lock = new_lock(seed);
            let first = lock.acquire(1, Duration::from_millis(50)).await;
            if first.is_err() {
                suite_harness::fail(format!(
                    "seed {seed}: a free lock refused client 1: {first:?}"
                ));
            }
            let asked = Instant::now();
            let second = lock.acquire(2, Duration::from_millis(20)).await;
            let waited = asked.elapsed();
            if !matches!(second, Err(LockError::TimedOut)) {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 holds the lock; client 2 asked with a 20 ms timeout \
                     and got {second:?} after {waited:?}, expected Err(TimedOut)"
                ));
            }
            if waited > Duration::from_millis(40) {
                suite_harness::fail(format!(
                    "seed {seed}: client 2 asked with a 20 ms timeout and waited {waited:?} \
                     for its answer; the timeout bounds the wait"
                ));
            }
            if lock.release(1).await.is_err() {
                suite_harness::fail(format!(
                    "seed {seed}: client 1's release of its lock failed"
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            let third = lock.acquire(3, Duration::from_millis(50)).await;
            if third.is_err() {
                suite_harness::fail(format!(
                    "seed {seed}: client 2 timed out waiting for the lock, then client 1 \
                     released it; 100 ms later client 3 could not take it ({third:?}). A \
                     client that was told TimedOut must not hold the lock, nor get it later: \
                     when acquire gives up, nothing may go on trying on its behalf."
                ));
            }
            let late = lock.release(2).await;
            if !matches!(late, Err(LockError::NotOwner)) {
                suite_harness::fail(format!(
                    "seed {seed}: client 2 timed out and client 3 holds the lock; client 2's \
                     release gave {late:?}, expected Err(NotOwner)"
                ));
            }
        });
    }
}

/// Four clients take the lock in turn many times; each acquisition's token must be
/// larger than the token of every acquisition before it, whoever made it.
pub fn tokens_grow() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS / 2 {
        let held = contend(seed, 4, 4);
        for pair in held.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.token <= a.token {
                suite_harness::fail(format!(
                    "seed {seed}: client {} held the lock with token {} ({:?}..{:?}), then \
                     client {} acquired it with token {}. Fencing tokens must grow with every \
                     acquisition, by anyone, so that the resource can tell the newer holder; \
                     the register's version, which every update raises, is one such number.",
                    a.owner, a.token.0, a.from, a.to, b.owner, b.token.0
                ));
            }
        }
    }
}

/// Client 1 takes the lock, writes to the resource and releases; client 2 takes it and
/// writes. Then client 1, a slow client that still believes it holds the lock, writes
/// with its old token: the resource must refuse it and keep client 2's value. Client 2
/// may write again with its own token.
pub fn stale_token_is_refused() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let lock = new_lock(seed);
            let mut resource = Resource::new();
            let Ok(t1) = lock.acquire(1, Duration::from_millis(50)).await else {
                suite_harness::fail(format!("seed {seed}: a free lock refused client 1"));
            };
            if let Err(error) = resource.write(t1, 10) {
                suite_harness::fail(format!(
                    "seed {seed}: the first write, with token {}, was refused: {error:?}",
                    t1.0
                ));
            }
            let _ = lock.release(1).await;
            let Ok(t2) = lock.acquire(2, Duration::from_millis(50)).await else {
                suite_harness::fail(format!("seed {seed}: a free lock refused client 2"));
            };
            if let Err(error) = resource.write(t2, 20) {
                suite_harness::fail(format!(
                    "seed {seed}: client 2 holds the lock (token {}) and its write was \
                     refused: {error:?}",
                    t2.0
                ));
            }
            if resource.write(t1, 11).is_ok() {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 wrote with token {} after client 2 had written \
                     with token {}, and the resource accepted it. A resource guarded by \
                     fencing tokens refuses a token older than one it has already seen.",
                    t1.0, t2.0
                ));
            }
            if let Err(error) = resource.write(t2, 21) {
                suite_harness::fail(format!(
                    "seed {seed}: client 2 wrote twice with its token {}; the second write was \
                     refused ({error:?}), but the holder may write as often as it likes",
                    t2.0
                ));
            }
            if resource.value() != Some(21) {
                suite_harness::fail(format!(
                    "seed {seed}: after client 2's writes of 20 and 21 and client 1's refused \
                     stale write, the resource holds {:?}, expected Some(21)",
                    resource.value()
                ));
            }
        });
    }
}

/// What the store under the lock holds now: the register's value.
async fn held_by(store: &Store) -> Option<i64> {
    store.load().await.value
}

/// The lock keeps its state in the register it was made with: while client 7 holds
/// the lock, the register (read through its store) holds 7, also while another client
/// waits for it in vain; after client 7's release and client 12's acquisition, it
/// holds 12.
pub fn state_is_kept_in_the_register() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let store = Store::new(seed);
            let lock = Lock::new(Register::new(store.clone()));
            let names = |seed: u64, when: &str, owner: i64, held: Option<i64>| {
                if held != Some(owner) {
                    suite_harness::fail(format!(
                        "seed {seed}: {when}, the register under the lock held {held:?}, \
                         expected Some({owner}). The lock keeps its state in the register it \
                         was made with: while the lock is held, the register holds the \
                         owner's number."
                    ));
                }
            };
            if let Err(error) = lock.acquire(7, Duration::from_millis(50)).await {
                suite_harness::fail(format!(
                    "seed {seed}: a free lock refused client 7: {error:?}"
                ));
            }
            names(
                seed,
                "after client 7 acquired the lock",
                7,
                held_by(&store).await,
            );
            let _ = lock.acquire(12, Duration::from_millis(10)).await;
            names(
                seed,
                "after client 12 waited 10 ms for the lock client 7 holds",
                7,
                held_by(&store).await,
            );
            if let Err(error) = lock.release(7).await {
                suite_harness::fail(format!(
                    "seed {seed}: client 7 held the lock and its release failed: {error:?}"
                ));
            }
            if let Err(error) = lock.acquire(12, Duration::from_millis(50)).await {
                suite_harness::fail(format!(
                    "seed {seed}: client 7 released the lock and client 12 could not take it: \
                     {error:?}"
                ));
            }
            names(
                seed,
                "after client 7 released the lock and client 12 acquired it",
                12,
                held_by(&store).await,
            );
        });
    }
}

/// A clone of a lock is a handle to the same lock: held through one handle, it is held
/// for the other too; a release through the clone is refused to a client that does not
/// hold it and granted to the one that does.
pub fn clones_share_the_lock() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let lock = new_lock(seed);
            let twin = lock.clone();
            let Ok(first) = lock.acquire(1, Duration::from_millis(50)).await else {
                suite_harness::fail(format!("seed {seed}: a free lock refused client 1"));
            };
            if let Ok(token) = twin.acquire(2, Duration::from_millis(20)).await {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 holds the lock, and client 2 acquired it through a \
                     clone (token {}). Clones of a lock are handles to the same lock.",
                    token.0
                ));
            }
            let by_other = twin.release(2).await;
            if !matches!(by_other, Err(LockError::NotOwner)) {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 holds the lock; client 2's release through a clone \
                     gave {by_other:?}, expected Err(NotOwner)"
                ));
            }
            if let Err(error) = twin.release(1).await {
                suite_harness::fail(format!(
                    "seed {seed}: client 1 took the lock and released it through a clone, which \
                     failed with {error:?}; a clone is the same lock"
                ));
            }
            match lock.acquire(2, Duration::from_millis(50)).await {
                Ok(second) if second > first => {}
                other => suite_harness::fail(format!(
                    "seed {seed}: client 1 took the lock (token {}) and released it through a \
                     clone; client 2 then asked the original and got {other:?}, expected a \
                     larger token",
                    first.0
                )),
            }
        });
    }
}
