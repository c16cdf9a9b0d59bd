//! Ordering the graph: a topological sort that either finds a happens-before cycle or
//! yields, for every event, the set of writes that happen before it.
//!
//! Events are visited in topological order, so each set is the union of its
//! predecessors' sets plus the predecessors themselves when they write. With at most two
//! predecessors per event (session order and reads-from), that costs two unions of a bit
//! per write for every event. A depth-first search from every write was the rejected
//! alternative: the same result, but it visits the graph once per write.

use std::collections::HashMap;

use crate::check::causal::bits::Bits;
use crate::check::causal::graph::{Ev, Graph, preds};

/// Sorts the events topologically (Kahn) and fills `anc`, or records a cycle.
pub(super) fn close(g: &mut Graph) {
    let n = g.events.len();
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<Ev>> = vec![Vec::new(); n];
    for (ev, e) in g.events.iter().enumerate() {
        for p in preds(e) {
            indeg[ev] += 1;
            succ[p].push(ev);
        }
    }
    let mut order: Vec<Ev> = (0..n).filter(|&ev| indeg[ev] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let ev = order[next];
        next += 1;
        for &s in &succ[ev] {
            indeg[s] -= 1;
            if indeg[s] == 0 {
                order.push(s);
            }
        }
    }
    if order.len() < n {
        g.cycle = Some(find_cycle(g, &indeg));
        return;
    }
    let mut anc = vec![Bits::new(g.writes.len()); n];
    for &ev in &order {
        let mut set = Bits::new(g.writes.len());
        for p in preds(&g.events[ev]) {
            set.union_with(&anc[p]);
            if let Some(w) = g.events[p].write {
                set.insert(w);
            }
        }
        anc[ev] = set;
    }
    g.anc = anc;
}

/// A cycle among the events Kahn's algorithm could not order. Each of them still has an
/// unordered predecessor, so walking back from one must repeat an event.
fn find_cycle(g: &Graph, indeg: &[usize]) -> Vec<Ev> {
    let start = (0..g.events.len())
        .find(|&ev| indeg[ev] > 0)
        .expect("a stuck event");
    let mut walk = vec![start];
    let mut seen = HashMap::from([(start, 0usize)]);
    loop {
        let here = *walk.last().expect("non-empty walk");
        let back = preds(&g.events[here])
            .find(|&p| indeg[p] > 0)
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
    fn each_event_knows_the_writes_before_it() {
        let g = graph([
            Operation::write(0, 1, 0, 1).on("x"),
            Operation::write(1, 2, 0, 1).on("y"),
            Operation::read(2, Some(Value::Int(1)), 2, 3).on("x"),
            Operation::write(2, 3, 4, 5).on("y"),
        ]);
        assert!(g.cycle.is_none());
        let before: Vec<Vec<usize>> = g.anc.iter().map(|a| a.iter().collect()).collect();
        // Writes are numbered 0 (x=1), 1 (y=2), 2 (y=3); y=2 is concurrent with all.
        assert_eq!(before, vec![vec![], vec![], vec![0], vec![0]]);
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
        assert!(g.anc.is_empty());
        let cycle = g.cycle.expect("a cycle");
        assert_eq!(cycle.len(), 4);
        // Every consecutive pair, wrapping around, is an edge.
        for (i, &ev) in cycle.iter().enumerate() {
            let next = cycle[(i + 1) % cycle.len()];
            assert!(super::preds(&g.events[next]).any(|p| p == ev), "{cycle:?}");
        }
    }
}
