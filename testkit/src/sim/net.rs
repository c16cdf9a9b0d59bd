//! The network's state and the random fate of each message.
//!
//! The network knows which links are cut (partitions and one-way blocks) and draws, from
//! its own seeded generator, whether a message is lost or duplicated and how long each
//! copy travels. It holds no messages: the world puts the copies into the event queue.
//!
//! Only links between nodes can be cut. Clients stand outside the nodes' network (think
//! of them as test drivers on a separate management network); they suffer only delay,
//! and loss or duplication when the configuration asks for it.

use std::collections::{HashMap, HashSet};

use super::node::nanos;
use super::{Config, Endpoint, NodeId};
use crate::rng::Rng;

/// What becomes of a message at the moment it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Route {
    /// The link is cut by a partition or a block.
    Cut,
    /// The network lost it.
    Lost,
    /// It arrives at `at`, and a duplicate at `copy` if the network duplicated it.
    Arrives { at: u64, copy: Option<u64> },
}

/// Link state and the generator that decides each message's fate.
#[derive(Debug)]
pub(super) struct Network {
    rng: Rng,
    min_delay: u64,
    max_delay: u64,
    fifo: bool,
    loss: f64,
    duplicate: f64,
    client_loss: f64,
    client_duplicate: f64,
    /// The partition group of each node; two nodes talk only within one group. All
    /// zero when healed.
    group: Vec<usize>,
    /// Directed links cut by [`Network::block`].
    blocked: HashSet<(NodeId, NodeId)>,
    /// With FIFO links, the latest arrival time scheduled on each directed link. Only
    /// looked up, never iterated, so the map's order cannot leak into the run.
    last_arrival: HashMap<(Endpoint, Endpoint), u64>,
}

impl Network {
    /// A healed network for `nodes` nodes, drawing from `rng`.
    pub(super) fn new(config: &Config, nodes: usize, rng: Rng) -> Self {
        Network {
            rng,
            min_delay: nanos(config.min_delay),
            max_delay: nanos(config.max_delay),
            fifo: config.fifo,
            loss: config.loss,
            duplicate: config.duplicate,
            client_loss: config.client_loss,
            client_duplicate: config.client_duplicate,
            group: vec![0; nodes],
            blocked: HashSet::new(),
            last_arrival: HashMap::new(),
        }
    }

    /// Splits the nodes into `groups`; the nodes in no group form one more group
    /// together. Replaces any earlier partition and keeps one-way blocks.
    pub(super) fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let n = self.group.len();
        let mut seen = vec![false; n];
        // The unlisted nodes share the group number after the listed groups.
        self.group.fill(groups.len());
        for (index, members) in groups.iter().enumerate() {
            for &node in members {
                assert!(
                    node < n,
                    "partition names n{node}, but the world has {n} nodes"
                );
                assert!(!seen[node], "partition names n{node} in two groups");
                seen[node] = true;
                self.group[node] = index;
            }
        }
    }

    /// Cuts the link from `from` to `to` (the other direction stays open).
    pub(super) fn block(&mut self, from: NodeId, to: NodeId) {
        let n = self.group.len();
        assert!(
            from < n && to < n,
            "block n{from} -> n{to}: the world has {n} nodes"
        );
        self.blocked.insert((from, to));
    }

    /// Opens every link: no partition, no blocks.
    pub(super) fn heal(&mut self) {
        self.group.fill(0);
        self.blocked.clear();
    }

    /// A digest of which links are cut, for the explorer's fingerprint of a state.
    pub(super) fn digest(&self) -> u64 {
        let mut h = self
            .group
            .iter()
            .fold(0, |h, &g| super::names::mix(h, g as u64));
        let mut blocked: Vec<&(NodeId, NodeId)> = self.blocked.iter().collect();
        blocked.sort_unstable();
        for &(from, to) in blocked {
            h = super::names::mix(super::names::mix(h, from as u64), to as u64);
        }
        h
    }

    /// Whether a message from `from` to `to` cannot pass right now.
    pub(super) fn is_cut(&self, from: Endpoint, to: Endpoint) -> bool {
        match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => {
                a != b && (self.group[a] != self.group[b] || self.blocked.contains(&(a, b)))
            }
            // Client links are never cut; see the module documentation.
            _ => false,
        }
    }

    /// Decides the fate of a message sent at `now`. Draws from the generator in a fixed
    /// order, so the same sequence of sends gets the same fates.
    pub(super) fn route(&mut self, now: u64, from: Endpoint, to: Endpoint) -> Route {
        if self.is_cut(from, to) {
            return Route::Cut;
        }
        let client_link = matches!(from, Endpoint::Client(_)) || matches!(to, Endpoint::Client(_));
        let (loss, duplicate) = if client_link {
            (self.client_loss, self.client_duplicate)
        } else {
            (self.loss, self.duplicate)
        };
        if self.rng.chance(loss) {
            return Route::Lost;
        }
        let at = self.arrival(now, from, to);
        let copy = self
            .rng
            .chance(duplicate)
            .then(|| self.arrival(now, from, to));
        Route::Arrives { at, copy }
    }

    /// The arrival time of one copy: a random delay, held back on FIFO links until
    /// after the link's latest scheduled arrival. Equal times keep send order because
    /// the queue breaks ties by sequence number.
    fn arrival(&mut self, now: u64, from: Endpoint, to: Endpoint) -> u64 {
        let at = now.saturating_add(self.rng.between(self.min_delay, self.max_delay));
        if !self.fifo {
            return at;
        }
        let last = self.last_arrival.entry((from, to)).or_insert(0);
        *last = (*last).max(at);
        *last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn net(config: Config) -> Network {
        Network::new(&config, 4, Rng::new(5))
    }

    #[test]
    fn partitions_cut_between_groups_and_group_the_unlisted_nodes() {
        let mut n = net(Config::new(0));
        n.partition(&[vec![0, 1]]);
        let (a, b, c, d) = (
            Endpoint::Node(0),
            Endpoint::Node(1),
            Endpoint::Node(2),
            Endpoint::Node(3),
        );
        assert!(!n.is_cut(a, b) && !n.is_cut(b, a));
        assert!(n.is_cut(a, c) && n.is_cut(c, a));
        assert!(!n.is_cut(c, d) && n.is_cut(d, a), "n2 and n3 are the rest");
        assert!(!n.is_cut(d, d), "a node always reaches itself");
        assert!(!n.is_cut(Endpoint::Client(0), c));
        n.heal();
        assert!(!n.is_cut(a, c) && !n.is_cut(d, a));
    }

    #[test]
    fn fifo_links_never_overtake() {
        let ms = Duration::from_millis;
        let mut n = net(Config::new(0).delay(ms(1), ms(50)).fifo(true));
        let (a, b) = (Endpoint::Node(0), Endpoint::Node(1));
        let mut last = 0;
        for now in 0..200 {
            let Route::Arrives { at, .. } = n.route(now, a, b) else {
                panic!("no faults configured")
            };
            assert!(
                at >= last,
                "message sent at {now} overtook one arriving at {last}"
            );
            last = at;
        }
    }
}
