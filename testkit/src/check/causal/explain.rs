//! Turning findings into violations a student can act on.
//!
//! A summary names the clients and operations in the order a reader should follow them,
//! and the evidence lists the same operations: the overwritten write (if the read
//! returned one), the write the read had to reflect, the links that made it so, and the
//! read. Long stretches of one client's own operations are left out of causal chains;
//! only the hops from a write to a read of it are shown, since those are where
//! information moved between clients.

use crate::check::causal::graph::{Ev, Graph, Source};
use crate::check::causal::rules::{Finding, Via};
use crate::check::causal::stale::Swept;
use crate::check::{Evidence, Violation};
use crate::history::{Action, History, show};

/// The violation that `finding` amounts to, reported as breaking `broken`.
pub(crate) fn explain(
    h: &History,
    g: &Graph,
    sw: Option<&Swept>,
    broken: &str,
    finding: &Finding,
) -> Violation {
    let w = Words { h, g, sw };
    let (summary, evs) = match finding {
        Finding::ThinAir(r) => (
            format!(
                "client {} read {} at {}, but no operation wrote that value (failed writes \
                 have no effect): a read can only return a value some write wrote",
                w.client(*r),
                w.got(*r),
                w.id(*r)
            ),
            vec![*r],
        ),
        Finding::Cycle(cycle) => {
            let mut around: Vec<String> = cycle.iter().map(|&ev| w.op(ev)).collect();
            around.push(w.id(cycle[0]));
            (
                format!(
                    "these operations depend on each other in a circle, which no execution can \
                     produce: {}. Each arrow is a client's own order or a read returning a \
                     write's value; look for a read that returned a value written after it",
                    around.join(" → ")
                ),
                cycle.clone(),
            )
        }
        Finding::Stale {
            read,
            returned,
            newer,
            via,
        } => w.stale(*read, *returned, *newer, via),
    };
    let mut ops = Vec::new();
    for ev in evs {
        let op = g.events[ev].op;
        if !ops.contains(&op) {
            ops.push(op);
        }
    }
    Violation {
        broken: broken.to_owned(),
        summary,
        evidence: Evidence::Ops { ops },
    }
}

/// Phrases about the events of one graph.
struct Words<'a> {
    h: &'a History,
    g: &'a Graph,
    /// The sweep, which stale reads come from.
    sw: Option<&'a Swept>,
}

