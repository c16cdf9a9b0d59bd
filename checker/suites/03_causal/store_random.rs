//! Random clients on 2 to 7 replicas over a reordering, duplicating network: the history
//! is causal, and once the network is quiet every replica holds the same values. A
//! failing run is shrunk to the smallest that still fails.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use causal::Replica;
use causal_given::Request;
use testkit::history::Millis;
use testkit::rng::Rng;
use testkit::shrink::{Budget, Shrink, shrink};
use testkit::sim::World;

use crate::kv::{assert_causal, causal_violation, get, network, on_upstream, put, read_all, world};

/// How many seeds the test runs, from the suite's seed on.
const SEEDS: u64 = 60;

/// The keys clients read and write.
const KEYS: [&str; 3] = ["k0", "k1", "k2"];

/// What a run is made of, which shrinking makes smaller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Size {
    /// Replicas, 2 to 7.
    nodes: usize,
    /// Clients; client `c` talks to replica `c % nodes`.
    clients: u32,
    /// Rounds of 5 ms in which each idle client may call.
    rounds: u32,
    /// Whether the network duplicates a fifth of the messages.
    duplicates: bool,
    /// The world's tick: none, or every 3 ms (a replica must work either way).
    tick: bool,
}

impl Size {
    /// The size of the run of `seed`: every cluster size from 2 to 7 comes up within six
    /// seeds in a row, with and without a tick.
    fn of(seed: u64) -> Size {
        Size {
            nodes: 2 + (seed % 6) as usize,
            clients: 6,
            rounds: 30,
            duplicates: true,
            tick: seed % 12 >= 6,
        }
    }
}

impl Shrink for Size {
    fn smaller(&self) -> Vec<Size> {
        let mut out = Vec::new();
        if self.duplicates {
            out.push(Size {
                duplicates: false,
                ..*self
            });
        }
        if self.rounds > 1 {
            out.push(Size {
                rounds: self.rounds / 2,
                ..*self
            });
            out.push(Size {
                rounds: self.rounds - 1,
                ..*self
            });
        }
        if self.clients > 1 {
            out.push(Size {
                clients: self.clients - 1,
                ..*self
            });
        }
        if self.nodes > 2 {
            out.push(Size {
                nodes: self.nodes - 1,
                ..*self
            });
        }
        out
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} replicas, messages delayed 1-30 ms{}, {}; {} clients, client c talking to \
             replica c % {}, reading and writing keys k0..k2 with unique values, over {} \
             rounds of 5 ms",
            self.nodes,
            if self.duplicates {
                " and a fifth duplicated"
            } else {
                ""
            },
            if self.tick {
                "a tick every 3 ms"
            } else {
                "no tick"
            },
            self.clients,
            self.nodes,
            self.rounds
        )
    }
}

/// What each replica's clients read of every key once the network is quiet.
type Seen = Vec<BTreeMap<String, Option<String>>>;

/// One run, traced or not (the run is the same), and what each replica holds once the
/// network is quiet.
fn play(seed: u64, size: Size, trace: bool) -> (World<Replica>, Result<Seen, String>) {
    let mut rng = Rng::new(seed ^ 0x57);
    let mut config = network(seed).trace(trace);
    if !size.duplicates {
        config = config.duplicate(0.0);
    }
    if size.tick {
        config = config.tick(Some(Duration::from_millis(3)));
    }
    let mut w = world(size.nodes, config);
    let mut next = 0;
    for _ in 0..size.rounds {
        for c in 0..size.clients {
            if w.is_waiting(c) || !rng.chance(0.6) {
                continue;
            }
            let node = c as usize % size.nodes;
            let key = KEYS[rng.index(KEYS.len())];
            let request: Request = if rng.chance(0.5) {
                next += 1;
                put(key, &format!("v{next}"))
            } else {
                get(key)
            };
            w.call(c, node, request);
        }
        w.run_for(Duration::from_millis(5));
    }
    w.run_until_quiet();
    if let Some(c) = (0..size.clients).find(|&c| w.is_waiting(c)) {
        let text = format!(
            "Client c{c} never got an answer from n{}: a replica answers every request at \
             once, from its own copy.",
            c as usize % size.nodes
        );
        return (w, Err(text));
    }
    let scenario = size.to_string();
    let seen = read_all(&mut w, &KEYS, &scenario);
    (w, Ok(seen))
}

/// Who wrote `value`, where and when, from the world's record of calls.
fn writer(w: &World<Replica>, value: &str) -> String {
    for call in w.calls() {
        if let Request::Put { value: v, .. } = &call.request
            && v == value
        {
            return format!(
                "written by c{} at n{} at {}",
                call.client,
                call.node,
                Millis::of(call.called)
            );
        }
    }
    "never written".to_owned()
}

/// How a run fails, if it does: the first of a non-causal history, an unanswered call,
/// and replicas holding different values.
fn failure(seed: u64, size: Size) -> Option<String> {
    let (w, seen) = play(seed, size, false);
    if let Some(explained) = causal_violation(&w) {
        return Some(format!(
            "The clients' history is not causally consistent:\n{explained}"
        ));
    }
    let seen = match seen {
        Ok(seen) => seen,
        Err(text) => return Some(text),
    };
    for key in KEYS {
        let holders: Vec<String> = seen
            .iter()
            .enumerate()
            .map(|(node, values)| match &values[key] {
                Some(v) => format!("n{node} holds {key} = {v} ({})", writer(&w, v)),
                None => format!("n{node} holds no {key}"),
            })
            .collect();
        if seen.iter().any(|values| values[key] != seen[0][key]) {
            let empty: Vec<String> = seen
                .iter()
                .enumerate()
                .filter(|(_, values)| values[key].is_none())
                .map(|(node, _)| format!("n{node}"))
                .collect();
            let why = if empty.is_empty() {
                "Either a replica did not apply a write it was sent (one held back and never \
                 released), or the replicas settle concurrent writes by a rule that depends on \
                 the order they arrived in (the time and place of each write above tell which \
                 were concurrent)."
                    .to_owned()
            } else {
                format!(
                    "{} took in no write of {key} at all, though others did: a replica sends \
                     every write it accepts to every other replica, whatever their number, \
                     and applies a held-back write as soon as its past has arrived.",
                    empty.join(", ")
                )
            };
            return Some(format!(
                "Once the network is quiet, every replica has been sent every write, so all \
                 must hold the same values; for {key} they do not:\n{}\n{why}",
                holders.join("\n")
            ));
        }
    }
    None
}

/// Random clients on random replicas over a reordering, duplicating network: the
/// history is causal, and once the network is quiet every replica holds the same values.
pub fn random_schedules_are_causal_and_converge() {
    on_upstream(|| {
        let base = suite_harness::seed();
        for seed in base..base + SEEDS {
            let size = Size::of(seed);
            let Some(first) = failure(seed, size) else {
                continue;
            };
            let smallest = shrink(size, first, Budget { tries: 60 }, |s| failure(seed, *s));
            let scenario = format!(
                "The smallest run found that fails (seed {seed}): {}.\n(The run of the seed \
                 first failed with {size}; {} smaller runs tried.)",
                smallest.params, smallest.tries
            );
            // A history that is not causal gets its drawing: the run again, traced.
            let (w, _) = play(seed, smallest.params, false);
            assert_causal(&w, &scenario, seed, || {
                Some(play(seed, smallest.params, true).0)
            });
            suite_harness::replay_from(seed);
            suite_harness::fail(format!("{scenario}\n{}", smallest.failure));
        }
    });
}
