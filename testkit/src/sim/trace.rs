//! The trace: a record of everything that happened in a world, with virtual times.
//!
//! Events keep their typed payloads, so a test can search them (say, for every
//! `Delivered` message), and format lazily, so a long run pays for text only when it is
//! printed. The text form is one line per event and stable across runs:
//!
//! ```text
//!       0.000ms  n0 starts
//!       0.000ms  c0 calls n1 (call 0): Put(7)
//!       0.000ms  c0 -> n1  #0 Put(7)  sent
//!       3.104ms  c0 -> n1  #0 Put(7)  delivered
//!       3.104ms  n1 -> n2  #1 Replicate(7)  sent
//!       3.104ms  n1 -> n3  #2 Replicate(7)  dropped: loss
//!       5.870ms  n1 -> n2  #1 Replicate(7)  delivered
//!      10.000ms  partition {n0 n1} {n2}
//! ```
//!
//! Times are cut to microseconds in the text; the events hold nanoseconds. A copy
//! dropped when it is sent (lost, or its link cut) has a `dropped` line and no `sent`.

use std::fmt::{self, Debug, Display};
use std::time::Duration;

use super::{CallId, Endpoint, NodeId};
use crate::history::ClientId;

/// What a message carries: a peer message, a client request or an answer to one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload<M, Q, R> {
    /// A message between nodes.
    Msg(M),
    /// A client's request.
    Request {
        /// The call it belongs to.
        call: CallId,
        /// The request.
        request: Q,
    },
    /// A node's answer to a client.
    Response {
        /// The call it answers.
        call: CallId,
        /// The answer.
        response: R,
    },
}

/// Why the network did not deliver a message copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// The network lost it (probability [`Config::loss`](super::Config::loss) or
    /// [`Config::client_loss`](super::Config::client_loss)).
    Loss,
    /// A partition or a one-way block cut the link when it was sent or when it arrived.
    Partition,
    /// Its sender crashed after sending it.
    SenderCrashed,
    /// Its receiver was crashed when it arrived, or had crashed since it was sent.
    ReceiverDown,
    /// An answer reached a client that no longer waits for that call.
    NotWaiting,
}

impl Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::Loss => "loss",
            DropReason::Partition => "partition",
            DropReason::SenderCrashed => "sender crashed",
            DropReason::ReceiverDown => "receiver down",
            DropReason::NotWaiting => "client not waiting",
        })
    }
}

/// What happened to a message copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    /// It left its sender and is travelling.
    Sent,
    /// The network made a second copy of it (at send time).
    Duplicated,
    /// A copy reached its receiver.
    Delivered,
    /// A copy will never arrive, or arrived and was thrown away.
    Dropped(DropReason),
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<M, Q, R> {
    /// Something happened to message number `id` (numbered in send order).
    Message {
        /// The message's number; a duplicate shares its original's.
        id: u64,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Contents.
        payload: Payload<M, Q, R>,
        /// What happened.
        fate: Fate,
    },
    /// A node started when the world was built.
    Started(NodeId),
    /// A node crashed.
    Crashed(NodeId),
    /// A crashed node started again.
    Restarted {
        /// The node.
        node: NodeId,
        /// Whether it kept its state from before the crash.
        kept_state: bool,
    },
    /// The nodes were split into these groups (the nodes in none form one more).
    Partitioned(Vec<Vec<NodeId>>),
    /// The link `from -> to` was cut.
    Blocked {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
    },
    /// Every link was opened again.
    Healed,
    /// A client called a node.
    Called {
        /// The client.
        client: ClientId,
        /// The node called.
        node: NodeId,
        /// The call's number.
        call: CallId,
        /// What it asked.
        request: Q,
    },
    /// A client got its answer.
    Returned {
        /// The client.
        client: ClientId,
        /// The call answered.
        call: CallId,
        /// The answer.
        response: R,
    },
    /// A client stopped waiting: the call's outcome is unknown.
    TimedOut {
        /// The client.
        client: ClientId,
        /// The call given up.
        call: CallId,
    },
    /// The request reached a crashed node, which never saw it: the call failed.
    Refused {
        /// The client.
        client: ClientId,
        /// The call refused.
        call: CallId,
    },
    /// The node holding the request crashed: the call's outcome is unknown.
    Lost {
        /// The client.
        client: ClientId,
        /// The call lost.
        call: CallId,
    },
}