impl Words<'_> {
    /// The summary and evidence of a stale read.
    fn stale(&self, r: Ev, returned: Option<Ev>, newer: Ev, via: &Via) -> (String, Vec<Ev>) {
        let (reader, got, at) = (self.client(r), self.got(r), self.id(r));
        let mut evs = returned.map_or_else(Vec::new, |old| self.chain(old, newer));
        let overwrite = returned.map(|old| self.arrows(&self.chain(old, newer)));
        let older = match &overwrite {
            Some(path) => format!(", a value that {} overwrote ({path})", self.id(newer)),
            None => String::new(),
        };
        let summary = match via {
            Via::Causal => {
                let path = self.chain(newer, r);
                // Here the overwriting write is introduced after the read, so it comes last.
                let overwrote = match &overwrite {
                    Some(p) => format!(" and overwrote that value ({p})"),
                    None => String::new(),
                };
                let text = format!(
                    "client {reader} read {got} at {at}, although {} happens before that read \
                     ({}){overwrote}. Under causal consistency a read reflects every write in \
                     its causal past",
                    self.op(newer),
                    self.arrows(&path)
                );
                evs.extend(path);
                text
            }
            Via::OwnWrite => {
                evs.extend([newer, r]);
                format!(
                    "client {reader} wrote {} and later read {got} at {at}{older}. A client must \
                     read its own writes or newer values",
                    self.op(newer)
                )
            }
            Via::EarlierRead(first) => {
                evs.extend([newer, *first, r]);
                format!(
                    "client {reader} read {} at {} (written by {}) and later read {got} at \
                     {at}{older}. Successive reads must not go back in time",
                    self.got(*first),
                    self.id(*first),
                    self.id(newer)
                )
            }
            Via::Observed {
                first_read,
                later,
                seen_by,
            } => {
                let writer = self.client(*later);
                let cause = match first_read {
                    None => format!("wrote {} and then {}", self.op(newer), self.op(*later)),
                    Some(f) if f == later => format!(
                        "replaced the value of {} by {}",
                        self.op(newer),
                        self.op(*later)
                    ),
                    Some(f) => format!(
                        "read {} at {} (written by {}) and then wrote {}",
                        self.got(*f),
                        self.id(*f),
                        self.id(newer),
                        self.op(*later)
                    ),
                };
                let src = match self.g.events[*seen_by].read {
                    Some(Source::Write(src)) => src,
                    _ => unreachable!("an observing read returned a write"),
                };
                let path = self.chain(*later, src);
                let seen = if src == *later {
                    format!("read it at {}", self.id(*seen_by))
                } else {
                    format!(
                        "read {}, which depends on it ({}), at {}",
                        self.id(src),
                        self.arrows(&path),
                        self.id(*seen_by)
                    )
                };
                let rule = if first_read.is_some() {
                    "With writes-follow-reads, a write is visible only where the writes its \
                     client had read are"
                } else {
                    "With monotonic writes, a write is visible only where the same client's \
                     earlier writes are"
                };
                evs.push(newer);
                evs.extend(first_read);
                evs.extend(path);
                evs.extend([*seen_by, r]);
                format!(
                    "client {writer} {cause}; client {reader} {seen} and later read {got} at \
                     {at}{older}. {rule}"
                )
            }
        };
        (summary, evs)
    }

    /// A happens-before path from write `from` to `to`, keeping only its ends and the
    /// hops from a write to a read of it. Prefers session edges, which keep the path
    /// within one client where possible: from each event it goes back along its client's
    /// completed events to the first that knew of `from`, then to the write that one read.
    fn chain(&self, from: Ev, to: Ev) -> Vec<Ev> {
        let g = self.g;
        let mut path = vec![to];
        let mut here = to;
        while here != from {
            let e = &g.events[here];
            if let Some(first) = e.so_pred.and_then(|p| self.first_knowing(from, p)) {
                path.push(first);
                here = first;
                if here == from {
                    break;
                }
            }
            here = g.events[here]
                .source()
                .expect("the path exists because `from` happens before `to`");
            path.push(here);
        }
        path.dedup();
        path.reverse();
        let hop = |a: Ev, b: Ev| g.events[b].so_pred != Some(a);
        let last = path.len() - 1;
        (0..path.len())
            .filter(|&i| {
                i == 0 || i == last || hop(path[i - 1], path[i]) || hop(path[i], path[i + 1])
            })
            .map(|i| path[i])
            .collect()
    }

    /// The first completed event of `p`'s client, up to `p`, that `from` happens before
    /// (or that is `from`), if `from` happens before `p`.
    fn first_knowing(&self, from: Ev, p: Ev) -> Option<Ev> {
        let g = self.g;
        let c = &self.sw.expect("stale reads come with their sweep").clocks;
        let f = &g.events[from];
        let session = &g.sessions[g.events[p].session].1;
        session[..=g.events[p].pos]
            .iter()
            .copied()
            .filter(|&d| g.events[d].done && g.rank[d] >= g.rank[from])
            .find(|&d| {
                let e = &g.events[d];
                d == from
                    || (e.session == f.session && f.done && f.pos < e.pos)
                    || e.source().is_some_and(|w| c.le_kept(g, from, w))
            })
    }

    /// `op 0 → op 3 → op 4`.
    fn arrows(&self, evs: &[Ev]) -> String {
        let ids: Vec<String> = evs.iter().map(|&ev| self.id(ev)).collect();
        ids.join(" → ")
    }

    /// `op 7`.
    fn id(&self, ev: Ev) -> String {
        format!("op {}", self.g.events[ev].op)
    }

    /// `op 7 (client 2: x.w(3))`.
    fn op(&self, ev: Ev) -> String {
        let op = self.h.op(self.g.events[ev].op);
        format!("{} (client {}: {})", self.id(ev), op.client, op.label())
    }

    /// The client of an event.
    fn client(&self, ev: Ev) -> u32 {
        self.h.op(self.g.events[ev].op).client
    }

    /// What a reading event returned, with its key: `x=1`, `x=nil`, or `1` for a register.
    fn got(&self, ev: Ev) -> String {
        let op = self.h.op(self.g.events[ev].op);
        let value = match (&op.action, op.read_value()) {
            (_, Some(v)) => show(v),
            (Action::Cas { from, .. }, None) => show(from),
            _ => "?".to_owned(),
        };
        match &op.key {
            Some(k) => format!("{k}={value}"),
            None => value,
        }
    }
}
