//! The last-writer-wins map, call by call: what `set` keeps and answers, ties on time,
//! the same write twice, keys kept apart, and what `merge` keeps.
//!
//! `Stamp` and its order are the course's (`eventual_given`), so the suite works out the
//! winner of each key with an order no submission can change. Maps are called through the
//! course's `Map` trait, spelled out in full, read only through `get`, `stamp` and
//! `entries` (std and given types), and every copy is made by replaying writes and merges
//! on a fresh map (see `copies.rs`).

use std::collections::BTreeMap;

use eventual::LwwMap;
use eventual_given::{Map, Stamp};

use crate::copies::{Replay, built};

/// One write offered with `set`: key, value, stamp.
pub type Write = (String, String, Stamp);

/// What a map holds: each key's winning stamp and value.
pub type Held = BTreeMap<String, (Stamp, String)>;

impl Replay for LwwMap {
    type Op = Write;

    fn fresh() -> Self {
        LwwMap::new()
    }

    fn apply(&mut self, (key, value, stamp): &Write) {
        Map::set(self, key, value, *stamp);
    }

    fn merge_in(&mut self, other: &Self) {
        Map::merge(self, other);
    }
}

/// A write of `key = value` stamped (`time`, `node`).
pub fn write(key: &str, value: &str, time: u64, node: usize) -> Write {
    (key.to_owned(), value.to_owned(), Stamp { time, node })
}

/// What a map shows: its entries, and for each key asked, what `get` and `stamp` answer.
type Shown = (Held, Vec<(String, Option<String>, Option<Stamp>)>);

/// What `map` holds, by `entries`, and by `get` and `stamp` for each key of `keys`.
fn read(map: &LwwMap, keys: &[&str]) -> Shown {
    let by_key = keys
        .iter()
        .map(|&k| {
            (
                k.to_owned(),
                Map::get(map, k).map(str::to_owned),
                Map::stamp(map, k),
            )
        })
        .collect();
    (Map::entries(map), by_key)
}

/// What a map holding `held` must answer for the keys of `keys`.
fn must_read(held: &Held, keys: &[&str]) -> Shown {
    let by_key = keys
        .iter()
        .map(|&k| {
            let entry = held.get(k);
            (
                k.to_owned(),
                entry.map(|(_, v)| v.clone()),
                entry.map(|(s, _)| *s),
            )
        })
        .collect();
    (held.clone(), by_key)
}

/// Offers `writes` to a fresh map one at a time, each with the answer `set` must give and
/// what the map must hold after it, read through every method.
fn script(what: &str, writes: &[(Write, bool)], keys: &[&str]) {
    let mut map = LwwMap::new();
    let mut held = Held::new();
    let mut done: Vec<String> = Vec::new();
    for ((key, value, stamp), must) in writes {
        let before = held.get(key).map(|(s, _)| *s);
        let newest_elsewhere = held
            .iter()
            .filter(|(k, _)| *k != key)
            .map(|(_, (s, _))| *s)
            .max();
        let took: bool = Map::set(&mut map, key, value, *stamp);
        if *must {
            held.insert(key.clone(), (*stamp, value.clone()));
        }
        done.push(format!("set({key}, {value}, {stamp:?})"));
        let got = read(&map, keys);
        let want = must_read(&held, keys);
        if took != *must || got != want {
            let offer = Offer {
                stamp: *stamp,
                before,
                newest_elsewhere,
                took,
                must: *must,
                stored_right: got == want,
            };
            suite_harness::fail(format!(
                "{what}. A fresh map is offered, in this order:\n  {}\nThe last write {} \
                 take effect (set must answer {must}); set answered {took}. The map must hold \
                 (entries; then get and stamp per key)\n  {want:?}\nIt holds\n  {got:?}\n{}",
                done.join("\n  "),
                if *must { "must" } else { "must not" },
                offer.why()
            ));
        }
    }
}

/// One offer that went wrong, and what the map held when it came.
struct Offer {
    stamp: Stamp,
    /// The stamp held for the offer's key before it.
    before: Option<Stamp>,
    /// The largest stamp held for any other key.
    newest_elsewhere: Option<Stamp>,
    took: bool,
    must: bool,
    /// Whether the map holds what it must, whatever set answered.
    stored_right: bool,
}

impl Offer {
    /// The rule the evidence points at.
    fn why(&self) -> String {
        let stamp = self.stamp;
        if self.took != self.must && self.stored_right {
            return "The map holds the right writes, but set answered wrong: it answers \
                    whether this write took effect, not whether the key was new or anything \
                    else."
                .to_owned();
        }
        match self.before {
            Some(held) if held == stamp => "This is the write the map holds, offered again: \
                 a stamp names one write, so the same stamp changes nothing and set answers \
                 false."
                .to_owned(),
            Some(held) if held.time == stamp.time => format!(
                "The times tie ({}ns): the larger node id wins, n{} over n{}, whichever \
                 arrives first; never the order of arrival.",
                stamp.time,
                held.node.max(stamp.node),
                held.node.min(stamp.node)
            ),
            Some(held) if (held.time < stamp.time) != (held.node < stamp.node) => format!(
                "The held write {held:?} and this one {stamp:?} differ in time: the time \
                 decides, and the node id only breaks a tie on time."
            ),
            None => match self.newest_elsewhere {
                Some(newest) if newest >= stamp => format!(
                    "Another key holds a larger stamp ({newest:?}), but keys are independent: \
                     a write is compared with the stamp held for its own key only."
                ),
                _ => "The key held nothing, so this write must win.".to_owned(),
            },
            _ => "A write takes effect exactly when its stamp is larger than the one held \
                  for its key, time first and node id on a tie, and nothing else changes."
                .to_owned(),
        }
    }
}