/// An [`Event`] and the virtual time it happened at.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent<M, Q, R> {
    /// When, since the world started.
    pub at: Duration,
    /// What.
    pub event: Event<M, Q, R>,
}

impl<M: Debug, Q: Debug, R: Debug> Display for Payload<M, Q, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Msg(m) => write!(f, "{m:?}"),
            Payload::Request { request, .. } => write!(f, "{request:?}"),
            Payload::Response { response, .. } => write!(f, "{response:?}"),
        }
    }
}

impl<M: Debug, Q: Debug, R: Debug> Display for TraceEvent<M, Q, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.at.as_micros();
        write!(f, "{:>7}.{:03}ms  ", micros / 1000, micros % 1000)?;
        match &self.event {
            Event::Message {
                id,
                from,
                to,
                payload,
                fate,
            } => {
                write!(f, "{from} -> {to}  #{id} {payload}  ")?;
                match fate {
                    Fate::Sent => write!(f, "sent"),
                    Fate::Duplicated => write!(f, "duplicated"),
                    Fate::Delivered => write!(f, "delivered"),
                    Fate::Dropped(why) => write!(f, "dropped: {why}"),
                }
            }
            Event::Started(n) => write!(f, "n{n} starts"),
            Event::Crashed(n) => write!(f, "n{n} crashes"),
            Event::Restarted { node, kept_state } => {
                let how = if *kept_state {
                    "state kept"
                } else {
                    "fresh state"
                };
                write!(f, "n{node} restarts ({how})")
            }
            Event::Partitioned(groups) => {
                f.write_str("partition")?;
                for group in groups {
                    let names: Vec<String> = group.iter().map(|n| format!("n{n}")).collect();
                    write!(f, " {{{}}}", names.join(" "))?;
                }
                Ok(())
            }
            Event::Blocked { from, to } => write!(f, "block n{from} -> n{to}"),
            Event::Healed => write!(f, "heal"),
            Event::Called {
                client,
                node,
                call,
                request,
            } => write!(f, "c{client} calls n{node} (call {call}): {request:?}"),
            Event::Returned {
                client,
                call,
                response,
            } => write!(f, "c{client} returns (call {call}): {response:?}"),
            Event::TimedOut { client, call } => write!(f, "c{client} times out (call {call})"),
            Event::Refused { client, call } => {
                write!(f, "c{client} is refused (call {call}): node down")
            }
            Event::Lost { client, call } => {
                write!(f, "c{client} loses call {call}: the node crashed")
            }
        }
    }
}

/// Everything that happened in a world, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace<M, Q, R> {
    events: Vec<TraceEvent<M, Q, R>>,
}

impl<M, Q, R> Default for Trace<M, Q, R> {
    fn default() -> Self {
        Trace { events: Vec::new() }
    }
}

impl<M, Q, R> Trace<M, Q, R> {
    /// The events, in the order they happened.
    pub fn events(&self) -> &[TraceEvent<M, Q, R>] {
        &self.events
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether nothing was recorded (also when tracing is switched off).
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub(crate) fn push(&mut self, at: u64, event: Event<M, Q, R>) {
        self.events.push(TraceEvent {
            at: Duration::from_nanos(at),
            event,
        });
    }
}

impl<M: Debug, Q: Debug, R: Debug> Trace<M, Q, R> {
    /// The last `n` events as text, one line each: what a failing test should print
    /// next to its seed.
    pub fn tail(&self, n: usize) -> String {
        let start = self.events.len().saturating_sub(n);
        let mut out = String::new();
        for e in &self.events[start..] {
            out.push_str(&e.to_string());
            out.push('\n');
        }
        out
    }
}

impl<M: Debug, Q: Debug, R: Debug> Display for Trace<M, Q, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.events {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_documented() {
        let mut t: Trace<&str, u8, bool> = Trace::default();
        t.push(
            3_104_000,
            Event::Message {
                id: 1,
                from: Endpoint::Node(1),
                to: Endpoint::Node(2),
                payload: Payload::Msg("ping"),
                fate: Fate::Dropped(DropReason::Loss),
            },
        );
        t.push(
            12_000_000_000,
            Event::Partitioned(vec![vec![0, 1], vec![2]]),
        );
        let text = t.to_string();
        assert_eq!(
            text,
            "      3.104ms  n1 -> n2  #1 \"ping\"  dropped: loss\n  12000.000ms  partition {n0 n1} {n2}\n"
        );
        assert_eq!(t.tail(1), "  12000.000ms  partition {n0 n1} {n2}\n");
    }
}
