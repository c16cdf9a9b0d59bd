//! Generated register histories: linearizable by construction, or with one planted
//! violation. Tests use them to check the checkers on many seeds; the benchmark uses them
//! at Jepsen scale.
//!
//! Construction: every client runs operations one after another with random gaps; each
//! operation gets a random duration and a random instant inside it at which it "takes
//! effect". Applying the operations to one register in the order of those instants gives
//! every result, so that order is a linearization and the history is linearizable. An
//! operation of unknown outcome takes effect or not (a coin flip), and its client, like a
//! Jepsen process after a timeout, is replaced by a fresh client id.
//!
//! A planted violation is one extra read, of one of two kinds ([`Plant`]):
//!
//! - [`Plant::StaleRead`]: by a new client, called after some write `w2` returned, it
//!   returns the value `w2` overwrote, whose own write returned before `w2` was called.
//!   With unique values nothing else wrote it, so no order that respects real time
//!   explains the read. It breaks linearizability only: the new client has seen nothing,
//!   so sequential and causal consistency let it read an old value.
//! - [`Plant::OwnStaleRead`]: by a client that certainly changed the register twice, at
//!   its end, it returns the value of the first change. The client's own order puts the
//!   second change between, and nothing wrote the value again, so it breaks every model
//!   the course checks: linearizability, sequential and causal consistency,
//!   read-your-writes.
//!
//! With repeated values neither read is certain to be a violation (another write may
//! have written the value again), so both plant a read of a value nobody wrote.

use crate::history::{Action, ClientId, History, Operation, Outcome, Output, Time, Value};
use crate::rng::Rng;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenConfig {
    /// Clients running at once.
    pub clients: u32,
    /// Operations each client runs (a replaced client's successor continues its count).
    pub ops_per_client: usize,
    /// Longest duration of an operation, in ticks; durations are 1..=this.
    pub max_duration: Time,
    /// Longest pause between a client's operations; pauses are 0..=this. Long operations
    /// and short pauses mean much overlap.
    pub max_gap: Time,
    /// `None`: every written value is unique. `Some(n)`: values are drawn from `0..n`.
    pub value_range: Option<i64>,
    /// Share of operations that are reads.
    pub reads: f64,
    /// Share of operations that are compare-and-swaps (the rest are writes).
    pub cas: f64,
    /// Share of operations whose outcome is unknown.
    pub unknown: f64,
    /// Plant one violation.
    pub violation: bool,
    /// Which violation `violation` plants.
    pub plant: Plant,
    /// The seed: same seed, same history.
    pub seed: u64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            clients: 5,
            ops_per_client: 20,
            max_duration: 10,
            max_gap: 5,
            value_range: None,
            reads: 0.5,
            cas: 0.2,
            unknown: 0.0,
            violation: false,
            plant: Plant::StaleRead,
            seed: 0,
        }
    }
}

/// The kinds of planted violation (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Plant {
    /// A new client reads a value overwritten before it was called: breaks
    /// linearizability only.
    #[default]
    StaleRead,
    /// A client reads its own first change after its second: breaks every model.
    OwnStaleRead,
}

/// One operation while it is being built: where it takes effect, if it does.
struct Draft {
    op: Operation,
    effect: Option<Time>,
}

