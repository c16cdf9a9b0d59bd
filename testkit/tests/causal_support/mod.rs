//! Histories for the causal checker's tests and scaling runs: a key-value store whose
//! replicas lag behind one log of writes, and a stale read to plant in any history.
//!
//! The store: every write is appended to one global log; each client reads from its own
//! replica, which has applied a prefix of the log plus the client's own writes. A replica
//! never forgets, and anything it shows was written before everything written after it
//! in the log, so every read returns the newest write of its causal past: the history is
//! causally consistent (sequentially consistent, even), however far replicas lag. Lag is
//! what makes it a hard case for a checker: reads return values written long ago, so a
//! read's "newer writes" can be anywhere in its past.

#![allow(dead_code)]

pub mod reference;

use std::collections::HashMap;

use testkit::history::{Action, ClientId, History, Operation, Value};
use testkit::rng::Rng;

/// What [`store`] generates.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Clients running at once (each with its own replica).
    pub clients: u32,
    /// Operations in all.
    pub ops: usize,
    /// Keys, named `k0`, `k1`, ...
    pub keys: usize,
    /// Share of reads.
    pub reads: f64,
    /// Share of compare-and-swaps (the rest are writes).
    pub cas: f64,
    /// Share of writes and cas operations of unknown outcome; the client is then replaced
    /// by a fresh client id, as Jepsen replaces a process after a timeout.
    pub unknown: f64,
    /// How many log entries a replica may be behind before it catches up.
    pub lag: usize,
    /// Same seed, same history.
    pub seed: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            clients: 8,
            ops: 1000,
            keys: 10,
            reads: 0.5,
            cas: 0.1,
            unknown: 0.02,
            lag: 200,
            seed: 0,
        }
    }
}

/// One replica: how much of the log it applied and what it shows: for each key, the value
/// and its place in the log.
struct Replica {
    applied: usize,
    view: HashMap<usize, (i64, usize)>,
}

/// Generates a causally consistent key-value history as configured.
pub fn store(cfg: &StoreConfig) -> History {
    let mut rng = Rng::new(cfg.seed);
    let slots = cfg.clients.max(1) as usize;
    let mut replicas: Vec<Replica> = (0..slots)
        .map(|_| Replica {
            applied: 0,
            view: HashMap::new(),
        })
        .collect();
    let mut client: Vec<ClientId> = (0..cfg.clients.max(1)).collect();
    let mut next_client = cfg.clients.max(1);
    let mut log: Vec<(usize, i64)> = Vec::new();
    let mut fresh = 0i64;
    let mut ops = Vec::with_capacity(cfg.ops);
    for step in 0..cfg.ops {
        let slot = rng.index(slots);
        // Some replica catches up a little; one that fell too far behind catches up more.
        let lagging = rng.index(slots);
        let behind = log.len() - replicas[lagging].applied;
        if behind > 0 && (behind > cfg.lag || rng.chance(0.3)) {
            let to = replicas[lagging].applied + rng.between(1, behind as u64) as usize;
            catch_up(&mut replicas[lagging], &log, to);
        }
        let key = rng.index(cfg.keys.max(1));
        let name = format!("k{key}");
        let (call, ret) = (2 * step as u64, 2 * step as u64 + 1);
        let current = replicas[slot].view.get(&key).map(|&(v, _)| v);
        let roll = rng.next_u64() as f64 / u64::MAX as f64;
        let op = if roll < cfg.reads {
            Operation::read(client[slot], current.map(Value::Int), call, ret)
        } else {
            fresh += 1;
            let action = if roll < cfg.reads + cfg.cas {
                let from = if rng.chance(0.7) {
                    current
                } else {
                    Some(rng.between(0, fresh as u64) as i64)
                };
                Action::Cas {
                    from: from.map(Value::Int),
                    to: Value::Int(fresh),
                }
            } else {
                Action::Write(Value::Int(fresh))
            };
            let swaps = match &action {
                Action::Cas { from, .. } => *from == current.map(Value::Int),
                _ => true,
            };
            let unknown = rng.chance(cfg.unknown);
            let effect = swaps && (!unknown || rng.chance(0.5));
            if effect {
                replicas[slot].view.insert(key, (fresh, log.len()));
                log.push((key, fresh));
            }
            if unknown {
                let op = Operation::unknown(client[slot], action, call);
                client[slot] = next_client;
                next_client += 1;
                op
            } else {
                match action {
                    Action::Cas { from, to } => {
                        Operation::cas(client[slot], from, to, swaps, call, ret)
                    }
                    _ => Operation::write(client[slot], fresh, call, ret),
                }
            }
        };
        ops.push(op.on(name));
    }
    History::from_ops(ops).expect("a generated history is well formed")
}

/// Applies the log up to `to` (exclusive) to a replica. Its own writes are in the log
/// already applied out of turn: an entry older than the value shown is skipped, so a
/// replica never goes back behind its own write.
fn catch_up(r: &mut Replica, log: &[(usize, i64)], to: usize) {
    for (at, &(key, value)) in log.iter().enumerate().take(to).skip(r.applied) {
        let shown = r.view.entry(key).or_insert((value, at));
        if shown.1 <= at {
            *shown = (value, at);
        }
    }
    r.applied = to;
}

