//! A topological order of the graph, or a happens-before cycle.
//!
//! Kahn's algorithm, taking among the events whose predecessors are all placed the one
//! called first. Any topological order would be correct; following call times keeps an
//! event's rank close to when it happened in a real execution, so ranks compared by the
//! checks ("an event can only happen before events of higher rank") cut off most of what
//! is too old or too new to matter. A plain queue was the rejected alternative: the same
//! order for a single client, but ranks far from time when clients run at different
//! speeds.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use crate::check::causal::graph::{Ev, Graph, preds};

/// The events in topological order, or a cycle (in edge order) when there is none.
pub(super) fn sort(g: &Graph) -> Result<Vec<Ev>, Vec<Ev>> {
    let n = g.events.len();
    let mut waiting = vec![0u8; n];
    let mut succ: Vec<Vec<Ev>> = vec![Vec::new(); n];
    for (ev, e) in g.events.iter().enumerate() {
        for p in preds(e) {
            waiting[ev] += 1;
            succ[p].push(ev);
        }
    }
    let key = |ev: Ev| Reverse((g.events[ev].call, ev));
    let mut ready: BinaryHeap<Reverse<(u64, Ev)>> =
        (0..n).filter(|&ev| waiting[ev] == 0).map(key).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((_, ev))) = ready.pop() {
        order.push(ev);
        for &s in &succ[ev] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.push(key(s));
            }
        }
    }
    if order.len() < n {
        return Err(find_cycle(g, &waiting));
    }
    Ok(order)
}

/// A cycle among the events Kahn's algorithm could not order. Each of them still has an
/// unordered predecessor, so walking back from one must repeat an event.
fn find_cycle(g: &Graph, waiting: &[u8]) -> Vec<Ev> {
    let start = (0..g.events.len())
        .find(|&ev| waiting[ev] > 0)
        .expect("a stuck event");
    let mut walk = vec![start];
    let mut seen = HashMap::from([(start, 0usize)]);
    loop {
        let here = *walk.last().expect("non-empty walk");
        let back = preds(&g.events[here])
            .find(|&p| waiting[p] > 0)
            .expect("a stuck event has a stuck predecessor");
        if let Some(&at) = seen.get(&back) {
            let mut cycle = walk[at..].to_vec();
            // The walk went against the edges; report it along them.
            cycle.reverse();
            return cycle;
        }
        seen.insert(back, walk.len());
        walk.push(back);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::causal::graph::Graph;
    use crate::history::{History, Operation, Value};

    fn graph(ops: impl IntoIterator<Item = Operation>) -> Graph {
        Graph::build(&History::from_ops(ops).unwrap()).unwrap()
    }

    #[test]
    fn the_order_follows_edges_then_call_times() {
        // Client 1 reads x=1 before client 0's write of it was called: the read still
        // comes after the write, and the unrelated write of y by client 2 comes first.
        let g = graph([
            Operation::write(0, 1, 5, 6).on("x"),
            Operation::read(1, Some(Value::Int(1)), 0, 7).on("x"),
            Operation::write(2, 2, 1, 2).on("y"),
        ]);
        assert!(g.cycle.is_none());
        assert_eq!(g.order, vec![2, 0, 1]);
        assert_eq!(g.rank, vec![1, 2, 0]);
    }

    #[test]
    fn a_cycle_is_reported_along_its_edges() {
        let g = graph([
            Operation::write(0, 9, 0, 1),
            Operation::read(1, Some(Value::Int(2)), 0, 1).on("y"),
            Operation::write(1, 1, 2, 3).on("x"),
            Operation::read(2, Some(Value::Int(1)), 0, 1).on("x"),
            Operation::write(2, 2, 2, 3).on("y"),
        ]);
        assert!(g.order.is_empty());
        let cycle = g.cycle.expect("a cycle");
        assert_eq!(cycle.len(), 4);
        // Every consecutive pair, wrapping around, is an edge.
        for (i, &ev) in cycle.iter().enumerate() {
            let next = cycle[(i + 1) % cycle.len()];
            assert!(
                super::super::preds(&g.events[next]).any(|p| p == ev),
                "{cycle:?}"
            );
        }
    }
}