/// Generates a history as configured. Without `violation` it is linearizable.
pub fn generate(cfg: &GenConfig) -> History {
    let mut rng = Rng::new(cfg.seed);
    let mut drafts = Vec::new();
    let mut next_client: ClientId = cfg.clients;
    for slot in 0..cfg.clients {
        let (mut client, mut t) = (slot, rng.below(cfg.max_gap + 1));
        for _ in 0..cfg.ops_per_client {
            let call = t;
            let ret = call + rng.between(1, cfg.max_duration.max(1));
            // In half ticks, strictly inside the operation: an operation that returns at
            // `t` must take effect before one called at `t`.
            let effect = rng.between(2 * call + 1, 2 * ret - 1);
            let roll = rng.next_u64() as f64 / u64::MAX as f64;
            let action = if roll < cfg.reads {
                Action::Read
            } else if roll < cfg.reads + cfg.cas {
                // `from` is chosen when the register's value at `effect` is known.
                Action::Cas {
                    from: None,
                    to: Value::Int(0),
                }
            } else {
                Action::Write(Value::Int(0))
            };
            let unknown = rng.chance(cfg.unknown);
            let op = Operation {
                client,
                key: None,
                action,
                call,
                outcome: if unknown {
                    Outcome::Unknown
                } else {
                    Outcome::Failed { at: ret }
                },
            };
            let effect = (!unknown || rng.chance(0.5)).then_some(effect);
            drafts.push(Draft { op, effect });
            if unknown {
                client = next_client;
                next_client += 1;
            }
            t = ret + rng.below(cfg.max_gap + 1);
        }
    }
    let writers = apply(&mut drafts, cfg, &mut rng);
    let mut ops: Vec<Operation> = drafts.into_iter().map(|d| d.op).collect();
    if cfg.violation {
        let read = match cfg.plant {
            Plant::StaleRead => stale_read(&ops, &writers, cfg, next_client, &mut rng),
            Plant::OwnStaleRead => own_stale_read(&ops, cfg, &mut rng),
        };
        ops.push(read.unwrap_or_else(|| unwritten_read(&ops, next_client)));
    }
    ops.sort_by_key(|o| (o.call, o.client));
    History::from_ops(ops).expect("generated histories are well formed")
}

/// Fills in values and results in effect order. Returns, for each write that took effect
/// with a known outcome, (index, value before it, index of the op that wrote that value).
fn apply(drafts: &mut [Draft], cfg: &GenConfig, rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| (drafts[i].effect.unwrap_or(Time::MAX), i));
    let mut fresh = 0i64;
    let mut new_value = |rng: &mut Rng| match cfg.value_range {
        None => {
            fresh += 1;
            Value::Int(fresh)
        }
        Some(n) => Value::Int(rng.below(n.max(1) as u64) as i64),
    };
    let mut state: Option<Value> = None;
    let mut written_by: Option<usize> = None;
    let mut overwrites = Vec::new();
    for i in order {
        let d = &mut drafts[i];
        let takes_effect = d.effect.is_some();
        let ret = d.op.ret();
        let output = match &mut d.op.action {
            Action::Read => Output::Value(state.clone()),
            Action::Write(v) => {
                *v = new_value(rng);
                if takes_effect {
                    if let (Some(prev), true) = (written_by, ret.is_some()) {
                        overwrites.push((i, prev));
                    }
                    state = Some(v.clone());
                    written_by = Some(i);
                }
                Output::Done
            }
            Action::Cas { from, to } => {
                *from = if rng.chance(0.5) {
                    state.clone()
                } else {
                    Some(new_value(rng))
                };
                *to = new_value(rng);
                let swapped = takes_effect && *from == state;
                if swapped {
                    state = Some(to.clone());
                    written_by = Some(i);
                }
                Output::Swapped(swapped)
            }
            Action::Append(_) => unreachable!("the generator makes no appends"),
        };
        if let Some(at) = ret {
            d.op.outcome = Outcome::Ok { at, output };
        }
    }
    overwrites
}

/// The stale read by a new client described in the module docs, when values are unique
/// and some write certainly overwrote a value whose write returned before it was called.
fn stale_read(
    ops: &[Operation],
    overwrites: &[(usize, usize)],
    cfg: &GenConfig,
    client: ClientId,
    rng: &mut Rng,
) -> Option<Operation> {
    if cfg.value_range.is_some() {
        return None;
    }
    let end = ops.iter().filter_map(Operation::ret).max().unwrap_or(0);
    let certain: Vec<&(usize, usize)> = overwrites
        .iter()
        .filter(|&&(w2, prev)| {
            ops[prev].ret().is_some_and(|r| r < ops[w2].call)
                && ops[prev].output() != Some(&Output::Swapped(false))
        })
        .collect();
    if certain.is_empty() {
        return None;
    }
    let &(w2, prev) = certain[rng.index(certain.len())];
    let stale = ops[prev].action.written().cloned();
    let call = ops[w2].ret().unwrap_or(end) + 1;
    Some(Operation::read(client, stale, call, call + 1))
}

