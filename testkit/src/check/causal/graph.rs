//! The happens-before graph of a history with unique written values.
//!
//! Building it takes four steps:
//!
//! 1. keep the operations that matter (see [`Event`]) and reject what the checker cannot
//!    judge: appends, and a value written twice to one key;
//! 2. order each client's events by call time and link every event to the client's latest
//!    earlier *completed* event (session order);
//! 3. link every read to the unique write of the value it returned (reads-from);
//! 4. sort the graph topologically, or find a cycle, and compute for every event the set
//!    of writes that happen before it.
//!
//! Only edges that every correct store guarantees go in. An operation of unknown outcome
//! gets no session edge *out*: its client stopped waiting, so the store may apply it after
//! the client's later operations (a retransmitted request, for instance). Linking it to
//! them was the rejected alternative; it would flag correct stores.

mod closure;

use std::collections::{HashMap, HashSet};

use crate::check::CheckError;
use crate::check::causal::bits::Bits;
use crate::history::{Action, ClientId, History, OpId, Outcome, Output, Value};

/// An index into [`Graph::events`].
pub(crate) type Ev = usize;

/// Where the value a read returned came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// It returned nil: nothing was written yet, as far as it knows.
    Initial,
    /// It returned the value written by this event.
    Write(Ev),
    /// It returned a value no effective write wrote.
    Nowhere,
}

/// An operation that may have had an effect: a completed read, a write that completed or
/// may have, a compare-and-swap that swapped. A cas of unknown outcome whose value some
/// read returned certainly swapped, so it also reads its `from` value. Failed operations,
/// unanswered reads and cas operations that did not swap say nothing about the store.
#[derive(Clone, Debug)]
pub(crate) struct Event {
    /// The operation in the input history.
    pub(crate) op: OpId,
    /// Index into [`Graph::sessions`].
    pub(crate) session: usize,
    /// Position in that session.
    pub(crate) pos: usize,
    /// The key, numbered in order of first appearance in the history.
    pub(crate) key: usize,
    /// The read part, if the event reads.
    pub(crate) read: Option<Source>,
    /// The index in [`Graph::writes`] of the write part, if the event writes.
    pub(crate) write: Option<usize>,
    /// Whether the client saw it complete (only then do later events follow it).
    pub(crate) done: bool,
    /// The client's latest earlier completed event.
    pub(crate) so_pred: Option<Ev>,
}

/// Events, their edges and the writes that happen before each of them.
#[derive(Debug)]
pub(crate) struct Graph {
    /// Every event, in the order of the input operations.
    pub(crate) events: Vec<Event>,
    /// The event of each write, numbered in event order.
    pub(crate) writes: Vec<Ev>,
    /// The writes to each key, by key index (keys are numbered in order of appearance).
    pub(crate) key_writes: Vec<Bits>,
    /// Each client's events in session order, with the client's id.
    pub(crate) sessions: Vec<(ClientId, Vec<Ev>)>,
    /// A happens-before cycle, in edge order, if there is one.
    pub(crate) cycle: Option<Vec<Ev>>,
    /// For each event, the writes (by index) that happen before it; empty when cyclic.
    pub(crate) anc: Vec<Bits>,
}

/// An operation kept, before the graph links it.
struct Kept {
    op: OpId,
    key: usize,
    read: Option<Option<Value>>,
    write: Option<Value>,
    done: bool,
}

