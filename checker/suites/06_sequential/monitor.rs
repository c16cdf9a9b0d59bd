//! The rules of task `sequential`, read off what the world recorded.
//!
//! A history check sees only what clients got back, and a mistake shows there only when
//! a read happens to fall at the right moment. The monitor reads the world's trace
//! instead (every message sent and delivered, with the course's `Msg`, `Request` and
//! `Response`) and works out what each replica must hold after every event: which writes
//! the sequencer numbered, which numbered writes each replica has received, and so which
//! of them it can apply in order. Each rule of the README is then checked where it
//! applies, the moment it applies: a read against the copy its replica must hold, a
//! write's answer against whether its replica has applied it, each replica's `value()`
//! and `applied()` against what it received. The trace is the world's record, never the
//! student's, and every value in it is matched as the course's type.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::student::Replica;
use sequential_given::{Msg, Request, Response, SEQUENCER};
use testkit::history::ClientId;
use testkit::sim::{CallId, Endpoint, Event, Fate, NodeId, Payload, TraceEvent, World};

use crate::explain::{Write, ms, numbers, rule, shown};

/// A trace event of the register's world.
type Ev = TraceEvent<Msg, Request, Response>;

/// A client call as the monitor knows it.
struct CallInfo {
    client: ClientId,
    node: NodeId,
    request: Request,
    called: Duration,
    ended: Option<Duration>,
}

/// A read that reached its replica and waits for its answer, which must come at once.
struct OpenRead {
    arrived: Duration,
    /// The values the replica's copy may hold at that moment.
    allowed: Vec<Option<i64>>,
}

/// How often the situations in which the usual mistakes show came up, so that a
/// randomized test can run until each has.
#[derive(Clone, Copy, Debug, Default)]
pub struct Coverage {
    /// An `Apply` reached a replica ahead of its turn.
    pub early: usize,
    /// ... while another one was already held back there.
    pub two_early: usize,
    /// A copy of an `Apply` reached a replica that had applied two or more writes since.
    pub late_copy: usize,
    /// A copy of a `Submit` reached the sequencer after another write was numbered since.
    pub submit_copy: usize,
    /// A write reached a replica while another write waited there for its answer.
    pub shared: usize,
}

impl Coverage {
    /// Whether every situation came up at least once.
    pub fn complete(&self) -> bool {
        self.early > 0
            && self.two_early > 0
            && self.late_copy > 0
            && self.submit_copy > 0
            && self.shared > 0
    }

    /// Adds another run's counts.
    pub fn add(&mut self, other: &Coverage) {
        self.early += other.early;
        self.two_early += other.two_early;
        self.late_copy += other.late_copy;
        self.submit_copy += other.submit_copy;
        self.shared += other.shared;
    }
}

/// What the rules say each replica holds, worked out from a world's trace.
pub struct Monitor {
    nodes: usize,
    /// Trace events read so far.
    seen: usize,
    /// Message numbers below this one have been sent (numbers follow send order).
    next_message: u64,
    /// The sequencer's numbering: write number `s` is `numbering[s]`.
    numbering: Vec<Write>,
    seq_of: BTreeMap<(NodeId, u64), u64>,
    /// The value of each `(origin, id)` some replica submitted.
    submitted: BTreeMap<(NodeId, u64), i64>,
    /// For each node, how many writes of each value clients asked it for.
    asked: Vec<BTreeMap<i64, usize>>,
    /// For each node, the numbers of the writes an `Apply` brought it.
    received: Vec<BTreeSet<u64>>,
    /// For each node, how many writes it can apply in number order: 0, 1, ... all received.
    prefix: Vec<u64>,
    /// For each node, the numbers an `Apply` was sent to it for.
    sent_to: Vec<BTreeSet<u64>>,
    /// Writes answered, by replica and value.
    answered: BTreeMap<(NodeId, i64), usize>,
    /// Writes waiting for their answer at each replica.
    waiting_writes: Vec<usize>,
    calls: Vec<CallInfo>,
    open_reads: BTreeMap<CallId, OpenRead>,
    /// The `applied()` the sequencer reported last: it never goes back.
    sequencer_applied: u64,
    /// What came up so far.
    pub coverage: Coverage,
    /// The replica the last failure is about, whose messages tell its story best.
    focus: Cell<Option<NodeId>>,
}