/// The read of a client's own overwritten value described in the module docs, when
/// values are unique and some client certainly changed the register twice.
fn own_stale_read(ops: &[Operation], cfg: &GenConfig, rng: &mut Rng) -> Option<Operation> {
    if cfg.value_range.is_some() {
        return None;
    }
    let certain = |o: &Operation| matches!(o.output(), Some(Output::Done | Output::Swapped(true)));
    // Per client: its first certain change, whether a second followed, its last return.
    let mut seen: Vec<(ClientId, usize, bool, Time)> = Vec::new();
    let mut by_client: Vec<usize> = (0..ops.len()).collect();
    by_client.sort_by_key(|&i| (ops[i].client, ops[i].call));
    for i in by_client {
        let op = &ops[i];
        let end = op.ret().unwrap_or(op.call);
        match seen.last_mut() {
            Some(last) if last.0 == op.client => {
                last.3 = last.3.max(end);
                if certain(op) {
                    if last.1 == usize::MAX {
                        last.1 = i;
                    } else {
                        last.2 = true;
                    }
                }
            }
            _ => seen.push((
                op.client,
                if certain(op) { i } else { usize::MAX },
                false,
                end,
            )),
        }
    }
    let twice: Vec<&(ClientId, usize, bool, Time)> = seen.iter().filter(|s| s.2).collect();
    if twice.is_empty() {
        return None;
    }
    let &(client, first, _, end) = twice[rng.index(twice.len())];
    let value = ops[first].action.written().cloned();
    Some(Operation::read(client, value, end + 1, end + 2))
}

/// A read of a value nobody wrote, after everything else: a violation of every model
/// whatever the values, for when no stale read is certain to be one.
fn unwritten_read(ops: &[Operation], client: ClientId) -> Operation {
    let end = ops.iter().filter_map(Operation::ret).max().unwrap_or(0);
    Operation::read(client, Some(Value::Int(-1)), end + 1, end + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_history_and_sizes_as_configured() {
        let cfg = GenConfig {
            unknown: 0.1,
            seed: 4,
            ..GenConfig::default()
        };
        let a = generate(&cfg);
        assert_eq!(a, generate(&cfg));
        assert_ne!(
            a,
            generate(&GenConfig {
                seed: 5,
                ..cfg.clone()
            })
        );
        assert_eq!(a.len(), 5 * 20);
        let planted = generate(&GenConfig {
            violation: true,
            ..cfg
        });
        assert_eq!(planted.len(), 5 * 20 + 1);
    }

    #[test]
    fn unique_values_are_unique() {
        let h = generate(&GenConfig {
            seed: 9,
            ops_per_client: 50,
            ..GenConfig::default()
        });
        let mut written: Vec<&Value> = h.ops().iter().filter_map(|o| o.action.written()).collect();
        let n = written.len();
        written.sort();
        written.dedup();
        assert_eq!(written.len(), n);
    }

    #[test]
    fn an_own_stale_read_is_by_a_client_that_changed_the_register_twice() {
        let cfg = GenConfig {
            seed: 3,
            violation: true,
            plant: Plant::OwnStaleRead,
            ..GenConfig::default()
        };
        let h = generate(&cfg);
        let read = h
            .ops()
            .iter()
            .max_by_key(|o| o.call)
            .expect("the planted read comes last");
        let Some(Some(value)) = read.read_value() else {
            panic!("{read:?}");
        };
        let own: Vec<&Operation> = h
            .ops()
            .iter()
            .filter(|o| o.client == read.client && o.call < read.call)
            .collect();
        let first = own.iter().position(|o| o.action.written() == Some(value));
        let first = first.expect("the client wrote the value itself");
        assert!(
            own[first + 1..]
                .iter()
                .any(|o| matches!(o.output(), Some(Output::Done | Output::Swapped(true)))),
            "and changed it again later"
        );
    }
}