impl Graph {
    /// Builds the graph of `history`.
    pub(crate) fn build(history: &History) -> Result<Graph, CheckError> {
        let mut key_index: HashMap<Option<String>, usize> = HashMap::new();
        let mut kept = Vec::new();
        // An unknown cas reads `from` only if it swapped, which a read of its value proves.
        let mut pending_cas: Vec<(usize, Option<Value>)> = Vec::new();
        for (id, op) in history.ops().iter().enumerate() {
            let fresh = key_index.len();
            let key = *key_index.entry(op.key.clone()).or_insert(fresh);
            let done = matches!(op.outcome, Outcome::Ok { .. });
            let (read, write) = match (&op.action, &op.outcome) {
                (_, Outcome::Failed { .. }) => continue,
                (Action::Append(_), _) => {
                    return Err(CheckError::Unsupported {
                        op: id,
                        what: "append is not supported: the causal checker needs whole-value \
                               writes with unique values"
                            .into(),
                    });
                }
                (Action::Read, Outcome::Ok { output, .. }) => match output {
                    Output::Value(v) => (Some(v.clone()), None),
                    _ => continue,
                },
                (Action::Write(v), _) => (None, Some(v.clone())),
                (Action::Cas { from, to }, Outcome::Ok { output, .. }) => match output {
                    Output::Swapped(true) => (Some(from.clone()), Some(to.clone())),
                    _ => continue,
                },
                (Action::Cas { from, to }, Outcome::Unknown) => {
                    pending_cas.push((kept.len(), from.clone()));
                    (None, Some(to.clone()))
                }
                (Action::Read, Outcome::Unknown) => continue,
            };
            kept.push(Kept {
                op: id,
                key,
                read,
                write,
                done,
            });
        }
        let writer = unique_writers(&kept)?;
        resolve_unknown_cas(&mut kept, pending_cas);
        Ok(link(history, kept, key_index.len(), &writer))
    }

    /// The write index of event `ev`, which must write.
    pub(crate) fn write_of(&self, ev: Ev) -> usize {
        self.events[ev].write.expect("the event writes")
    }

    /// Whether write event `w` happens before event `ev`.
    pub(crate) fn hb(&self, w: Ev, ev: Ev) -> bool {
        self.anc[ev].contains(self.write_of(w))
    }
}

/// Maps each (key, value) to the kept operation writing it, or reports a duplicate.
fn unique_writers(kept: &[Kept]) -> Result<HashMap<(usize, Value), usize>, CheckError> {
    let mut writer = HashMap::new();
    for (i, k) in kept.iter().enumerate() {
        let Some(v) = &k.write else { continue };
        if let Some(&first) = writer.get(&(k.key, v.clone())) {
            let first: &Kept = &kept[first];
            return Err(CheckError::ValuesNotUnique {
                value: v.to_string(),
                ops: [first.op, k.op],
            });
        }
        writer.insert((k.key, v.clone()), i);
    }
    Ok(writer)
}

/// Gives a read part to every cas of unknown outcome whose written value was returned by
/// some read: it certainly swapped, so it read `from`. Repeats because such a cas may be
/// the only reader of another one.
fn resolve_unknown_cas(kept: &mut [Kept], mut pending: Vec<(usize, Option<Value>)>) {
    let mut observed: HashSet<(usize, Value)> = kept
        .iter()
        .filter_map(|k| Some((k.key, k.read.clone()??)))
        .collect();
    loop {
        let mut resolved = Vec::new();
        pending.retain(|(i, from)| {
            let k = &kept[*i];
            let seen = (k.write.as_ref()).is_some_and(|v| observed.contains(&(k.key, v.clone())));
            if seen {
                resolved.push((*i, from.clone()));
            }
            !seen
        });
        if resolved.is_empty() {
            return;
        }
        for (i, from) in resolved {
            if let Some(v) = &from {
                observed.insert((kept[i].key, v.clone()));
            }
            kept[i].read = Some(from);
        }
    }
}

