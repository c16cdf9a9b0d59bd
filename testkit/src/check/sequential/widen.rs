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
/// widened operations of each round, which the round's search borrows.
pub(super) struct Widening<'a> {
    history: &'a History,
    ids: &'a [OpId],
    clients: HashSet<ClientId>,
    rounds: &'a [OnceCell<Vec<Operation>>],
    next: usize,
}

/// Storage for the rounds of a [`Widening`], made before it so that the searches can
/// borrow from it.
pub(super) fn storage() -> Vec<OnceCell<Vec<Operation>>> {
    (0..ROUNDS).map(|_| OnceCell::new()).collect()
}

impl<'a> Widening<'a> {
    pub(super) fn new(
        history: &'a History,
        ids: &'a [OpId],
        rounds: &'a [OnceCell<Vec<Operation>>],
    ) -> Self {
        Widening {
            history,
            ids,
            clients: HashSet::new(),
            rounds,
            next: 0,
        }
    }

    /// How many clients the current round has widened.
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
            if self.next == self.rounds.len() || !self.clients.insert(client) {
                return None;
            }
            let ops =
                self.rounds[self.next].get_or_init(|| widen(self.history, self.ids, &self.clients));
            self.next += 1;
            match real_time_search(model, Prepared::of(ops, self.ids)) {
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

/// The operations `ids` of `history` (one key's), with those of `clients` widened; the
/// same order and ids.
fn widen(history: &History, ids: &[OpId], clients: &HashSet<ClientId>) -> Vec<Operation> {
    let ops: Vec<&Operation> = ids.iter().map(|&i| history.op(i)).collect();
    let end = ops
        .iter()
        .map(|o| o.ret().unwrap_or(o.call))
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    // Each widened client's operations that took or may have taken effect, by call.
    let mut by_client: hashbrown::HashMap<ClientId, Vec<usize>> = hashbrown::HashMap::new();
    let mut order: Vec<usize> = (0..ops.len()).collect();
    order.sort_by_key(|&i| (ops[i].call, i));
    for &i in &order {
        let failed = matches!(ops[i].outcome, Outcome::Failed { .. });
        if !failed && clients.contains(&ops[i].client) {
            by_client.entry(ops[i].client).or_default().push(i);
        }
    }
    let mut widened: Vec<Operation> = ops.iter().map(|&o| o.clone()).collect();
    for mine in by_client.values() {
        // Where the client's last completed operation so far now returns.
        let mut after: Time = 0;
        for (k, &i) in mine.iter().enumerate() {
            widened[i].call = after;
            if let Outcome::Ok { at, .. } = &mut widened[i].outcome {
                let next = mine.get(k + 1).map(|&j| ops[j].call);
                *at = next.map_or(end, |call| *at + call.saturating_sub(*at) / 2);
                after = *at;
            }
        }
    }
    widened
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Action, Value};

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
        let w = widen(&h, &ids, &[0, 1].into_iter().collect());
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
        let w = widen(&h, &ids, &[1].into_iter().collect());
        assert_eq!((w[0].call, w[0].ret()), (10, Some(20)));
        assert_eq!((w[1].call, w[1].ret()), (0, Some(55)));
    }
}
