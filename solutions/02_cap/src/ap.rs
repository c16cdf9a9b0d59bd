//! AP mode: answer from the local copy, order writes by stamp, repair by anti-entropy.
//!
//! ```text
//!   partition {n0 n1} | {n2 n3 n4}
//!   c0 -> n0  put x=a   written (t=100ms, n0)
//!   c1 -> n3  put x=b   written (t=120ms, n3)
//!   c2 -> n0  get x     a, stale: true      n0 has not heard n2..n4 for a while
//!   heal; a round later n0 hears n3's store: (120ms, n3) > (100ms, n0), x=b everywhere
//! ```

use testkit::sim::{Context, ReplyTo};

use crate::msg::Msg;
use crate::{Replica, Request, Response, STALE_AFTER, Stamp, Store};

impl Replica {
    pub(crate) fn ap_request(
        &mut self,
        ctx: &mut Context<'_, Self>,
        reply: ReplyTo,
        request: Request,
    ) {
        match request {
            Request::Get { key } => {
                let value = self.store.get(&key).map(|(_, v)| v.clone());
                let stale = self.cut_off(ctx);
                ctx.reply(reply, Response::Value { value, stale });
            }
            Request::Put { key, value } => {
                // The stamp comes from the clock, not from the order writes arrive in: a
                // replica that let "whatever arrived last" win would keep a different
                // winner than a replica that saw the two writes the other way round.
                let time = u64::try_from(ctx.now().as_nanos()).unwrap_or(u64::MAX);
                let stamp = Stamp {
                    time,
                    node: ctx.me(),
                };
                self.apply(&key, (stamp, value));
                ctx.reply(reply, Response::Written { stamp });
            }
        }
    }

    /// Whether some peer has been silent for longer than [`STALE_AFTER`]: it may hold
    /// writes this replica has not seen, so a read here cannot be vouched for.
    fn cut_off(&self, ctx: &Context<'_, Self>) -> bool {
        let now = ctx.now();
        ctx.peers().iter().any(|peer| {
            self.heard
                .get(peer)
                .is_none_or(|&at| now.saturating_sub(at) > STALE_AFTER)
        })
    }

    /// One round of anti-entropy: push the whole store to every peer. Pushing on every
    /// round, not only after a write, is what heals a partition: writes accepted on
    /// either side reach the other side at the first round after the heal, and a lost
    /// round is repaired by the next. (Sending digests first would save bytes on big
    /// stores; the course's stores are a few keys.) It doubles as a heartbeat for
    /// [`STALE_AFTER`].
    pub(crate) fn ap_tick(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.broadcast(Msg::Gossip {
            store: self.store.clone(),
        });
    }

    /// Merges a peer's store: per key, the larger stamp wins. The merge is commutative,
    /// associative and idempotent, so every replica that has seen the same writes holds
    /// the same values, whatever order and however often they arrived.
    pub(crate) fn merge(&mut self, store: Store) {
        for (key, entry) in store {
            self.apply(&key, entry);
        }
    }
}
