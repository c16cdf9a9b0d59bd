//! How long other clients go on learning of an event: its *horizon*.
//!
//! The horizon of `x` is the highest rank of an event of another client that `x` happens
//! before, or none when no other client ever learns of `x` (it is private to its client).
//! No event of another client ranked above the horizon can learn of `x`, so the clocks may
//! say anything about `x` to such events, and the checks never ask. That lets a column be
//! handed on without its new owner knowing everything on it, as long as what it does not
//! know has gone out of every other client's reach by then.

use crate::check::causal::graph::Graph;

/// For every event, the highest rank of an event of another client after it.
pub(crate) fn horizons(g: &Graph) -> Vec<Option<usize>> {
    let succ = g.successors();
    // The two highest ranks after each event that belong to different clients, with the
    // client: enough to answer "the highest rank of a client other than `s`" for any `s`.
    let mut top: Vec<Top> = vec![Top::default(); g.events.len()];
    let mut horizon = vec![None; g.events.len()];
    for &ev in g.order.iter().rev() {
        let mut t = Top::default();
        for &y in &succ[ev] {
            t.add(g.rank[y], g.events[y].session);
            let ty = top[y];
            for (rank, session) in [ty.first, ty.second].into_iter().flatten() {
                t.add(rank, session);
            }
        }
        horizon[ev] = t.excluding(g.events[ev].session);
        top[ev] = t;
    }
    horizon
}

/// The highest rank seen, with its client, and the highest of another client.
#[derive(Clone, Copy, Debug, Default)]
struct Top {
    first: Option<(usize, usize)>,
    second: Option<(usize, usize)>,
}

impl Top {
    fn add(&mut self, rank: usize, session: usize) {
        match self.first {
            None => self.first = Some((rank, session)),
            Some((r1, s1)) if s1 == session => self.first = Some((r1.max(rank), s1)),
            Some((r1, s1)) if rank > r1 => {
                self.second = Some((r1, s1));
                self.first = Some((rank, session));
            }
            Some(_) => {
                if self.second.is_none_or(|(r2, _)| rank > r2) {
                    self.second = Some((rank, session));
                }
            }
        }
    }

    fn excluding(&self, session: usize) -> Option<usize> {
        match (self.first, self.second) {
            (Some((r, s)), _) if s != session => Some(r),
            (_, Some((r, _))) => Some(r),
            _ => None,
        }
    }
}

/// The horizons of a column's events, for asking "what is the latest horizon from this
/// position on?": positions with their horizon, kept only where the horizon is higher
/// than every later one (a stack, since events are only added at the end).
#[derive(Clone, Debug, Default)]
pub(crate) struct Horizons(Vec<(u32, usize)>);

impl Horizons {
    /// Adds the event at `pos` (after every earlier one) with its horizon.
    pub(crate) fn push(&mut self, pos: u32, horizon: Option<usize>) {
        let Some(h) = horizon else { return };
        while self.0.last().is_some_and(|&(_, later)| later <= h) {
            self.0.pop();
        }
        self.0.push((pos, h));
    }

    /// The latest horizon of the events at `pos` and after, if any has one.
    pub(crate) fn from(&self, pos: u32) -> Option<usize> {
        let i = self.0.partition_point(|&(p, _)| p < pos);
        self.0.get(i).map(|&(_, h)| h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_two_keep_distinct_clients() {
        let mut t = Top::default();
        t.add(5, 1);
        t.add(9, 1);
        t.add(7, 2);
        t.add(3, 3);
        assert_eq!(t.excluding(1), Some(7));
        assert_eq!(t.excluding(2), Some(9));
        assert_eq!(t.excluding(3), Some(9));
        let mut lone = Top::default();
        lone.add(4, 0);
        assert_eq!(lone.excluding(0), None);
    }

    #[test]
    fn the_latest_horizon_from_a_position() {
        let mut h = Horizons::default();
        h.push(0, Some(50));
        h.push(1, Some(20));
        h.push(2, None);
        h.push(3, Some(30));
        h.push(4, Some(10));
        assert_eq!(h.from(0), Some(50));
        assert_eq!(h.from(1), Some(30));
        assert_eq!(h.from(4), Some(10));
        assert_eq!(h.from(5), None);
    }
}