impl Monitor {
    /// A monitor for a world of `nodes` replicas, before its first event.
    pub fn new(nodes: usize) -> Self {
        Monitor {
            nodes,
            seen: 0,
            next_message: 0,
            numbering: Vec::new(),
            seq_of: BTreeMap::new(),
            submitted: BTreeMap::new(),
            asked: vec![BTreeMap::new(); nodes],
            received: vec![BTreeSet::new(); nodes],
            prefix: vec![0; nodes],
            sent_to: vec![BTreeSet::new(); nodes],
            answered: BTreeMap::new(),
            waiting_writes: vec![0; nodes],
            calls: Vec::new(),
            open_reads: BTreeMap::new(),
            sequencer_applied: 0,
            coverage: Coverage::default(),
            focus: Cell::new(None),
        }
    }

    /// The replica the last failure is about, if it is about one.
    pub fn focus(&self) -> Option<NodeId> {
        self.focus.get()
    }

    /// Notes that the failure being told is about `node`.
    fn about(&self, node: NodeId) {
        self.focus.set(Some(node));
    }

    /// Reads the events `world` recorded since the last call, then checks what each
    /// replica reports against what it must hold. Called after every event of a run.
    pub fn observe(&mut self, world: &World<Replica>) -> Result<(), String> {
        self.read(world)?;
        self.check_replicas(world)
    }

    /// Reads the events `world` recorded since the last call.
    pub fn read(&mut self, world: &World<Replica>) -> Result<(), String> {
        let events = world.trace().events();
        while self.seen < events.len() {
            let event = &events[self.seen];
            self.seen += 1;
            self.event(event)?;
        }
        Ok(())
    }

