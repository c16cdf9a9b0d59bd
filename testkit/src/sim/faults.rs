//! Faults a test script applies to a running world: partitions, blocks, crashes and
//! restarts. The random faults (delay, loss, duplication) are the network's, configured
//! in [`Config`](super::Config).

use super::names;
use super::{CallId, CallOutcome, Event, Node, NodeId, SimError, World};
use crate::history::ClientId;

/// How a crashed node comes back.
pub enum Restart<N> {
    /// The node keeps the value it had when it crashed (as if its memory were a disk),
    /// and its start handler runs again.
    KeepState,
    /// The node is rebuilt by the factory given to [`World::from_factory`].
    Fresh,
    /// The node is replaced by this value.
    With(N),
}

impl<N: Node> World<N> {
    /// Splits the nodes into groups that cannot reach each other, both ways; the nodes
    /// in no group form one more group together, so `partition(&[&[0]])` cuts n0 off
    /// from the rest. Replaces an earlier partition; one-way blocks stay.
    ///
    /// Panics if a group names a node that does not exist or a node twice.
    pub fn partition(&mut self, groups: &[&[NodeId]]) {
        let groups: Vec<Vec<NodeId>> = groups.iter().map(|g| g.to_vec()).collect();
        self.net.partition(&groups);
        self.note(|| Event::Partitioned(groups));
    }

    /// Cuts `node` off from every other node.
    pub fn isolate(&mut self, node: NodeId) {
        self.partition(&[&[node]]);
    }

    /// Cuts the link from `from` to `to`; messages the other way still pass.
    pub fn block(&mut self, from: NodeId, to: NodeId) {
        self.net.block(from, to);
        self.note(|| Event::Blocked { from, to });
    }

    /// Removes every partition and block.
    pub fn heal(&mut self) {
        self.net.heal();
        self.note(|| Event::Healed);
    }

    /// Crashes `node`: it runs no handler until restarted, its timers are gone, messages
    /// it sent that are still travelling are lost, and so is every message that arrives
    /// for it while it is down or that was sent to it before the crash. Clients waiting
    /// on requests it had received get [`CallOutcome::Lost`].
    ///
    /// Panics if the node does not exist or is already down; [`World::try_crash`]
    /// returns the error instead.
    #[track_caller]
    pub fn crash(&mut self, node: NodeId) {
        self.try_crash(node)
            .unwrap_or_else(|e| panic!("crash: {e}"));
    }

    /// [`World::crash`], or why the node cannot crash.
    pub fn try_crash(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check(node)?;
        let slot = &mut self.slots[node];
        if !slot.up {
            return Err(SimError::NodeDown(node));
        }
        slot.up = false;
        slot.life += 1;
        slot.timers.clear();
        slot.tick = None;
        self.note(|| Event::Crashed(node));
        let lost: Vec<(ClientId, CallId)> = self
            .waiting
            .iter()
            .filter(|&(_, &call)| self.calls[call].node == node && self.calls[call].delivered)
            .map(|(&client, &call)| (client, call))
            .collect();
        for (client, call) in lost {
            self.end_call(client, call, CallOutcome::Lost { at: self.now() }, 0);
            self.note(|| Event::Lost { client, call });
        }
        Ok(())
    }

    /// Starts a crashed node again, with its old state or a new one, and runs its start
    /// handler.
    ///
    /// Panics if the node does not exist, is running, or [`Restart::Fresh`] is asked of
    /// a world without a factory; [`World::try_restart`] returns the error instead.
    #[track_caller]
    pub fn restart(&mut self, node: NodeId, how: Restart<N>) {
        self.try_restart(node, how)
            .unwrap_or_else(|e| panic!("restart: {e}"));
    }

    /// [`World::restart`], or why the node cannot restart.
    pub fn try_restart(&mut self, node: NodeId, how: Restart<N>) -> Result<(), SimError> {
        self.check(node)?;
        if self.slots[node].up {
            return Err(SimError::NodeUp(node));
        }
        let kept_state = match how {
            Restart::KeepState => true,
            Restart::Fresh => {
                let factory = self.factory.as_mut().ok_or(SimError::NoFactory)?;
                self.slots[node].node = factory(node);
                false
            }
            Restart::With(fresh) => {
                self.slots[node].node = fresh;
                false
            }
        };
        let slot = &mut self.slots[node];
        slot.up = true;
        slot.life += 1;
        if !kept_state {
            // A new node remembers nothing: its inputs start again.
            slot.inputs = names::mix(names::mix(names::FRESH, node as u64), slot.life);
        }
        self.note(|| Event::Restarted { node, kept_state });
        self.start(node);
        Ok(())
    }
}