/// `LwwMap::new()` and `default()` are empty; then a script of writes whose stamps win
/// and lose by time, by node on a tie, across keys with one- and two-digit names.
pub fn a_new_map_is_empty_and_set_keeps_the_larger_stamp() {
    let keys = ["k0", "k1", "k10", "k2"];
    for (how, map) in [("new()", LwwMap::new()), ("default()", LwwMap::default())] {
        let got = read(&map, &keys);
        let want = must_read(&Held::new(), &keys);
        assert!(
            got == want,
            "LwwMap::{how} must be empty: no entries, and get and stamp None for every key. \
             It holds (entries; then get and stamp per key) {got:?}."
        );
    }
    script(
        "Writes that win and lose by their stamps",
        &[
            (write("k0", "a", 5, 2), true),
            (write("k0", "b", 4, 9), false),
            (write("k0", "c", 6, 0), true),
            (write("k1", "d", 1, 0), true),
            (write("k10", "e", 3, 12), true),
            (write("k0", "f", 5, 21), false),
            (write("k1", "g", 2, 3), true),
            (write("k10", "h", 3, 11), false),
            (write("k10", "i", 3, 13), true),
        ],
        &keys,
    );
}

/// Writes of one key at the same time from two and from three nodes, in every order:
/// the largest node id wins whatever arrives first, and set says which offers won.
pub fn ties_on_time_break_by_node_id() {
    let time = 40_000_000;
    let pairs: [&[usize]; 4] = [&[1, 3], &[3, 1], &[9, 10], &[10, 9]];
    let triples = [
        [3, 10, 21],
        [3, 21, 10],
        [10, 3, 21],
        [10, 21, 3],
        [21, 3, 10],
        [21, 10, 3],
    ];
    for order in pairs.into_iter().chain(triples.iter().map(|t| &t[..])) {
        let mut best = None;
        let writes: Vec<(Write, bool)> = order
            .iter()
            .map(|&node| {
                let wins = best.is_none_or(|b| node > b);
                if wins {
                    best = Some(node);
                }
                (write("k", &format!("from-n{node}"), time, node), wins)
            })
            .collect();
        script(
            &format!(
                "Writes of k at the same time {time}ns from nodes {order:?}, arriving in that \
                 order: the times tie, so the largest node id wins, whatever the order. \
                 Breaking ties by arrival makes replicas that saw the writes in different \
                 orders disagree forever"
            ),
            &writes,
            &["k"],
        );
    }
}

/// The write held, offered again (alone, after a larger write, among other keys), changes
/// nothing and set answers false; so does a merge with a map holding the same writes.
pub fn the_same_write_offered_again_changes_nothing() {
    script(
        "The same write offered again is that write arriving twice",
        &[
            (write("k", "v1", 7, 3), true),
            (write("k", "v1", 7, 3), false),
            (write("j", "w", 2, 12), true),
            (write("k", "v2", 9, 0), true),
            (write("k", "v1", 7, 3), false),
            (write("k", "v2", 9, 0), false),
            (write("j", "w", 2, 12), false),
        ],
        &["k", "j"],
    );
    let ops = [write("k", "v2", 9, 0), write("j", "w", 2, 12)];
    let mut map = built::<LwwMap>(&ops);
    let before = Map::entries(&map);
    Map::merge(&mut map, &built::<LwwMap>(&ops));
    let after = Map::entries(&map);
    assert!(
        after == before,
        "A map holding {before:?} merges another holding the same writes: nothing may \
         change. It holds {after:?}."
    );
}

/// Two maps that disagree on every key (a tie on time, a later time from a smaller node,
/// keys only one side has) merge both ways: each key keeps the larger stamp.
pub fn merge_keeps_the_larger_stamp_per_key() {
    let a = [
        write("k0", "a0", 5, 1),
        write("k1", "a1", 2, 3),
        write("k3", "a3", 7, 0),
    ];
    let b = [
        write("k0", "b0", 5, 12),
        write("k1", "b1", 1, 9),
        write("k2", "b2", 3, 0),
    ];
    let want: Held = [&a[1], &a[2], &b[0], &b[2]]
        .into_iter()
        .map(|(k, v, s)| (k.clone(), (*s, v.clone())))
        .collect();
    let keys = ["k0", "k1", "k2", "k3"];
    for (name, mine, theirs) in [("a.merge(b)", &a, &b), ("b.merge(a)", &b, &a)] {
        let mut map = built::<LwwMap>(mine);
        Map::merge(&mut map, &built::<LwwMap>(theirs));
        let got = read(&map, &keys);
        assert!(
            got == must_read(&want, &keys),
            "a holds {a:?}\nb holds {b:?}\n(key, value, stamp). {name} must keep, per key, \
             the write with the larger stamp, time first and node id on equal times, and \
             take the keys only the other map has:\n  {want:?}\nIt holds (entries; then get \
             and stamp per key)\n  {got:?}"
        );
    }
}
