//! The [`Replica`] node: its state, and the dispatch of requests and messages by [`Mode`].

use std::collections::BTreeMap;
use std::time::Duration;

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::cp::Op;
use crate::msg::Msg;
use crate::{Entry, Mode, ROUND, Request, Response, Store};

/// One replica of the key-value store, in CP or AP mode.
#[derive(Debug)]
pub struct Replica {
    pub(crate) mode: Mode,
    /// Every key this replica holds, with the stamp of the write that put it there.
    pub(crate) store: Store,
    /// CP: the operations this replica coordinates, by id.
    pub(crate) ops: BTreeMap<u64, Op>,
    pub(crate) next_op: u64,
    /// CP: the highest version this node has given a write.
    pub(crate) issued: u64,
    /// When each peer was last heard from (any message counts).
    pub(crate) heard: BTreeMap<NodeId, Duration>,
}

impl Replica {
    /// An empty replica in `mode`.
    pub fn new(mode: Mode) -> Self {
        Replica {
            mode,
            store: Store::new(),
            ops: BTreeMap::new(),
            next_op: 0,
            issued: 0,
            heard: BTreeMap::new(),
        }
    }

    /// The mode this replica was built with.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Every key this replica holds and its value, as it stands now in this replica's
    /// own copy (no other node is asked).
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        self.store
            .iter()
            .map(|(k, (_, v))| (k.clone(), v.clone()))
            .collect()
    }

    /// Keeps `entry` under `key` unless the replica holds a write with a larger stamp.
    /// Both modes merge this way, which makes applying the same entry twice, or an old
    /// one late, harmless: duplicated and reordered messages change nothing.
    pub(crate) fn apply(&mut self, key: &str, entry: Entry) {
        if self.store.get(key).is_none_or(|old| entry.0 > old.0) {
            self.store.insert(key.to_owned(), entry);
        }
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_tick_interval(Some(ROUND));
        // Everyone counts as just heard at a start: a replica that marked its first reads
        // stale before the first round could arrive would cry wolf.
        let now = ctx.now();
        for &peer in ctx.peers() {
            self.heard.insert(peer, now);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        self.heard.insert(from, ctx.now());
        match msg {
            Msg::Gossip { store } => self.merge(store),
            cp => self.cp_message(ctx, from, cp),
        }
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        match self.mode {
            Mode::Cp => self.cp_request(ctx, reply, request),
            Mode::Ap => self.ap_request(ctx, reply, request),
        }
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        match self.mode {
            Mode::Cp => self.cp_tick(ctx),
            Mode::Ap => self.ap_tick(ctx),
        }
    }
}