    fn event(&mut self, ev: &Ev) -> Result<(), String> {
        if let Some((call, open)) = self.open_reads.iter().find(|(_, o)| o.arrived < ev.at) {
            let info = &self.calls[*call];
            self.about(info.node);
            return Err(format!(
                "n{} received c{}'s read at {} and had not answered it when time moved on \
                 to {}: a read is answered at once, from the local copy, even while writes \
                 are held back {}",
                info.node,
                info.client,
                ms(open.arrived),
                ms(ev.at),
                rule(2)
            ));
        }
        match &ev.event {
            Event::Called {
                client,
                node,
                call,
                request,
            } => {
                debug_assert_eq!(*call, self.calls.len(), "calls are numbered in order");
                self.calls.push(CallInfo {
                    client: *client,
                    node: *node,
                    request: request.clone(),
                    called: ev.at,
                    ended: None,
                });
            }
            Event::Returned { call, .. } => self.calls[*call].ended = Some(ev.at),
            Event::Message {
                id,
                from,
                to,
                payload,
                fate,
            } => {
                // A copy dropped as it is sent has a `Dropped` line and no `Sent` one.
                let sent = matches!(fate, Fate::Sent)
                    || (matches!(fate, Fate::Dropped(_)) && *id >= self.next_message);
                if sent {
                    self.next_message = id + 1;
                    self.sent(ev.at, *from, *to, payload)?;
                }
                if matches!(fate, Fate::Delivered) {
                    self.delivered(ev.at, *from, *to, payload);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A message, request or answer left its sender.
    fn sent(
        &mut self,
        at: Duration,
        from: Endpoint,
        to: Endpoint,
        payload: &Payload<Msg, Request, Response>,
    ) -> Result<(), String> {
        match (from, to, payload) {
            (
                Endpoint::Node(a),
                Endpoint::Node(b),
                Payload::Msg(Msg::Submit { origin, id, value }),
            ) => {
                let (origin, id, value) = (*origin, *id, *value);
                self.about(a);
                if b != SEQUENCER || origin != a {
                    return Err(format!(
                        "n{a} sent Submit {{ origin: {origin}, id: {id}, value: {value} }} to \
                         n{b}: a replica submits the writes its clients ask for, as their \
                         origin, to the sequencer n{SEQUENCER} {}",
                        rule(3)
                    ));
                }
                if let Some(&earlier) = self.submitted.get(&(origin, id))
                    && earlier != value
                {
                    return Err(format!(
                        "n{a} submitted two writes with id {id}, of {earlier} and of {value}: \
                         an id names one write of its origin {}",
                        rule(3)
                    ));
                }
                if self.asked[a].get(&value).copied().unwrap_or(0) == 0 {
                    return Err(format!(
                        "n{a} submitted a write of {value}, which no client asked it for {}",
                        rule(3)
                    ));
                }
                self.submitted.insert((origin, id), value);
            }
            (
                Endpoint::Node(a),
                Endpoint::Node(b),
                Payload::Msg(Msg::Apply {
                    seq,
                    origin,
                    id,
                    value,
                }),
            ) => {
                let write = Write {
                    origin: *origin,
                    id: *id,
                    value: *value,
                };
                if a == SEQUENCER {
                    self.number(*seq, write)?;
                } else if self.numbering.get(*seq as usize) != Some(&write) {
                    return Err(format!(
                        "n{a} sent Apply number {seq} for {write}, which is not what the \
                         sequencer numbered {seq}: only the sequencer, n{SEQUENCER}, numbers \
                         writes {}",
                        rule(4)
                    ));
                }
                if b != a {
                    self.sent_to[b].insert(*seq);
                }
            }
            (Endpoint::Node(r), Endpoint::Client(_), Payload::Response { call, response }) => {
                self.answer(at, r, *call, response)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The sequencer sent an `Apply` numbered `seq` for `write`.
    fn number(&mut self, seq: u64, write: Write) -> Result<(), String> {
        self.about(SEQUENCER);
        let next = self.numbering.len() as u64;
        if seq < next {
            let first = self.numbering[seq as usize];
            if first != write {
                return Err(format!(
                    "the sequencer gave number {seq} to {first}, and then to {write}: one \
                     number names one write {}",
                    rule(4)
                ));
            }
            return Ok(());
        }
        if seq > next {
            return Err(format!(
                "the sequencer sent Apply number {seq} for {write} while no write had number \
                 {next}: numbers run 0, 1, 2, ... with no gap, or replicas wait for the \
                 missing one forever {}",
                rule(4)
            ));
        }
        if let Some(&first) = self.seq_of.get(&(write.origin, write.id)) {
            return Err(format!(
                "the sequencer numbered {write} twice, as {first} and as {seq}: a copy of a \
                 Submit that arrives again must not become a second write {}",
                rule(5)
            ));
        }
        let submitted = self.submitted.get(&(write.origin, write.id)) == Some(&write.value);
        let own = write.origin == SEQUENCER
            && self.asked[SEQUENCER]
                .get(&write.value)
                .copied()
                .unwrap_or(0)
                > 0;
        if !submitted && !own {
            return Err(format!(
                "the sequencer numbered {write} ({seq}), which n{} never submitted {}",
                write.origin,
                rule(4)
            ));
        }
        self.numbering.push(write);
        self.seq_of.insert((write.origin, write.id), seq);
        Ok(())
    }

    /// A message, request or answer reached its receiver.
    fn delivered(
        &mut self,
        at: Duration,
        from: Endpoint,
        to: Endpoint,
        payload: &Payload<Msg, Request, Response>,
    ) {
        match (from, to, payload) {
            (Endpoint::Client(_), Endpoint::Node(r), Payload::Request { call, request }) => {
                match request {
                    Request::Write(value) => {
                        *self.asked[r].entry(*value).or_default() += 1;
                        self.waiting_writes[r] += 1;
                        if self.waiting_writes[r] >= 2 {
                            self.coverage.shared += 1;
                        }
                    }
                    Request::Read => {
                        let allowed = self.copies(r);
                        self.open_reads.insert(
                            *call,
                            OpenRead {
                                arrived: at,
                                allowed,
                            },
                        );
                    }
                }
            }
            (Endpoint::Node(_), Endpoint::Node(b), Payload::Msg(Msg::Apply { seq, .. })) => {
                let seq = *seq;
                let prefix = self.prefix[b];
                if seq > prefix {
                    self.coverage.early += 1;
                    if self.received[b].range(prefix + 1..).next().is_some() {
                        self.coverage.two_early += 1;
                    }
                }
                if seq + 2 <= prefix {
                    self.coverage.late_copy += 1;
                }
                self.received[b].insert(seq);
                while self.received[b].contains(&self.prefix[b]) {
                    self.prefix[b] += 1;
                }
            }
            (
                Endpoint::Node(_),
                Endpoint::Node(_),
                Payload::Msg(Msg::Submit { origin, id, .. }),
            ) => {
                if let Some(&seq) = self.seq_of.get(&(*origin, *id))
                    && seq + 1 < self.numbering.len() as u64
                {
                    self.coverage.submit_copy += 1;
                }
            }
            _ => {}
        }
    }

    /// Replica `r` answered `call` with `response` at `at`.
    fn answer(
        &mut self,
        at: Duration,
        r: NodeId,
        call: CallId,
        response: &Response,
    ) -> Result<(), String> {
        let client = self.calls[call].client;
        self.about(r);
        match (&self.calls[call].request, response) {
            (Request::Read, Response::Value(value)) => {
                let Some(open) = self.open_reads.remove(&call) else {
                    return Ok(()); // a second answer, which nobody waits for
                };
                if open.arrived != at {
                    return Err(format!(
                        "n{r} answered c{client}'s read at {}, but the read arrived at {}: a \
                         read is answered at once, from the local copy {}",
                        ms(at),
                        ms(open.arrived),
                        rule(2)
                    ));
                }
                if !open.allowed.contains(value) && self.sequencer_visible(r) {
                    self.about(r);
                    return Err(format!(
                        "n{r} answered c{client}'s read with {}, but its copy should have \
                         held {} then: {}. A read answers from the local copy, and the copy \
                         is the value of the last write applied in number order: an Apply \
                         that arrives early waits for its turn, and one that arrives again \
                         changes nothing (README rules sequential.2, sequential.7 and \
                         sequential.8)",
                        shown(*value),
                        shown(open.allowed[0]),
                        self.holdings(r)
                    ));
                }
            }
            (Request::Read, Response::Written) => {
                return Err(format!(
                    "n{r} answered c{client}'s read with Written: a read is answered with \
                     Response::Value of the local copy {}",
                    rule(2)
                ));
            }
            (Request::Write(value), Response::Written) => {
                let value = *value;
                let done = self.answered.entry((r, value)).or_default();
                *done += 1;
                let done = *done;
                self.waiting_writes[r] = self.waiting_writes[r].saturating_sub(1);
                if !self.sequencer_visible(r) {
                    return Ok(());
                }
                let applied = self.applied_bound(r);
                let mine = |w: &Write| w.origin == r && w.value == value;
                let count = self.numbering[..applied as usize]
                    .iter()
                    .filter(|w| mine(w))
                    .count();
                if done > count {
                    let place = match self.numbering.iter().position(mine) {
                        Some(seq) if seq as u64 >= applied => format!(
                            "the sequencer numbered it {seq}, and n{r} had applied writes \
                             {} only",
                            numbers(0..applied)
                        ),
                        _ => "the sequencer had not numbered it yet".to_owned(),
                    };
                    return Err(format!(
                        "n{r} answered c{client}'s write of {value} at {}, before applying \
                         it: {place}. A write is answered by the client's replica once that \
                         replica has applied it, so that the client's next read there sees \
                         it {}",
                        ms(at),
                        rule(9)
                    ));
                }
            }
            (Request::Write(value), Response::Value(_)) => {
                return Err(format!(
                    "n{r} answered c{client}'s write of {value} with a value: a write is \
                     answered with Response::Written {}",
                    rule(9)
                ));
            }
        }
        Ok(())
    }

    /// Whether the numbering tells what `r` holds: the sequencer of a world of one
    /// replica numbers its writes without a message, so nothing in the trace shows them.
    fn sequencer_visible(&self, r: NodeId) -> bool {
        r != SEQUENCER || self.nodes > 1
    }

    /// The most writes `r` may have applied: all it received in order, or, on the
    /// sequencer, all it numbered (it may apply its numbering at once, or when its own
    /// `Apply` comes back to it).
    fn applied_bound(&self, r: NodeId) -> u64 {
        if r == SEQUENCER {
            self.numbering.len() as u64
        } else {
            self.prefix[r]
        }
    }

    /// The values `r`'s copy may hold now, the likeliest first.
    fn copies(&self, r: NodeId) -> Vec<Option<i64>> {
        (self.prefix[r]..=self.applied_bound(r))
            .map(|k| self.value_after(k))
            .collect()
    }

    /// The register's value once writes `0..k` are applied.
    fn value_after(&self, k: u64) -> Option<i64> {
        k.checked_sub(1)
            .and_then(|last| self.numbering.get(last as usize))
            .map(|w| w.value)
    }

    /// What `r` has received and so can apply, in words.
    fn holdings(&self, r: NodeId) -> String {
        let received = &self.received[r];
        let prefix = self.prefix[r];
        let held: Vec<u64> = received.range(prefix..).copied().collect();
        let mut text = format!(
            "of the {} writes numbered so far, n{r} has received {}",
            self.numbering.len(),
            numbers(received.iter().copied())
        );
        if r == SEQUENCER {
            text.push_str(" (besides numbering them itself)");
        }
        let can = match prefix {
            0 => "no write yet".to_owned(),
            1 => "write 0".to_owned(),
            _ => format!("writes {}", numbers(0..prefix)),
        };
        if held.is_empty() {
            text.push_str(&format!(", so it can apply {can}"));
        } else {
            text.push_str(&format!(
                ", so it can apply {can} and must hold {} back until write {prefix} arrives",
                numbers(held.into_iter())
            ));
        }
        text
    }

    /// Checks each replica's `value()` and `applied()` against what it must hold.
    pub fn check_replicas(&mut self, world: &World<Replica>) -> Result<(), String> {
        for r in 0..self.nodes {
            if !self.sequencer_visible(r) {
                continue;
            }
            let node = world.node(r);
            let (applied, value) = (node.applied(), node.value());
            let (low, high) = (self.prefix[r], self.applied_bound(r));
            let fits = (low..=high).contains(&applied)
                && value == self.value_after(applied)
                && (r != SEQUENCER || applied >= self.sequencer_applied);
            if !fits {
                self.about(r);
                let expected = if low == high {
                    format!(
                        "applied() should be {low} and value() {}",
                        shown(self.value_after(low))
                    )
                } else {
                    format!(
                        "applied() should be between {low} and {high}, never going back, and \
                         value() the value of the last write applied"
                    )
                };
                return Err(format!(
                    "at {}, {}; {expected}, but n{r} reports applied() = {applied} and value() \
                     = {}. A replica applies the numbered writes in number order, each as \
                     soon as every write before it is applied (in the handler where its \
                     turn comes, not on a later tick), holding back those that arrive early \
                     and ignoring copies of those applied already {}",
                    ms(world.now()),
                    self.holdings(r),
                    shown(value),
                    rule(7)
                ));
            }
            if r == SEQUENCER {
                self.sequencer_applied = applied;
            }
        }
        Ok(())
    }

    /// At the end of a run on a network that lost nothing: every call returned, a write
    /// within four of the network's longest delays and a read within two (when
    /// `longest` is given), and every replica was sent every numbered write.
    pub fn finish(&self, longest: Option<Duration>) -> Result<(), String> {
        for info in &self.calls {
            let Some(ended) = info.ended else {
                return Err(self.stuck(info));
            };
            let took = ended - info.called;
            let (hops, what) = match info.request {
                Request::Write(v) => (4, format!("write of {v}")),
                Request::Read => (2, "read".to_owned()),
            };
            if let Some(longest) = longest
                && took > longest * hops
            {
                return Err(format!(
                    "c{}'s {what} at n{} was called at {} and returned at {}, {} later; on \
                     a network whose longest delay is {}, {hops} network delays are at most \
                     {}. A replica acts on each message and request as it arrives (the \
                     request, the Submit, the Apply, the answer), never waiting for a tick \
                     or a timer {}",
                    info.client,
                    info.node,
                    ms(info.called),
                    ms(ended),
                    ms(took),
                    ms(longest),
                    ms(longest * hops),
                    rule(11)
                ));
            }
        }
        if self.nodes > 1 {
            for (b, sent) in self.sent_to.iter().enumerate().skip(1) {
                if let Some(seq) = (0..self.numbering.len() as u64).find(|s| !sent.contains(s)) {
                    return Err(format!(
                        "no Apply for write number {seq} ({}) was ever sent to n{b}: the \
                         sequencer tells every replica of every write it numbers {}",
                        self.numbering[seq as usize],
                        rule(4)
                    ));
                }
            }
        }
        Ok(())
    }

    /// Why `client`'s last call has not returned, if it has not.
    pub fn unanswered(&self, client: ClientId) -> Option<String> {
        let info = self.calls.iter().rev().find(|c| c.client == client)?;
        info.ended.is_none().then(|| self.stuck(info))
    }

    /// Why the call `info` never returned, as far as the trace tells.
    fn stuck(&self, info: &CallInfo) -> String {
        let (c, r) = (info.client, info.node);
        self.about(r);
        let Request::Write(value) = info.request else {
            return format!(
                "c{c}'s read at n{r} never returned: a read is answered at once, from the \
                 local copy {}",
                rule(2)
            );
        };
        // Writes of one value at one replica are told apart by counting them.
        let asked = self.asked[r].get(&value).copied().unwrap_or(0);
        let submitted = self
            .submitted
            .iter()
            .filter(|&(&(origin, _), &v)| origin == r && v == value)
            .count();
        let numbered: Vec<u64> = (0..self.numbering.len() as u64)
            .filter(|&s| {
                let w = self.numbering[s as usize];
                w.origin == r && w.value == value
            })
            .collect();
        let unapplied = numbered
            .iter()
            .copied()
            .find(|&s| s >= self.applied_bound(r));
        let why = if asked == 0 {
            "the request never reached it".to_owned()
        } else if r != SEQUENCER && submitted < asked {
            format!(
                "n{r} never sent a Submit for it to the sequencer {}",
                rule(3)
            )
        } else if numbered.len() < asked {
            let same = self.numbering.iter().find(|w| w.value == value);
            match same {
                Some(other) => format!(
                    "n{r} submitted it, but the sequencer never numbered it; it numbered \
                     {other}. Two writes of one value are two writes, told apart by (origin, \
                     id) alone, and each gets a number {}",
                    rule(6)
                ),
                None => format!(
                    "n{r} submitted it, but the sequencer never numbered it: every write gets \
                     a number {}",
                    rule(4)
                ),
            }
        } else if let Some(seq) = unapplied {
            format!(
                "the sequencer numbered it {seq}, but n{r} never applied it: {} {}",
                self.holdings(r),
                rule(7)
            )
        } else {
            format!(
                "n{r} applied it (write number {}) but never answered c{c}: each client \
                 waiting at a replica is answered for its own write, however many wait there \
                 at once {}",
                numbers(numbered.iter().copied()),
                rule(10)
            )
        };
        format!(
            "c{c}'s write of {value} at n{r}, called at {}, never returned on a network \
             that loses nothing: {why}",
            ms(info.called)
        )
    }
}
