//! Clients widened in the gaps of their own order, for a search in real time that can
//! find a sequentially consistent order the plain linearizability search cannot.
//!
//! Sequential consistency asks for one order that keeps each client's order; real time
//! between clients does not count. Widen the operations of a client as far as its own
//! order allows: a completed operation returns halfway through the gap to its client's
//! next operation (the last at the end of time), and every operation is called where the
//! client's previous completed operation now returns (the first at the start of time).
//! Each widened interval holds the original one, and a completed operation still returns
//! no later than its client's next call, so an operation with a known outcome still
//! comes before its client's later ones. Any order the linearizability search finds for
//! a history with some clients widened therefore keeps each client's order and the
//! model: the history is sequentially consistent. The converse does not hold (real time
//! between other clients still counts), so this search only ever settles a history as
//! consistent; the sequential search decides the rest.
//!
//! Which clients: the ones the search in real time blames, round by round (see
//! [`Widening`]). A history that is not linearizable only because a few clients were
//! behind (a client whose one read returned a value another client had already
//! overwritten) is then linearizable with those clients widened, and its search walks it
//! in one pass, where the sequential search, free of real time altogether, gets lost
//! among the orders of 32 clients over 20,000 operations. Widening every client at once
//! was the rejected alternative: with clients replaced after each timeout, as Jepsen
//! does, a history of 100,000 operations has 2,000 clients, and every first operation
//! called at the start of time made the search carry them all from its first step.
//! Failed operations keep their times: they never took effect, and no order places
//! them.

use std::cell::OnceCell;

use hashbrown::HashSet;

use crate::check::linearizable::{self, Facts, Prepared};
use crate::check::search::States;
use crate::history::{ClientId, History, OpId, Operation, Outcome, Time};

/// How many rounds of widening one key gets: each widens one more client.
const ROUNDS: usize = 8;

/// The rounds of widening for one key: which clients are widened so far, and the
/// operations the next round's search sees.
pub(super) struct Widening<'a> {
    history: &'a History,
    ids: &'a [OpId],
    /// Per operation: the history's, or its widened copy once its client is widened.
    ops: Vec<&'a Operation>,
    /// Where the last operation of a widened client returns: after everything else.
    end: Time,
    clients: HashSet<ClientId>,
    /// Per round, the widened copies of the operations of the client it widened, with
    /// their places; the searches borrow them.
    rounds: &'a [OnceCell<Vec<(usize, Operation)>>],
}

/// Storage for the rounds of a [`Widening`], made before it so that the searches can
/// borrow from it.
pub(super) fn storage() -> Vec<OnceCell<Vec<(usize, Operation)>>> {
    (0..ROUNDS).map(|_| OnceCell::new()).collect()
}

impl<'a> Widening<'a> {
    pub(super) fn new(
        history: &'a History,
        ids: &'a [OpId],
        rounds: &'a [OnceCell<Vec<(usize, Operation)>>],
    ) -> Self {
        let ops: Vec<&Operation> = ids.iter().map(|&i| history.op(i)).collect();
        Widening {
            history,
            ids,
            end: end_of(&ops),
            ops,
            clients: HashSet::new(),
            rounds,
        }
    }

    /// How many clients are widened so far.
    pub(super) fn widened(&self) -> usize {
        self.clients.len()
    }

    /// The search in real time of the next round, after a search that found no order
    /// blamed operation `blamed` (its id in the history): with its client widened too.
    /// `None` when that client is widened already (widening it again changes nothing)
    /// or the rounds are used up.
    pub(super) fn after<M: Facts>(
        &mut self,
        model: &'a M,
        blamed: OpId,
    ) -> Option<linearizable::Search<'a, M>> {
        let mut blamed = blamed;
        loop {
            let client = self.history.op(blamed).client;
            let round = self.clients.len();
            if round == self.rounds.len() || !self.clients.insert(client) {
                return None;
            }
            let rounds = self.rounds;
            let copies = rounds[round].get_or_init(|| widen_client(&self.ops, client, self.end));
            for (i, op) in copies {
                self.ops[*i] = op;
            }
            match real_time_search(model, Prepared::of(self.ops.clone(), self.ids)) {
                Ok(search) => return Some(search),
                Err(again) => blamed = again,
            }
        }
    }
}

