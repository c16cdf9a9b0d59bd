//! What the simulated network did, drawn as a message-sequence diagram in SVG: a lane per
//! client and node, time going down, an arrow per message from where it was sent to where
//! it arrived, a cross where it was dropped, and bands where a partition held.
//!
//! Rows follow the order of events, like the history's columns: one row per distinct
//! time, so that what happened within a microsecond does not pile up.

use std::collections::{BTreeSet, HashMap};

use testkit::history::millis;
use testkit::report::{EventRecord, TraceRecord};

use crate::xml::{attr, text};

/// Pixels: the time column, a lane, a row.
const LEFT: usize = 100;
const LANE: usize = 120;
const ROW: usize = 22;
const TOP: usize = 36;

/// The SVG of `trace`, or `None` when it has no events.
pub fn render(trace: &[TraceRecord]) -> Option<String> {
    if trace.is_empty() {
        return None;
    }
    let lanes = lanes(trace);
    let lane_x = |name: &str| lanes.get(name).map(|&i| LEFT + i * LANE + LANE / 2);
    let times: Vec<u64> = trace
        .iter()
        .map(|r| r.at)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let row_of: HashMap<u64, usize> = times.iter().enumerate().map(|(i, &t)| (t, i)).collect();
    let y_of = |at: u64| TOP + row_of[&at] * ROW + ROW / 2;
    let width = LEFT + lanes.len() * LANE + 20;
    let height = TOP + times.len() * ROW + 20;
    let bottom = height - 10;

    let mut back = String::new(); // bands, under everything
    let mut front = String::new();
    let mut header = String::new();
    let mut names: Vec<(&String, &usize)> = lanes.iter().collect();
    names.sort_by_key(|(_, i)| **i);
    for (name, &i) in names {
        let x = LEFT + i * LANE + LANE / 2;
        header.push_str(&format!(
            "<text class=\"endpoint\" x=\"{x}\" y=\"20\">{}</text>\
             <line class=\"lane\" x1=\"{x}\" y1=\"28\" x2=\"{x}\" y2=\"{bottom}\"/>\n",
            text(name)
        ));
    }
    for &at in &times {
        let y = y_of(at);
        front.push_str(&format!(
            "<text class=\"time\" x=\"4\" y=\"{}\">{}</text>\n",
            y + 4,
            millis(at)
        ));
    }

    // Where each message was sent from, by its number, to draw its arrows.
    let mut sent: HashMap<u64, (u64, String, String, String)> = HashMap::new();
    // An open partition or block: when it began and what it was.
    let mut cut: Option<(u64, String)> = None;
    for record in trace {
        let y = y_of(record.at);
        match &record.event {
            EventRecord::Message {
                id,
                from,
                to,
                label,
                fate,
                reason,
            } => {
                let (Some(x1), Some(x2)) = (lane_x(from), lane_x(to)) else {
                    continue;
                };
                match fate.as_str() {
                    "sent" => {
                        sent.insert(*id, (record.at, from.clone(), to.clone(), label.clone()));
                    }
                    "delivered" => {
                        let y1 = sent.get(id).map_or(y, |s| y_of(s.0));
                        let details = format!(
                            "#{id} {from} -> {to} {label}: delivered at {}",
                            millis(record.at)
                        );
                        front.push_str(&arrow("message delivered", x1, y1, x2, y, label, &details));
                    }
                    "dropped" => {
                        let why = reason.as_deref().unwrap_or("dropped");
                        let y1 = sent.get(id).map_or(y, |s| y_of(s.0));
                        // A copy dropped at once stops near its sender; one lost on the way,
                        // half way.
                        let xm = if sent.contains_key(id) {
                            (x1 + x2) / 2
                        } else {
                            let step = (x2 as isize - x1 as isize).signum() * 30;
                            (x1 as isize + step).max(0) as usize
                        };
                        let details = format!(
                            "#{id} {from} -> {to} {label}: dropped ({why}) at {}",
                            millis(record.at)
                        );
                        front.push_str(&arrow("message dropped", x1, y1, xm, y, label, &details));
                        front.push_str(&format!(
                            "<text class=\"cross\" x=\"{xm}\" y=\"{}\">✕</text>\n",
                            y + 5
                        ));
                    }
                    _ => {}
                }
            }
            EventRecord::Partition { groups } => {
                let named: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        let nodes: Vec<String> = g.iter().map(|n| format!("n{n}")).collect();
                        format!("{{{}}}", nodes.join(" "))
                    })
                    .collect();
                if let Some((from, what)) = cut.take() {
                    back.push_str(&band(y_of(from), y, width, &what));
                }
                cut = Some((record.at, format!("partition {}", named.join(" "))));
            }
            EventRecord::Block { from, to } => {
                if let Some((begin, what)) = cut.take() {
                    back.push_str(&band(y_of(begin), y, width, &what));
                }
                cut = Some((record.at, format!("link n{from} -> n{to} cut")));
            }
            EventRecord::Heal => {
                if let Some((from, what)) = cut.take() {
                    back.push_str(&band(y_of(from), y, width, &what));
                }
                front.push_str(&note(LEFT, y, "heal", "heal: every link open again"));
            }
            EventRecord::Crash { node } => {
                let name = format!("n{node}");
                if let Some(x) = lane_x(&name) {
                    front.push_str(&note(x, y, "✕ crash", &format!("{name} crashes")));
                }
            }
            EventRecord::Restart { node, kept_state } => {
                let name = format!("n{node}");
                let how = if *kept_state {
                    "state kept"
                } else {
                    "fresh state"
                };
                if let Some(x) = lane_x(&name) {
                    front.push_str(&note(x, y, "restart", &format!("{name} restarts ({how})")));
                }
            }
            EventRecord::TimedOut { client, call } => {
                let name = format!("c{client}");
                if let Some(x) = lane_x(&name) {
                    let details = format!("{name} stops waiting for call {call}");
                    front.push_str(&note(x, y, "times out", &details));
                }
            }
            _ => {}
        }
    }
    if let Some((from, what)) = cut {
        back.push_str(&band(y_of(from), bottom, width, &what));
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"messages between clients and nodes, time going down\">\n\
         <defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n{back}{header}{front}</svg>\n"
    ))
}

