//! The history drawn as SVG: a row per client, each operation a bar from its call to its
//! return, coloured by the part it plays in the violation.
//!
//! Positions follow the order of events, not their times: every call and return gets the
//! next column, so that a burst of overlapping operations is as legible as a quiet
//! stretch, and a long pause takes no room. (Times to scale were rejected: in simulated
//! runs most operations last microseconds beside millisecond pauses, and would shrink to
//! slivers.) At equal times returns come before calls, as the checkers order them.

use std::collections::{BTreeMap, HashMap};

use testkit::history::{History, OpId, Outcome};

use crate::xml::{attr, text};

/// The part an operation plays in what the checker found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// In the longest order that works, at this place (from 1).
    Ordered(usize),
    /// The first operation that cannot follow that order, or the one that breaks a
    /// guarantee: the one to look at.
    Culprit,
    /// Another operation that cannot follow the order.
    Blocked,
    /// Named by a broken guarantee.
    Named,
    /// Not part of the evidence.
    Other,
}

impl Role {
    /// The CSS class of the role.
    pub fn class(self) -> &'static str {
        match self {
            Role::Ordered(_) => "ordered",
            Role::Culprit => "culprit",
            Role::Blocked => "blocked",
            Role::Named => "named",
            Role::Other => "other",
        }
    }
}

/// Pixels: the label column, a client's row; a column of events is between the two
/// steps, wider for short histories, which would otherwise be drawn small.
const LEFT: usize = 56;
const STEP: usize = 26;
const WIDE_STEP: usize = 72;
const WIDTH: usize = 900;
const ROW: usize = 46;
const TOP: usize = 24;
const BAR: usize = 24;
/// The width of a character of the labels, near enough to cut them to fit.
const CHAR: f64 = 6.6;