/// The linearizability search over `prep`, or, when its pre-check already knows it
/// would find no order, the operation it blames (its id in the history).
pub(super) fn real_time_search<'a, M: Facts>(
    model: &'a M,
    prep: Prepared<'a>,
) -> Result<linearizable::Search<'a, M>, OpId> {
    let mut states = States::new(model);
    let prep = prep.reduce(&mut states, true);
    match linearizable::certain(&prep, &mut states) {
        Some(blame) => Err(prep.ids[blame]),
        None => Ok(linearizable::Search::new(prep, states)),
    }
}

/// A time after every call and return of `ops`.
fn end_of(ops: &[&Operation]) -> Time {
    ops.iter()
        .map(|o| o.ret().unwrap_or(o.call))
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// The operations of `client` among `ops` (one key's), widened, with their places; the
/// last completed one returns at `end`.
fn widen_client(ops: &[&Operation], client: ClientId, end: Time) -> Vec<(usize, Operation)> {
    // Its operations that took or may have taken effect, by call.
    let mut mine: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].client == client)
        .filter(|&i| !matches!(ops[i].outcome, Outcome::Failed { .. }))
        .collect();
    mine.sort_by_key(|&i| (ops[i].call, i));
    // Where the client's last completed operation so far now returns.
    let mut after: Time = 0;
    let mut widened = Vec::with_capacity(mine.len());
    for (k, &i) in mine.iter().enumerate() {
        let mut op = ops[i].clone();
        op.call = after;
        if let Outcome::Ok { at, .. } = &mut op.outcome {
            let next = mine.get(k + 1).map(|&j| ops[j].call);
            *at = next.map_or(end, |call| *at + call.saturating_sub(*at) / 2);
            after = *at;
        }
        widened.push((i, op));
    }
    widened
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Action, Value};

    /// The operations `ids` of `h` with those of `clients` widened.
    fn widen(h: &History, ids: &[OpId], clients: &[ClientId]) -> Vec<Operation> {
        let ops: Vec<&Operation> = ids.iter().map(|&i| h.op(i)).collect();
        let mut widened: Vec<Operation> = ops.iter().map(|&o| o.clone()).collect();
        for &client in clients {
            for (i, op) in widen_client(&ops, client, end_of(&ops)) {
                widened[i] = op;
            }
        }
        widened
    }

    fn int(v: i64) -> Option<Value> {
        Some(Value::Int(v))
    }

    #[test]
    fn each_operation_fills_the_gaps_of_its_clients_order_and_no_more() {
        let h = History::from_ops([
            Operation::write(0, 1, 10, 20),
            Operation::read(1, int(1), 15, 30),
            Operation::write(0, 2, 40, 50),
            Operation::read(0, int(2), 60, 70),
            Operation::unknown(1, Action::Write(Value::Int(3)), 80),
        ])
        .unwrap();
        let ids: Vec<OpId> = (0..h.len()).collect();
        let w = widen(&h, &ids, &[0, 1]);
        let span = |i: usize| (w[i].call, w[i].ret());
        // Client 0: from the start, halfway to its next call, and to the end.
        assert_eq!(span(0), (0, Some(30)));
        assert_eq!(span(2), (30, Some(55)));
        assert_eq!(span(3), (55, Some(81)));
        // Client 1: its read returns halfway to its next call; the write of unknown
        // outcome is called where that read now returns and still has no return.
        assert_eq!(span(1), (0, Some(55)));
        assert_eq!(span(4), (55, None));
        // Every widened interval holds the original.
        for (o, n) in h.ops().iter().zip(&w) {
            assert!(n.call <= o.call);
            assert!(n.ret().unwrap_or(Time::MAX) >= o.ret().unwrap_or(Time::MAX));
        }
        // Only the clients asked for are widened.
        let w = widen(&h, &ids, &[1]);
        assert_eq!((w[0].call, w[0].ret()), (10, Some(20)));
        assert_eq!((w[1].call, w[1].ret()), (0, Some(55)));
    }
}
