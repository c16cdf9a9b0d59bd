//! A reference for the causal checker: the definitions of `docs/src/causal-checker.md`
//! computed the slow and obvious way (the happens-before relation as a full table, every
//! set spelled out), for small histories only. The property tests compare the checker
//! with it on many random histories.

use std::collections::{BTreeSet, HashMap, HashSet};

use testkit::check::causal::Guarantee;
use testkit::history::{Action, History, OpId, Outcome, Output, Time, Value};

/// What a check finds, in terms of the input operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Reads of values nobody effectively wrote.
    pub thin_air: BTreeSet<OpId>,
    /// Whether happens-before is cyclic.
    pub cycle: bool,
    /// The stale reads (empty when cyclic).
    pub stale: BTreeSet<OpId>,
}

/// One operation that counts.
#[derive(Clone, Debug)]
struct Ev {
    op: OpId,
    client: u32,
    call: Time,
    key: Option<String>,
    done: bool,
    write: Option<Value>,
    read: Option<Option<Value>>,
}

/// The events of a history, as the documentation's table says.
fn events(h: &History) -> Vec<Ev> {
    let mut evs = Vec::new();
    for (op, o) in h.ops().iter().enumerate() {
        let done = matches!(o.outcome, Outcome::Ok { .. });
        let (write, read) = match (&o.action, &o.outcome) {
            (_, Outcome::Failed { .. }) => continue,
            (
                Action::Read,
                Outcome::Ok {
                    output: Output::Value(v),
                    ..
                },
            ) => (None, Some(v.clone())),
            (Action::Read, _) => continue,
            (Action::Write(v), _) => (Some(v.clone()), None),
            (Action::Cas { from, to }, Outcome::Ok { output, .. }) => {
                if *output != Output::Swapped(true) {
                    continue;
                }
                (Some(to.clone()), Some(from.clone()))
            }
            (Action::Cas { to, .. }, Outcome::Unknown) => (Some(to.clone()), None),
            (Action::Append(_), _) => panic!("appends are out of scope"),
        };
        evs.push(Ev {
            op,
            client: o.client,
            call: o.call,
            key: o.key.clone(),
            done,
            write,
            read,
        });
    }
    // An unknown cas certainly swapped, so read `from`, once a read returned its value.
    loop {
        let seen: HashSet<(Option<String>, Value)> = evs
            .iter()
            .filter_map(|e| Some((e.key.clone(), e.read.clone()??)))
            .collect();
        let mut changed = false;
        for e in evs.iter_mut() {
            let o = h.op(e.op);
            if let (Action::Cas { from, to }, Outcome::Unknown, None) =
                (&o.action, &o.outcome, &e.read)
                && seen.contains(&(e.key.clone(), to.clone()))
            {
                e.read = Some(from.clone());
                changed = true;
            }
        }
        if !changed {
            return evs;
        }
    }
}

/// Computes what each check finds. `None` for causal consistency, else a guarantee.
pub fn check(h: &History, guarantee: Option<Guarantee>) -> Found {
    let evs = events(h);
    let n = evs.len();
    let writer: HashMap<(Option<String>, Value), usize> = evs
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some(((e.key.clone(), e.write.clone()?), i)))
        .collect();
    // Source of each reading event: Some(Some(w)), Some(None) for nil, None for thin air.
    let source: Vec<Option<Option<usize>>> = evs
        .iter()
        .map(|e| match &e.read {
            None | Some(None) => Some(None),
            Some(Some(v)) => writer.get(&(e.key.clone(), v.clone())).map(|&w| Some(w)),
        })
        .collect();
    let thin_air: BTreeSet<OpId> = (0..n)
        .filter(|&i| evs[i].read.is_some() && source[i].is_none())
        .map(|i| evs[i].op)
        .collect();
    // Session order: after every completed earlier event of the same client.
    let before = |a: usize, b: usize| {
        let (x, y) = (&evs[a], &evs[b]);
        x.client == y.client && x.done && (x.call, x.op) < (y.call, y.op)
    };
    // hb[a][b]: a happens before b.
    let mut hb: Vec<Vec<bool>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| before(a, b) || source[b] == Some(Some(a)) && evs[b].read.is_some())
                .collect()
        })
        .collect();
    // Warshall: after round k, paths through events below k+1 are closed.
    for k in 0..n {
        let through = hb[k].clone();
        for row in hb.iter_mut().filter(|row| row[k]) {
            for (cell, &next) in row.iter_mut().zip(&through) {
                *cell |= next;
            }
        }
    }
    if (0..n).any(|a| hb[a][a]) {
        return Found {
            thin_air,
            cycle: true,
            stale: BTreeSet::new(),
        };
    }
    let le = |a: usize, b: usize| a == b || hb[a][b];
    let src_of = |x: usize| match (&evs[x].read, source[x]) {
        (Some(_), Some(Some(w))) => Some(w),
        _ => None,
    };
    let mut stale = BTreeSet::new();
    for r in 0..n {
        let Some(Some(returned)) = evs[r].read.as_ref().map(|_| source[r]) else {
            continue;
        };
        // The writes `r` must reflect.
        let must: Vec<usize> = match guarantee {
            None => (0..n)
                .filter(|&w| evs[w].write.is_some() && hb[w][r])
                .collect(),
            Some(Guarantee::ReadYourWrites) => (0..n)
                .filter(|&w| evs[w].write.is_some() && before(w, r))
                .collect(),
            Some(Guarantee::MonotonicReads) => (0..n)
                .filter(|&x| before(x, r))
                .filter_map(src_of)
                .collect(),
            Some(g) => {
                let mut m = Vec::new();
                for x in (0..n).filter(|&x| before(x, r)) {
                    let Some(sx) = src_of(x) else { continue };
                    for w2 in (0..n).filter(|&w2| evs[w2].write.is_some() && le(w2, sx)) {
                        if g == Guarantee::MonotonicWrites {
                            m.extend((0..n).filter(|&w| evs[w].write.is_some() && before(w, w2)));
                        } else {
                            m.extend((0..n).filter(|&y| before(y, w2)).filter_map(src_of));
                            m.extend(src_of(w2));
                        }
                    }
                }
                m
            }
        };
        let is_stale = must.iter().any(|&w| {
            evs[w].key == evs[r].key
                && match returned {
                    None => true,
                    Some(src) => hb[src][w],
                }
        });
        if is_stale {
            stale.insert(evs[r].op);
        }
    }
    Found {
        thin_air,
        cycle: false,
        stale,
    }
}