/// Adds session order, reads-from, the topological order and the closure.
fn link(
    history: &History,
    kept: Vec<Kept>,
    keys: usize,
    writer: &HashMap<(usize, Value), usize>,
) -> Graph {
    let mut by_client: HashMap<ClientId, Vec<Ev>> = HashMap::new();
    for (ev, k) in kept.iter().enumerate() {
        by_client
            .entry(history.op(k.op).client)
            .or_default()
            .push(ev);
    }
    let mut sessions: Vec<(ClientId, Vec<Ev>)> = by_client.into_iter().collect();
    sessions.sort_by_key(|(c, _)| *c);
    let mut session_of = vec![(0, 0, None); kept.len()];
    for (s, (_, evs)) in sessions.iter_mut().enumerate() {
        evs.sort_by_key(|&ev| (history.op(kept[ev].op).call, kept[ev].op));
        let mut last_done = None;
        for (pos, &ev) in evs.iter().enumerate() {
            session_of[ev] = (s, pos, last_done);
            if kept[ev].done {
                last_done = Some(ev);
            }
        }
    }
    let mut writes = Vec::new();
    let mut key_writes: Vec<Bits> = Vec::new();
    let write_count = kept.iter().filter(|k| k.write.is_some()).count();
    key_writes.resize(keys, Bits::new(write_count));
    let events: Vec<Event> = kept
        .iter()
        .enumerate()
        .map(|(ev, k)| {
            let write = k.write.as_ref().map(|_| {
                writes.push(ev);
                key_writes[k.key].insert(writes.len() - 1);
                writes.len() - 1
            });
            let read = k.read.as_ref().map(|v| match v {
                None => Source::Initial,
                Some(v) => writer
                    .get(&(k.key, v.clone()))
                    .map_or(Source::Nowhere, |&w| Source::Write(w)),
            });
            let (session, pos, so_pred) = session_of[ev];
            Event {
                op: k.op,
                session,
                pos,
                key: k.key,
                read,
                write,
                done: k.done,
                so_pred,
            }
        })
        .collect();
    let mut graph = Graph {
        events,
        writes,
        key_writes,
        sessions,
        cycle: None,
        anc: Vec::new(),
    };
    closure::close(&mut graph);
    graph
}

/// The predecessors of an event: session order first, then reads-from.
pub(crate) fn preds(e: &Event) -> impl Iterator<Item = Ev> {
    let rf = match e.read {
        Some(Source::Write(w)) => Some(w),
        _ => None,
    };
    e.so_pred.into_iter().chain(rf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Operation;

    fn graph(ops: impl IntoIterator<Item = Operation>) -> Graph {
        Graph::build(&History::from_ops(ops).unwrap()).unwrap()
    }

    #[test]
    fn only_completed_events_have_session_successors() {
        let g = graph([
            Operation::write(0, 1, 0, 1),
            Operation::unknown(0, Action::Write(Value::Int(2)), 2),
            Operation::failed(0, Action::Write(Value::Int(3)), 3, 4),
            Operation::write(0, 4, 5, 6),
            Operation::unknown(0, Action::Read, 7),
        ]);
        // The failed write and the unanswered read are gone.
        let ops: Vec<OpId> = g.events.iter().map(|e| e.op).collect();
        assert_eq!(ops, vec![0, 1, 3]);
        let preds: Vec<Option<Ev>> = g.events.iter().map(|e| e.so_pred).collect();
        // The unknown write follows the first write; the last write follows the first
        // write too, not the unknown one.
        assert_eq!(preds, vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn reads_name_their_writes() {
        let g = graph([
            Operation::write(0, 1, 0, 1).on("x"),
            Operation::read(1, Some(Value::Int(1)), 2, 3).on("x"),
            Operation::read(1, Some(Value::Int(1)), 4, 5).on("y"),
            Operation::read(1, None, 6, 7).on("y"),
            Operation::cas(1, Some(Value::Int(1)), 5, false, 8, 9).on("x"),
        ]);
        let reads: Vec<Option<Source>> = g.events.iter().map(|e| e.read).collect();
        let expected = vec![
            None,
            Some(Source::Write(0)),
            Some(Source::Nowhere),
            Some(Source::Initial),
        ];
        assert_eq!(reads, expected, "the cas that did not swap is dropped");
    }

    #[test]
    fn unknown_cas_operations_read_once_their_value_is_seen() {
        let cas = |from: Option<i64>, to: i64| Action::Cas {
            from: from.map(Value::Int),
            to: Value::Int(to),
        };
        let g = graph([
            Operation::unknown(0, cas(None, 1), 0),
            Operation::unknown(1, cas(Some(1), 2), 0),
            Operation::unknown(2, cas(Some(2), 3), 0),
            Operation::read(3, Some(Value::Int(2)), 5, 6),
        ]);
        let reads: Vec<Option<Source>> = g.events.iter().map(|e| e.read).collect();
        // Seeing 2 proves the second cas swapped, which proves the first one did; nothing
        // shows that the third one ran.
        let expected = vec![
            Some(Source::Initial),
            Some(Source::Write(0)),
            None,
            Some(Source::Write(1)),
        ];
        assert_eq!(reads, expected);
    }
}