/// The lanes, by name: clients first, then nodes, each in number order.
fn lanes(trace: &[TraceRecord]) -> HashMap<String, usize> {
    let mut names: BTreeSet<(u8, usize)> = BTreeSet::new();
    let mut add = |name: &str| {
        let kind = match name.as_bytes().first() {
            Some(b'c') => 0,
            _ => 1,
        };
        if let Ok(n) = name[1..].parse::<usize>() {
            names.insert((kind, n));
        }
    };
    for record in trace {
        match &record.event {
            EventRecord::Message { from, to, .. } => {
                add(from);
                add(to);
            }
            EventRecord::Call { client, node, .. } => {
                add(&format!("c{client}"));
                add(&format!("n{node}"));
            }
            EventRecord::Start { node }
            | EventRecord::Crash { node }
            | EventRecord::Restart { node, .. } => add(&format!("n{node}")),
            _ => {}
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, (kind, n))| (format!("{}{n}", if kind == 0 { 'c' } else { 'n' }), i))
        .collect()
}

/// An arrow with its label, hoverable.
fn arrow(
    class: &str,
    x1: usize,
    y1: usize,
    x2: usize,
    y2: usize,
    label: &str,
    details: &str,
) -> String {
    let (lx, ly) = ((x1 + x2) / 2, (y1 + y2) / 2);
    format!(
        "<g class=\"{class}\" data-details=\"{}\"><title>{}</title>\
         <line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" marker-end=\"url(#head)\"/>\
         <text x=\"{lx}\" y=\"{}\">{}</text></g>\n",
        attr(details),
        text(details),
        ly.saturating_sub(3),
        text(&short(label))
    )
}