/// The SVG of `ops` of `history` (all of them when it is small), with `roles`.
pub fn render(history: &History, ops: &[OpId], roles: &HashMap<OpId, Role>) -> String {
    // Every call and return, in order; a column each.
    let mut events: Vec<(u64, u8, OpId)> = Vec::new();
    for &id in ops {
        let op = history.op(id);
        events.push((op.call, 1, id));
        if let Some(ret) = op.ret() {
            events.push((ret, 0, id));
        }
    }
    events.sort_unstable();
    let mut call_column = HashMap::new();
    let mut return_column = HashMap::new();
    for (column, &(_, kind, id)) in events.iter().enumerate() {
        if kind == 1 {
            call_column.insert(id, column);
        } else {
            return_column.insert(id, column);
        }
    }
    let end = events.len();
    let step = (WIDTH / (end + 1)).clamp(STEP, WIDE_STEP);
    let clients: BTreeMap<u32, usize> = {
        let mut ids: Vec<u32> = ops.iter().map(|&i| history.op(i).client).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .enumerate()
            .map(|(row, c)| (c, row))
            .collect()
    };
    let width = LEFT + (end + 1) * step + 20;
    let height = TOP + clients.len() * ROW + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"the history, a row per client\">\n"
    );
    for (client, row) in &clients {
        let y = TOP + row * ROW;
        svg.push_str(&format!(
            "<text class=\"client\" x=\"8\" y=\"{}\">c{client}</text>\n\
             <line class=\"lane\" x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
            y + BAR / 2 + 4,
            y + BAR / 2,
            width - 10,
            y + BAR / 2
        ));
    }
    for &id in ops {
        let op = history.op(id);
        let role = roles.get(&id).copied().unwrap_or(Role::Other);
        let x1 = LEFT + call_column[&id] * step;
        let x2 = match return_column.get(&id) {
            Some(&column) => LEFT + column * step + step / 2,
            None => LEFT + end * step + step / 2,
        };
        let y = TOP + clients[&op.client] * ROW;
        let w = x2.saturating_sub(x1).max(8);
        let outcome = match op.outcome {
            Outcome::Ok { .. } => "",
            Outcome::Failed { .. } => " failed",
            Outcome::Unknown => " unknown",
        };
        let label = op.label();
        let details = details(history, id, role);
        svg.push_str(&format!(
            "<g class=\"op {}{outcome}\" data-op=\"{id}\" data-details=\"{}\">\
             <title>{}</title>\
             <rect x=\"{x1}\" y=\"{y}\" width=\"{w}\" height=\"{BAR}\" rx=\"4\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            role.class(),
            attr(&details),
            text(&details),
            x1 + 4,
            y + BAR / 2 + 4,
            text(&fit(&label, w.saturating_sub(8))),
        ));
        if let Role::Ordered(place) = role {
            svg.push_str(&format!(
                "<circle class=\"badge\" cx=\"{x1}\" cy=\"{}\" r=\"8\"/>\
                 <text class=\"badge\" x=\"{x1}\" y=\"{}\">{place}</text>",
                y.saturating_sub(2),
                y + 2
            ));
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

/// What hovering an operation says.
fn details(history: &History, id: OpId, role: Role) -> String {
    let op = history.op(id);
    let ended = match op.outcome {
        Outcome::Ok { at, .. } => format!("returned at {at}"),
        Outcome::Failed { at } => format!("failed at {at} (no effect)"),
        Outcome::Unknown => "outcome unknown (the client stopped waiting)".to_owned(),
    };
    let part = match role {
        Role::Ordered(place) => format!("; number {place} of the longest order that works"),
        Role::Culprit => "; cannot follow that order: the one to look at".to_owned(),
        Role::Blocked => "; cannot follow that order either".to_owned(),
        Role::Named => "; part of the broken guarantee".to_owned(),
        Role::Other => String::new(),
    };
    format!(
        "op {id}: client {} {}, called at {}, {ended}{part}",
        op.client,
        op.label(),
        op.call
    )
}

/// `label` cut to fit `width` pixels, with an ellipsis when cut.
fn fit(label: &str, width: usize) -> String {
    let room = (width as f64 / CHAR).floor() as usize;
    if label.chars().count() <= room {
        return label.to_owned();
    }
    if room == 0 {
        return String::new();
    }
    let kept: String = label.chars().take(room - 1).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::history::Operation;

    #[test]
    fn bars_follow_the_order_of_events_and_carry_their_role() {
        let history = History::from_ops([
            Operation::write(0, 1, 0, 10),
            Operation::read(1, None, 20, 30),
        ])
        .unwrap();
        let roles = HashMap::from([(0, Role::Ordered(1)), (1, Role::Culprit)]);
        let svg = render(&history, &[0, 1], &roles);
        roxmltree::Document::parse(&svg).unwrap();
        assert!(svg.contains("class=\"op ordered\" data-op=\"0\""), "{svg}");
        assert!(svg.contains("class=\"op culprit\" data-op=\"1\""), "{svg}");
        // Four events, four columns (wide ones, for so short a history): the read starts
        // after the write's return.
        assert!(svg.contains(&format!("<rect x=\"{}\"", LEFT)), "{svg}");
        assert!(
            svg.contains(&format!("<rect x=\"{}\"", LEFT + 2 * WIDE_STEP)),
            "{svg}"
        );
        assert!(svg.contains("op 1: client 1 r:nil, called at 20, returned at 30; cannot follow"));
        assert!(svg.contains(">c0<") && svg.contains(">c1<"));
    }

    #[test]
    fn an_operation_that_takes_no_time_is_drawn() {
        // It returns at the instant it was called: its return column comes before its
        // call's (returns first at equal times), and it still gets a bar.
        let history = History::from_ops([
            Operation::read(0, None, 5, 5),
            Operation::write(1, 1, 0, 10),
        ])
        .unwrap();
        let svg = render(&history, &[0, 1], &HashMap::new());
        roxmltree::Document::parse(&svg).unwrap();
        assert!(svg.contains("data-op=\"0\""), "{svg}");
    }

    #[test]
    fn labels_are_cut_to_their_bar_and_escaped() {
        assert_eq!(fit("w(1)", 100), "w(1)");
        assert_eq!(fit("cas(1->2):no", 40), "cas(1…");
        assert_eq!(fit("anything", 3), "");
        let history = History::from_ops([Operation::write(0, "<b>", 0, 10)]).unwrap();
        let svg = render(&history, &[0], &HashMap::new());
        roxmltree::Document::parse(&svg).unwrap();
        assert!(!svg.contains("<b>"), "{svg}");
    }
}
