//! The happens-before graph of a history with unique written values.
//!
//! Building it takes four steps:
//!
//! 1. keep the operations that matter (see [`Event`]) and reject what the checker cannot
//!    judge: appends, and a value written twice to one key;
//! 2. order each client's events by call time and link every event to the client's latest
//!    earlier *completed* event (session order);
//! 3. link every read to the unique write of the value it returned (reads-from);
//! 4. sort the graph topologically, or find a cycle ([`order`]).
//!
//! The graph keeps only these edges, at most two into every event; what happens before
//! what is answered by [`crate::check::causal::clock`], never by a stored closure.
//!
//! Only edges that every correct store guarantees go in. An operation of unknown outcome
//! gets no session edge *out*: its client stopped waiting, so the store may apply it after
//! the client's later operations (a retransmitted request, for instance). Linking it to
//! them was the rejected alternative; it would flag correct stores.

mod order;

use std::collections::{HashMap, HashSet};

use crate::check::CheckError;
use crate::history::{Action, ClientId, History, OpId, Outcome, Output, Time, Value};

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
    /// When it was called: the topological order follows call times where it can.
    pub(crate) call: Time,
    /// Index into [`Graph::sessions`].
    pub(crate) session: usize,
    /// Position in that session.
    pub(crate) pos: usize,
    /// The key, numbered in order of first appearance in the history.
    pub(crate) key: usize,
    /// The read part, if the event reads.
    pub(crate) read: Option<Source>,
    /// Whether the event writes (a write, or a cas that swapped or may have).
    pub(crate) writes: bool,
    /// Whether the client saw it complete (only then do later events follow it).
    pub(crate) done: bool,
    /// The client's latest earlier completed event.
    pub(crate) so_pred: Option<Ev>,
}

impl Event {
    /// The value this event read, as the write of it (`Some(None)`: the initial value);
    /// `None` when it reads nothing, or a value nobody wrote.
    pub(crate) fn value_read(&self) -> Option<Option<Ev>> {
        match self.read? {
            Source::Initial => Some(None),
            Source::Write(w) => Some(Some(w)),
            Source::Nowhere => None,
        }
    }

    /// The write this event read from, if it read one.
    pub(crate) fn source(&self) -> Option<Ev> {
        match self.read {
            Some(Source::Write(w)) => Some(w),
            _ => None,
        }
    }
}

/// Events, their edges and a topological order.
#[derive(Debug)]
pub(crate) struct Graph {
    /// Every event, in the order of the input operations.
    pub(crate) events: Vec<Event>,
    /// How many keys there are (keys are numbered in order of appearance).
    pub(crate) keys: usize,
    /// Each client's events in session order, with the client's id.
    pub(crate) sessions: Vec<(ClientId, Vec<Ev>)>,
    /// A happens-before cycle, in edge order, if there is one.
    pub(crate) cycle: Option<Vec<Ev>>,
    /// The events in a topological order; empty when cyclic.
    pub(crate) order: Vec<Ev>,
    /// Each event's place in [`Graph::order`]: an event can only happen before events of
    /// higher rank.
    pub(crate) rank: Vec<usize>,
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

    /// The events that follow `ev` directly: its client's events whose session
    /// predecessor it is, and the events that read its value. Built on demand.
    pub(crate) fn successors(&self) -> Vec<Vec<Ev>> {
        let mut succ = vec![Vec::new(); self.events.len()];
        for (ev, e) in self.events.iter().enumerate() {
            for p in preds(e) {
                succ[p].push(ev);
            }
        }
        succ
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

/// Adds session order, reads-from and the topological order (or a cycle).
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
    let events: Vec<Event> = kept
        .iter()
        .enumerate()
        .map(|(ev, k)| {
            let read = k.read.as_ref().map(|v| match v {
                None => Source::Initial,
                Some(v) => writer
                    .get(&(k.key, v.clone()))
                    .map_or(Source::Nowhere, |&w| Source::Write(w)),
            });
            let (session, pos, so_pred) = session_of[ev];
            Event {
                op: k.op,
                call: history.op(k.op).call,
                session,
                pos,
                key: k.key,
                read,
                writes: k.write.is_some(),
                done: k.done,
                so_pred,
            }
        })
        .collect();
    let mut graph = Graph {
        events,
        keys,
        sessions,
        cycle: None,
        order: Vec::new(),
        rank: Vec::new(),
    };
    match order::sort(&graph) {
        Ok(order) => {
            let mut rank = vec![0; order.len()];
            for (i, &ev) in order.iter().enumerate() {
                rank[ev] = i;
            }
            graph.order = order;
            graph.rank = rank;
        }
        Err(cycle) => graph.cycle = Some(cycle),
    }
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