/// A shaded band from `y1` to `y2` across every lane, while the network was cut.
fn band(y1: usize, y2: usize, width: usize, what: &str) -> String {
    format!(
        "<g class=\"cut\" data-details=\"{}\"><title>{}</title>\
         <rect x=\"{LEFT}\" y=\"{y1}\" width=\"{}\" height=\"{}\"/>\
         <text x=\"{}\" y=\"{}\">{}</text></g>\n",
        attr(what),
        text(what),
        width - LEFT - 10,
        y2.saturating_sub(y1).max(4),
        LEFT + 4,
        y1 + 12,
        text(what)
    )
}

/// A note on a lane: a crash, a restart, a timeout, a heal.
fn note(x: usize, y: usize, label: &str, details: &str) -> String {
    format!(
        "<g class=\"note\" data-details=\"{}\"><title>{}</title>\
         <text x=\"{}\" y=\"{}\">{}</text></g>\n",
        attr(details),
        text(details),
        x + 4,
        y + 4,
        text(label)
    )
}

/// A label short enough to sit on an arrow: the message's kind, without its fields
/// (`Store { op: 1, .. }` becomes `Store`), cut to a few characters; hovering shows all.
fn short(label: &str) -> String {
    const ROOM: usize = 14;
    let kind = label
        .split(['{', '('])
        .next()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or(label);
    if kind.chars().count() <= ROOM {
        return kind.to_owned();
    }
    let kept: String = kind.chars().take(ROOM - 1).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(
        at: u64,
        id: u64,
        from: &str,
        to: &str,
        fate: &str,
        reason: Option<&str>,
    ) -> TraceRecord {
        TraceRecord {
            at,
            event: EventRecord::Message {
                id,
                from: from.into(),
                to: to.into(),
                label: "Replicate(7)".into(),
                fate: fate.into(),
                reason: reason.map(str::to_owned),
            },
        }
    }

    #[test]
    fn messages_are_arrows_drops_are_crosses_and_partitions_are_bands() {
        let trace = vec![
            message(1_000, 1, "c0", "n1", "sent", None),
            message(2_000, 1, "c0", "n1", "delivered", None),
            TraceRecord {
                at: 3_000,
                event: EventRecord::Partition {
                    groups: vec![vec![0, 1], vec![2]],
                },
            },
            message(4_000, 2, "n1", "n2", "dropped", Some("partition")),
            TraceRecord {
                at: 5_000,
                event: EventRecord::Heal,
            },
        ];
        let svg = render(&trace).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            svg.matches("class=\"message delivered\"").count(),
            1,
            "{svg}"
        );
        assert_eq!(svg.matches("class=\"message dropped\"").count(), 1, "{svg}");
        assert!(svg.contains("dropped (partition) at 0.004 ms"), "{svg}");
        assert!(svg.contains("partition {n0 n1} {n2}"), "{svg}");
        // Lanes: the client first, then the nodes.
        let c0 = svg.find(">c0<").unwrap();
        let n1 = svg.find(">n1<").unwrap();
        let n2 = svg.find(">n2<").unwrap();
        assert!(c0 < n1 && n1 < n2, "{svg}");
        assert_eq!(render(&[]), None);
    }

    #[test]
    fn times_read_in_milliseconds_and_labels_are_short() {
        assert_eq!(millis(3_104_000).to_string(), "3.104 ms");
        assert_eq!(millis(12_000_000_000).to_string(), "12000 ms");
        assert_eq!(short("Replicate(7)"), "Replicate");
        assert_eq!(short("Store { op: 1, tag: (2, 0) }"), "Store");
        assert_eq!(short("\"ack\""), "\"ack\"");
        assert_eq!(short(&"x".repeat(30)).chars().count(), 14);
    }
}
