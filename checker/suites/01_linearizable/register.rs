//! Task `register`: concurrent clients on one register, recorded under paused time.
//!
//! The store and the values it holds are the course's (`linearizable_given`), named from
//! there so that a register made on a look-alike store does not compile here; one that
//! keeps its state away from the store it is given fails `state_is_kept_in_the_store`.
//! The register is the student's: it is observed only through what its operations
//! return, compared field by field, and shared between clients through an `Arc` or
//! through its clones, which `clones_share_the_register` checks on their own. Some
//! clients call it through its `CasRegister` impl, which is the register's operations
//! under test like its own methods; no verdict is reached through a trait the student
//! implements (a comparison, a conversion, a recording). Histories are recorded here,
//! from what the calls returned.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::student::Register;
use linearizable_given::{Store, Versioned};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::history::{Action, History, Operation, Outcome, Output, Value};
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::rng::Rng;
use testkit::shrink::Shrink;

use crate::runs;

/// The size of a random run: clients, and operations each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crowd {
    clients: u32,
    ops: u32,
}

/// The run every randomized test of this task starts from.
const CROWD: Crowd = Crowd {
    clients: 6,
    ops: 12,
};

impl Shrink for Crowd {
    fn smaller(&self) -> Vec<Crowd> {
        let mut out = Vec::new();
        if self.ops > 1 {
            out.push(Crowd {
                ops: self.ops / 2,
                ..*self
            });
            out.push(Crowd {
                ops: self.ops - 1,
                ..*self
            });
        }
        if self.clients > 2 {
            out.push(Crowd {
                clients: self.clients - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for Crowd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ops {
            1 => write!(f, "{} clients, one operation each", self.clients),
            n => write!(f, "{} clients, {n} operations each", self.clients),
        }
    }
}

/// How a client of a random run reaches the register.
#[derive(Clone, Copy, Debug)]
enum Handle {
    /// The register itself, shared through an `Arc`.
    Shared,
    /// A clone of its own.
    Clone,
    /// A clone of its own, through the course's `CasRegister` trait, as a lock uses it.
    Trait,
}

impl Handle {
    fn of(client: u32) -> Handle {
        match client % 3 {
            0 => Handle::Shared,
            1 => Handle::Clone,
            _ => Handle::Trait,
        }
    }
}

/// Which handle each client used, for a failure message.
fn handles(crowd: Crowd) -> String {
    let names: Vec<String> = (0..crowd.clients)
        .map(|c| {
            let how = match Handle::of(c) {
                Handle::Shared => "the register",
                Handle::Clone => "a clone",
                Handle::Trait => "a clone through CasRegister",
            };
            format!("client {c}: {how}")
        })
        .collect();
    names.join(", ")
}

/// One client's operation through its handle.
async fn read(register: &Register, handle: Handle) -> Versioned {
    match handle {
        Handle::Trait => register.cas_read().await,
        _ => register.read().await,
    }
}

async fn write(register: &Register, handle: Handle, value: i64) -> u64 {
    match handle {
        Handle::Trait => register.cas_write(value).await,
        _ => register.write(value).await,
    }
}

async fn swap(
    register: &Register,
    handle: Handle,
    expected: Option<i64>,
    new: i64,
) -> Result<u64, Versioned> {
    match handle {
        Handle::Trait => register.cas_compare_and_swap(expected, new).await,
        _ => register.compare_and_swap(expected, new).await,
    }
}

/// What one successful update returned, for the version checks.
#[derive(Clone, Debug)]
struct Update {
    client: u32,
    value: i64,
    version: u64,
    call: Duration,
    ret: Duration,
}

/// What a read, or a refused swap, said the register held.
#[derive(Clone, Debug)]
struct Seen {
    client: u32,
    what: &'static str,
    held: Versioned,
}

/// One seed's run: the history, every successful update, every value seen, and what
/// the store held once every client was done.
struct Run {
    history: History,
    updates: Vec<Update>,
    seen: Vec<Seen>,
    last: Versioned,
    /// A refused swap that reported the very value it expected: evidence on its own.
    contradiction: Option<String>,
}

/// The operations of a run, recorded as they return: an operation's action is known only
/// then, since a refused swap is recorded as the read it amounts to.
#[derive(Clone)]
struct Log {
    start: tokio::time::Instant,
    ops: Arc<Mutex<Vec<Operation>>>,
}

impl Log {
    fn new() -> Self {
        Log {
            start: tokio::time::Instant::now(),
            ops: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Now, in nanoseconds of paused time since the run began.
    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Records an operation called at `call` that returns now with `output`. An operation
    /// that took no time at all (the course's store always takes some, so only a register
    /// that skips it can) is recorded as returning a nanosecond later: its span must not
    /// be empty, and a longer span only loosens the order the checker demands.
    fn done(&self, client: u32, action: Action, call: u64, output: Output) {
        let at = self.now().max(call + 1);
        self.ops.lock().unwrap().push(Operation {
            client,
            key: None,
            action,
            call,
            outcome: Outcome::Ok { at, output },
        });
    }

    fn history(&self) -> Result<History, String> {
        let mut ops = self.ops.lock().unwrap().clone();
        ops.sort_by_key(|op| op.call);
        History::from_ops(ops).map_err(|error| error.to_string())
    }
}

/// The value client `client` writes in its operation `i`: unique in the run.
fn unique(client: u32, i: u32) -> i64 {
    i64::from(client) * 1000 + i64::from(i) + 1
}

/// Runs `crowd.clients` tasks doing random reads, writes and swaps with random pauses,
/// each through its [`Handle`]. A refused swap is recorded as what it is, a read of the
/// value it reports (a value other than the one expected, held at one instant between
/// call and return), so the history checks that value too. With `observe`, one more
/// client, numbered `crowd.clients`, loads the store itself (not through the register)
/// at random moments, and its loads are reads of the same history.
fn run(seed: u64, crowd: Crowd, observe: bool) -> Run {
    suite_harness::block_on_paused(async move {
        let store = Store::new(seed ^ 0x5EED);
        let register = Arc::new(Register::new(store.clone()));
        let log = Log::new();
        let start = log.start;
        let mut tasks = Vec::new();
        let mut rng = Rng::new(seed);
        for client in 0..crowd.clients {
            let handle = Handle::of(client);
            let own = match handle {
                Handle::Shared => Arc::clone(&register),
                Handle::Clone | Handle::Trait => Arc::new(Register::clone(&register)),
            };
            let log = log.clone();
            let mut rng = rng.fork();
            tasks.push(tokio::spawn(async move {
                let mut updates = Vec::new();
                let mut seen = Vec::new();
                let mut contradiction = None;
                let mut last_seen: Option<i64> = None;
                for i in 0..crowd.ops {
                    let value = unique(client, i);
                    let call = start.elapsed();
                    let called = log.now();
                    match rng.below(3) {
                        0 => {
                            let held = read(&own, handle).await;
                            let output = Output::Value(held.value.map(Value::Int));
                            log.done(client, Action::Read, called, output);
                            last_seen = held.value;
                            seen.push(Seen {
                                client,
                                what: "read",
                                held,
                            });
                        }
                        1 => {
                            let version = write(&own, handle, value).await;
                            let action = Action::Write(Value::Int(value));
                            log.done(client, action, called, Output::Done);
                            let ret = start.elapsed();
                            updates.push(Update {
                                client,
                                value,
                                version,
                                call,
                                ret,
                            });
                        }
                        _ => {
                            let expected = if rng.chance(0.2) { None } else { last_seen };
                            let action = Action::Cas {
                                from: expected.map(Value::Int),
                                to: Value::Int(value),
                            };
                            match swap(&own, handle, expected, value).await {
                                Ok(version) => {
                                    log.done(client, action, called, Output::Swapped(true));
                                    let ret = start.elapsed();
                                    updates.push(Update {
                                        client,
                                        value,
                                        version,
                                        call,
                                        ret,
                                    });
                                }
                                Err(held) => {
                                    // The refusal is recorded as a read of what it
                                    // reports: the history then checks that value.
                                    let output = Output::Value(held.value.map(Value::Int));
                                    log.done(client, Action::Read, called, output);
                                    if held.value == expected && contradiction.is_none() {
                                        contradiction = Some(format!(
                                            "client {client}'s swap from {expected:?} to {value} \
                                             was refused, and reported that the register held \
                                             {:?} (version {}): the very value it expected. A \
                                             refused swap reports what the register held when \
                                             it refused, which is not `expected`.",
                                            held.value, held.version
                                        ));
                                    }
                                    last_seen = held.value;
                                    seen.push(Seen {
                                        client,
                                        what: "refused swap",
                                        held,
                                    });
                                }
                            }
                        }
                    }
                    match rng.below(3) {
                        0 => tokio::task::yield_now().await,
                        1 => tokio::time::sleep(Duration::from_millis(rng.below(3))).await,
                        _ => {}
                    }
                }
                (updates, seen, contradiction)
            }));
        }
        let observer = observe.then(|| {
            let (store, log, mut rng) = (store.clone(), log.clone(), rng.fork());
            let (client, ops) = (crowd.clients, crowd.ops);
            tokio::spawn(async move {
                for _ in 0..ops {
                    tokio::time::sleep(Duration::from_millis(rng.below(4))).await;
                    let called = log.now();
                    let held = store.load().await;
                    let output = Output::Value(held.value.map(Value::Int));
                    log.done(client, Action::Read, called, output);
                }
            })
        });
        let mut updates = Vec::new();
        let mut seen = Vec::new();
        let mut contradiction = None;
        for task in tasks {
            match task.await {
                Ok((u, s, c)) => {
                    updates.extend(u);
                    seen.extend(s);
                    contradiction = contradiction.or(c);
                }
                Err(error) => std::panic::resume_unwind(error.into_panic()),
            }
        }
        if let Some(task) = observer
            && let Err(error) = task.await
        {
            std::panic::resume_unwind(error.into_panic());
        }
        let last = store.load().await;
        let history = match log.history() {
            Ok(history) => history,
            Err(error) => {
                suite_harness::fail(format!("the recorded history is malformed: {error}"))
            }
        };
        Run {
            history,
            updates,
            seen,
            last,
            contradiction,
        }
    })
}

/// What the updates of a run show on their own, whatever the history checker says: two
/// updates that got one version lost one of them.
fn shared_version(updates: &[Update]) -> Option<String> {
    let mut by_version: BTreeMap<u64, &Update> = BTreeMap::new();
    for update in updates {
        if let Some(other) = by_version.insert(update.version, update) {
            return Some(format!(
                "client {}'s update to {} and client {}'s update to {} both returned version \
                 {}: the second loaded the register before the first saved, so one update \
                 overwrote the other. The load of the old state and the save of the new one \
                 must not let another update in between.",
                other.client, other.value, update.client, update.value, update.version
            ));
        }
    }
    None
}

/// `None` if `history` is linearizable as a compare-and-swap register, or why not: the
/// checker's evidence, after what the run's own numbers show, if anything.
fn linearizable(history: &History, scenario: &str, evidence: Option<String>) -> Option<String> {
    let checker = Linearizable::new(ModelKind::CasRegister);
    let verdict = match checker.check(history) {
        Ok(verdict) => verdict,
        Err(error) => return Some(format!("the checker refused the history: {error}")),
    };
    if verdict.violation().is_some() {
        let report = CheckReport::new(
            scenario.to_owned(),
            "linearizability",
            history,
            Some(ModelKind::CasRegister),
            &verdict,
        )
        .smallest(history, &checker);
        suite_harness::attach("check-report", &report.to_json());
        let why = evidence.unwrap_or_else(|| {
            "no two updates shared a version and no refused swap reported its own expected \
             value, so look at the operations drawn below: the first highlighted one cannot \
             take effect at any instant between its call and its return."
                .to_owned()
        });
        return Some(format!(
            "{scenario}: the history is not linearizable. {why}\n\n{}",
            report.explain(history)
        ));
    }
    if !verdict.holds() {
        return Some(format!("the checker could not decide: {verdict:?}"));
    }
    None
}

/// Clients share one register, some through the register itself, some through clones of
/// their own, some through `CasRegister`, and call read, write and compare-and-swap at
/// random with random pauses; the store takes 1-3 ms per access. The history must be
/// linearizable as a compare-and-swap register, a refused swap counting as a read of the
/// value it reports.
pub fn history_is_linearizable() {
    runs::each_seed(
        runs::seeds(crate::SEEDS),
        |_| CROWD,
        |seed, &crowd| {
            let run = run(seed, crowd, false);
            if let Some(contradiction) = &run.contradiction {
                return Some(contradiction.clone());
            }
            linearizable(
                &run.history,
                &format!("{} shared one register ({})", crowd, handles(crowd)),
                shared_version(&run.updates),
            )
        },
    );
}

/// Swaps from one value at once: 2, 3, 4 and 6 of them, each through a handle of its own
/// (the register or a clone), on a store that already holds 5 at version 3. Exactly one
/// must win, with version 4; every other must be refused and report what the winner
/// wrote, at version 4. Then the same number of swaps from a value the register does not
/// hold must all be refused, reporting what it holds; and on an empty store, swaps from
/// `None` behave the same way.
pub fn swaps_from_one_value_one_wins() {
    for seed in runs::seeds(8) {
        for count in [2u32, 3, 4, 6] {
            if let Some(failure) = contest(seed, count) {
                suite_harness::replay_from(seed);
                suite_harness::fail(format!("seed {seed}, {count} swaps at once: {failure}"));
            }
        }
    }
}

/// One round of [`swaps_from_one_value_one_wins`]; why it failed, if it did.
fn contest(seed: u64, count: u32) -> Option<String> {
    suite_harness::block_on_paused(async move {
        for (start, expected) in [
            (
                Versioned {
                    value: Some(5),
                    version: 3,
                },
                Some(5),
            ),
            (Versioned::default(), None),
        ] {
            let store = Store::new(seed.wrapping_mul(31) ^ u64::from(count));
            store.save(start).await;
            // The first handle is the register itself, every other one a clone of it.
            let mut handles = vec![Register::new(store.clone())];
            for _ in 1..count {
                handles.push(handles[0].clone());
            }
            let news: Vec<i64> = (0..count).map(|i| 100 + i64::from(i)).collect();
            let results = join_all(
                handles
                    .iter()
                    .zip(&news)
                    .map(|(handle, &new)| handle.compare_and_swap(expected, new)),
            )
            .await;
            let won: Vec<usize> = (0..results.len()).filter(|&i| results[i].is_ok()).collect();
            let from = format!("{expected:?} (version {})", start.version);
            if won.len() != 1 {
                return Some(format!(
                    "the register held {from}; {count} swaps from that value, to {news:?}, ran \
                     at once through different handles and {} of them won: {results:?}. \
                     Exactly one may win: the comparison and the save must be one indivisible \
                     step, across every handle of the register.",
                    won.len()
                ));
            }
            let winner = news[won[0]];
            let version = start.version + 1;
            if results[won[0]] != Ok(version) {
                return Some(format!(
                    "the register held {from}; the winning swap to {winner} returned {:?}, \
                     expected Ok({version}): the version grows by one with each update",
                    results[won[0]]
                ));
            }
            for (i, result) in results.iter().enumerate() {
                if let Err(held) = result
                    && (held.value != Some(winner) || held.version != version)
                {
                    return Some(format!(
                        "the register held {from}; the swap to {} lost to the swap to {winner} \
                         and reported that the register held {:?} at version {}, expected \
                         Some({winner}) at version {version}. A refused swap reports what the \
                         register held when it refused.",
                        news[i], held.value, held.version
                    ));
                }
            }
            let results = join_all(
                handles
                    .iter()
                    .zip(&news)
                    .map(|(handle, &new)| handle.compare_and_swap(Some(-7), new + 100)),
            )
            .await;
            for result in &results {
                match result {
                    Err(held) if held.value == Some(winner) && held.version == version => {}
                    other => {
                        return Some(format!(
                            "the register held Some({winner}) at version {version}; {count} \
                             swaps from Some(-7), a value it did not hold, ran at once and one \
                             gave {other:?}, expected Err with Some({winner}) at version \
                             {version}"
                        ));
                    }
                }
            }
            let kept = store.load().await;
            if kept.value != Some(winner) || kept.version != version {
                return Some(format!(
                    "after one swap to {winner} won and every other was refused, the store \
                     held {:?} at version {}, expected Some({winner}) at version {version}",
                    kept.value, kept.version
                ));
            }
        }
        None
    })
}

/// Runs every future at once on this task and returns their outputs in order.
async fn join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, future) in out.iter_mut().zip(set.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *slot = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// What the versions of a run break, if anything: exactly 1, 2, 3, ... from the store's
/// starting version, later updates with larger versions, and reads that pair a value
/// with the version of the update that wrote it.
fn versions_broken(updates: &[Update], seen: &[Seen], base: u64) -> Option<String> {
    if let Some(why) = shared_version(updates) {
        return Some(why);
    }
    let by_version: BTreeMap<u64, &Update> = updates.iter().map(|u| (u.version, u)).collect();
    let expected: Vec<u64> = (base + 1..=base + updates.len() as u64).collect();
    let got: Vec<u64> = by_version.keys().copied().collect();
    if got != expected {
        return Some(format!(
            "{} updates succeeded on a register at version {base}, so their versions must be \
             {}..={}; they were {got:?}. Each successful write or swap makes the version \
             exactly one larger than the version it replaced.",
            updates.len(),
            base + 1,
            base + updates.len() as u64
        ));
    }
    for a in updates {
        for b in updates {
            if a.ret < b.call && a.version > b.version {
                return Some(format!(
                    "client {}'s update to {} returned version {} and finished before client \
                     {}'s update to {} began, which returned the smaller version {}. Later \
                     updates must get larger versions.",
                    a.client, a.value, a.version, b.client, b.value, b.version
                ));
            }
        }
    }
    for s in seen {
        let fits = match by_version.get(&s.held.version) {
            None => s.held.version == base && s.held.value.is_none(),
            Some(update) => s.held.value == Some(update.value),
        };
        if !fits {
            return Some(format!(
                "client {}'s {} gave value {:?} with version {}, but that version was made \
                 by {}. A read, and a refused swap, return a value together with the version \
                 of the update that wrote it.",
                s.client,
                s.what,
                s.held.value,
                s.held.version,
                by_version
                    .get(&s.held.version)
                    .map_or("no update".to_owned(), |u| format!(
                        "client {}'s update to {}",
                        u.client, u.value
                    )),
            ));
        }
    }
    None
}

/// Writes at once, 2, 3 and 5 of them through handles of their own, on a store at
/// version 9: their versions must be exactly 10, 11, ... with none repeated; then the
/// random run of `history_is_linearizable`, whose versions must be exactly 1, 2, 3, ...,
/// an update that finished before another began having the smaller version, and every
/// read (and refused swap) must pair a value with the version of the update that wrote
/// it.
pub fn versions_count_updates() {
    for seed in runs::seeds(8) {
        for count in [2u32, 3, 5] {
            let (updates, last) = suite_harness::block_on_paused(async move {
                let store = Store::new(seed ^ u64::from(count));
                store
                    .save(Versioned {
                        value: Some(-1),
                        version: 9,
                    })
                    .await;
                let mut handles = vec![Register::new(store.clone())];
                for _ in 1..count {
                    handles.push(handles[0].clone());
                }
                let writes = (0..count).map(|i| handles[i as usize].write(200 + i64::from(i)));
                let versions = join_all(writes).await;
                let updates: Vec<Update> = (0..count)
                    .zip(versions)
                    .map(|(i, version)| Update {
                        client: i,
                        value: 200 + i64::from(i),
                        version,
                        call: Duration::ZERO,
                        ret: Duration::ZERO,
                    })
                    .collect();
                (updates, store.load().await)
            });
            let mut why = versions_broken(&updates, &[], 9);
            let newest = updates.iter().max_by_key(|u| u.version);
            if why.is_none()
                && let Some(newest) = newest
                && (last.value != Some(newest.value) || last.version != 9 + u64::from(count))
            {
                why = Some(format!(
                    "after {count} writes the store held {:?} at version {}, expected the \
                     write with the largest version, {} at version {}",
                    last.value,
                    last.version,
                    newest.value,
                    9 + count
                ));
            }
            if let Some(why) = why {
                suite_harness::replay_from(seed);
                suite_harness::fail(format!(
                    "seed {seed}: {count} clients wrote at once, each through a handle of its \
                     own, on a register at version 9. {why}"
                ));
            }
        }
    }
    runs::each_seed(
        runs::seeds(crate::SEEDS),
        |_| CROWD,
        |seed, &crowd| {
            let Run { updates, seen, .. } = run(seed, crowd, false);
            versions_broken(&updates, &seen, 0)
                .map(|why| format!("{crowd} shared one register ({}). {why}", handles(crowd)))
        },
    );
}

/// Compares what the register or its store gave with what it must have held, field by
/// field; why they differ, if they do.
fn held_wrong(what: &str, got: Versioned, value: Option<i64>, version: u64) -> Option<String> {
    (got.value != value || got.version != version).then(|| {
        format!(
            "{what} gave value {:?} with version {}, expected value {value:?} with version \
             {version}. The register keeps its value and version in the store it was created \
             with, and only there: it starts from what that store holds and saves every \
             update to it.",
            got.value, got.version
        )
    })
}

/// The register's state is what its store holds. One client, on a store that already
/// holds value 40 at version 7: a read returns that; a write and a swap are found in the
/// store right after they return; a refused swap reports what the store holds and leaves
/// it. Then the clients of `history_is_linearizable` run while one more loads the store
/// itself at random moments: with those loads as reads, the history must still be
/// linearizable, and at the end the store holds the last update.
pub fn state_is_kept_in_the_store() {
    for seed in runs::seeds(10) {
        let failure = suite_harness::block_on_paused(async move {
            let store = Store::new(seed);
            store
                .save(Versioned {
                    value: Some(40),
                    version: 7,
                })
                .await;
            let register = Register::new(store.clone());
            let read = register.read().await;
            if let Some(why) = held_wrong(
                "a read of a register made on a store holding 40 at version 7",
                read,
                Some(40),
                7,
            ) {
                return Some(why);
            }
            let version = register.write(41).await;
            if version != 8 {
                return Some(format!(
                    "the store held version 7; a write of 41 returned version {version}, \
                     expected 8"
                ));
            }
            let after = store.load().await;
            if let Some(why) = held_wrong(
                "the store, after the write of 41 returned,",
                after,
                Some(41),
                8,
            ) {
                return Some(why);
            }
            match register.compare_and_swap(Some(41), 42).await {
                Ok(9) => {}
                other => {
                    return Some(format!(
                        "the store held 41 at version 8; a swap from 41 to 42 gave {other:?}, \
                         expected Ok(9)"
                    ));
                }
            }
            let after = store.load().await;
            if let Some(why) = held_wrong(
                "the store, after the swap to 42 returned,",
                after,
                Some(42),
                9,
            ) {
                return Some(why);
            }
            match register.compare_and_swap(Some(0), 1).await {
                Ok(version) => {
                    return Some(format!(
                        "the store held 42; a swap from 0 to 1 succeeded with version {version}"
                    ));
                }
                Err(held) => {
                    if let Some(why) = held_wrong("a refused swap", held, Some(42), 9) {
                        return Some(why);
                    }
                }
            }
            held_wrong(
                "the store, after a refused swap,",
                store.load().await,
                Some(42),
                9,
            )
        });
        if let Some(why) = failure {
            suite_harness::replay_from(seed);
            suite_harness::fail(format!("seed {seed}: {why}"));
        }
    }
    runs::each_seed(
        runs::seeds(20),
        |_| CROWD,
        |seed, &crowd| {
            let run = run(seed, crowd, true);
            let scenario = format!(
                "{crowd} shared one register ({}) while client {} loaded its store directly",
                handles(crowd),
                crowd.clients
            );
            let evidence = Some(
                "The register's state is what its store holds, so a load of the store at any \
             moment must read the register as a read would; a register that keeps its value \
             anywhere else (a copy beside the store, a store of its own) shows the store a \
             different history from the one its clients saw."
                    .to_owned(),
            );
            if let Some(why) = linearizable(&run.history, &scenario, evidence) {
                return Some(why);
            }
            let newest = run.updates.iter().max_by_key(|u| u.version)?;
            held_wrong(
                "the store, once every client was done,",
                run.last,
                Some(newest.value),
                run.updates.len() as u64,
            )
        },
    );
}

/// A clone of a register is a handle to the same register: a write through one handle
/// is read through the other, and of two swaps from the same value made through two
/// handles at once, exactly one succeeds.
pub fn clones_share_the_register() {
    for seed in runs::seeds(10) {
        let failure = suite_harness::block_on_paused(async move {
            let register = Register::new(Store::new(seed));
            let twin = register.clone();
            twin.write(5).await;
            let read = register.read().await;
            if read.value != Some(5) {
                return Some(format!(
                    "5 was written through a clone of the register, and a read through the \
                     original gave {:?}. Clones of a register are handles to the same \
                     register.",
                    read.value
                ));
            }
            let (a, b) = tokio::join!(
                register.compare_and_swap(Some(5), 6),
                twin.compare_and_swap(Some(5), 7)
            );
            (a.is_ok() == b.is_ok()).then(|| {
                format!(
                    "two swaps from 5, one through the register and one through its clone, \
                     ran at once and gave {a:?} and {b:?}; exactly one may succeed, as on one \
                     register"
                )
            })
        });
        if let Some(why) = failure {
            suite_harness::replay_from(seed);
            suite_harness::fail(format!("seed {seed}: {why}"));
        }
    }
}