/// Appends a read that breaks read-your-writes (and causal consistency): a client that
/// completed two writes to one key reads the first one back after everything else.
/// Returns `None` when no client wrote one key twice.
pub fn plant_stale_read(h: &History) -> Option<History> {
    let mut last: HashMap<(ClientId, Option<String>), Value> = HashMap::new();
    let mut pick = None;
    for op in h.ops() {
        let Action::Write(v) = &op.action else {
            continue;
        };
        if op.ret().is_none() {
            continue;
        }
        let slot = (op.client, op.key.clone());
        if let Some(old) = last.get(&slot) {
            pick = Some((op.client, op.key.clone(), old.clone()));
        }
        last.insert(slot, v.clone());
    }
    let (client, key, old) = pick?;
    let end = h
        .ops()
        .iter()
        .filter_map(|o| o.ret().or(Some(o.call)))
        .max()?;
    let mut read = Operation::read(client, Some(old), end + 1, end + 2);
    read.key = key;
    let mut ops = h.ops().to_vec();
    ops.push(read);
    Some(History::from_ops(ops).expect("the planted read follows everything"))
}

/// A small random history, mostly not causally consistent, with everything the checker
/// must get right: several keys, reads of nil, of old values, of values written later
/// (cycles) and of values nobody wrote (thin air), compare-and-swaps that swap or not,
/// failed operations, writes and cas operations of unknown outcome after which the client
/// goes on or is replaced by a fresh one, and many short-lived clients.
pub fn arbitrary(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let slots = rng.between(1, 6) as usize;
    let keys = rng.between(1, 3) as usize;
    let steps = rng.between(4, 40);
    let mut client: Vec<ClientId> = (0..slots as ClientId).collect();
    let mut next_client = slots as ClientId;
    // The values written to each key so far, and the newest one.
    let mut written: Vec<Vec<i64>> = vec![Vec::new(); keys];
    let mut fresh = 0i64;
    let mut ops = Vec::new();
    for step in 0..steps {
        let slot = rng.index(slots);
        let key = rng.index(keys);
        let (call, ret) = (10 * step, 10 * step + 5);
        let seen = &written[key];
        let pick = |rng: &mut Rng| -> Option<i64> {
            match rng.below(10) {
                0 => None,
                // A value that may be written later, or never.
                1 => Some(fresh + rng.between(1, 3) as i64),
                2..=5 => seen.last().copied(),
                _ => (!seen.is_empty()).then(|| seen[rng.index(seen.len())]),
            }
        };
        let c = client[slot];
        let op = match rng.below(20) {
            0..=8 => Operation::read(c, pick(&mut rng).map(Value::Int), call, ret),
            9..=14 => {
                fresh += 1;
                match rng.below(10) {
                    0 => Operation::failed(c, Action::Write(Value::Int(fresh)), call, ret),
                    1 | 2 => Operation::unknown(c, Action::Write(Value::Int(fresh)), call),
                    _ => Operation::write(c, fresh, call, ret),
                }
            }
            _ => {
                let from = pick(&mut rng).map(Value::Int);
                fresh += 1;
                let action = Action::Cas {
                    from: from.clone(),
                    to: Value::Int(fresh),
                };
                match rng.below(10) {
                    0 => Operation::failed(c, action, call, ret),
                    1 | 2 => Operation::unknown(c, action, call),
                    3 | 4 => Operation::cas(c, from, fresh, false, call, ret),
                    _ => Operation::cas(c, from, fresh, true, call, ret),
                }
            }
        };
        let effective = match (&op.action, &op.outcome) {
            (_, testkit::history::Outcome::Failed { .. }) => false,
            (Action::Cas { .. }, testkit::history::Outcome::Ok { output, .. }) => {
                *output == testkit::history::Output::Swapped(true)
            }
            (Action::Read, _) => false,
            _ => true,
        };
        if effective {
            written[key].push(fresh);
        }
        if op.ret().is_none() && rng.chance(0.5) {
            client[slot] = next_client;
            next_client += 1;
        }
        ops.push(op.on(format!("k{key}")));
    }
    History::from_ops(ops).expect("a generated history is well formed")
}

/// Rewrites a share of the completed reads of `h` to return an older value of their key
/// (one a completed write wrote earlier in the input, or nil): stale reads scattered
/// through a long history, mostly not cycles.
pub fn corrupt(h: &History, share: f64, seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut written: HashMap<Option<String>, Vec<Value>> = HashMap::new();
    let mut ops = h.ops().to_vec();
    for op in &mut ops {
        let seen = written.entry(op.key.clone()).or_default();
        if op.read_value().is_some() && matches!(op.action, Action::Read) && rng.chance(share) {
            let old =
                (!seen.is_empty() && rng.chance(0.9)).then(|| seen[rng.index(seen.len())].clone());
            let (client, call, ret) = (op.client, op.call, op.ret().expect("a completed read"));
            let mut read = Operation::read(client, old, call, ret);
            read.key = op.key.clone();
            *op = read;
        }
        // Only values that completed writes surely wrote: stale reads, not thin air.
        let took_effect = match (&op.action, op.output()) {
            (Action::Write(_), Some(_)) => true,
            (Action::Cas { .. }, Some(out)) => *out == testkit::history::Output::Swapped(true),
            _ => false,
        };
        if let (true, Some(v)) = (took_effect, op.action.written()) {
            seen.push(v.clone());
        }
    }
    History::from_ops(ops).expect("only values changed")
}
