//! The history drawn as SVG: a row per client, each operation a bar from its call to its
//! return, coloured by the part it plays in the violation, under a time axis.
//!
//! Positions follow the order of events, not their times: every call and return gets the
//! next column, so that a burst of overlapping operations is as legible as a quiet
//! stretch, and a long pause takes no room. (Times to scale were rejected: in simulated
//! runs most operations last microseconds beside millisecond pauses, and would shrink to
//! slivers.) At equal times returns come before calls, as the checkers order them, and an
//! operation that returns at the instant of its call gets a column for each. Columns are
//! pushed apart just enough for every label to fit inside its bar (up to [`MAX_LABEL`]
//! characters; a longer one is cut, and hovering shows it whole).
//!
//! The drawing comes in two parts, the client names and the rows ([`Drawing`]), so that a
//! page can keep the names in view while the rows scroll sideways; a figure joins them.

use std::collections::{BTreeMap, HashMap};

use testkit::history::{History, OpId, Outcome, TimeUnit};

use super::axis::{self, Mark};
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

/// Pixels: the column of client names; the room left of the first column for its time
/// on the axis; the least and most room between columns (more for short histories, which
/// would otherwise be drawn small, up to about `WIDTH` in all).
pub const LEFT: usize = 56;
const PAD: usize = 36;
const STEP: usize = 26;
const WIDE_STEP: usize = 72;
const WIDTH: usize = 900;
/// A client's row, the bar in it, and where the first row starts (below the axis, if
/// any).
const ROW: usize = 46;
const BAR: usize = 24;
const TOP: usize = 12;
const TOP_WITH_AXIS: usize = 36;
/// The width of a character of the 11 px monospace labels, and the padding in a bar.
const CHAR: f64 = 6.7;
const INSIDE: usize = 10;
/// The longest label drawn whole, in characters.
pub const MAX_LABEL: usize = 28;

/// A history drawn in two parts: the client names, and the rows under the time axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawing {
    names: String,
    rows: String,
    width: usize,
    height: usize,
}

impl Drawing {
    /// For a page: the names in an SVG of their own beside a pane that scrolls the rows
    /// sideways, so that the names stay in view.
    pub fn html(&self) -> String {
        let (width, height) = (self.width, self.height);
        format!(
            "<div class=\"drawing\"><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"names\" \
             width=\"{LEFT}\" height=\"{height}\" viewBox=\"0 0 {LEFT} {height}\" \
             aria-hidden=\"true\">\n{}</svg><div class=\"pane\"><svg \
             xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" \
             height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
             aria-label=\"the history, a row per client\">\n{}</svg></div></div>",
            self.names, self.rows
        )
    }

    /// For a figure: one SVG, the names left of the rows, `style` first inside.
    pub fn svg(&self, style: &str) -> String {
        let (width, height) = (LEFT + self.width, self.height);
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" \
             height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
             aria-label=\"the history, a row per client\">\n{style}{}<g \
             transform=\"translate({LEFT},0)\">\n{}</g>\n</svg>\n",
            self.names, self.rows
        )
    }
}

/// Draws `ops` of `history` with `roles`, their times (on hover) in `unit`, under a time
/// axis when `axis` (none for figures, whose times are only an order).
pub fn draw(
    history: &History,
    ops: &[OpId],
    roles: &HashMap<OpId, Role>,
    unit: TimeUnit,
    axis: bool,
) -> Drawing {
    let axis = axis.then_some(unit);
    // The operation to look at gets room for both its times on the axis.
    let culprit = roles
        .iter()
        .find(|(_, r)| **r == Role::Culprit)
        .map(|(&id, _)| id);
    let columns = Columns::new(history, ops, culprit.zip(axis), axis.is_some());
    let clients: BTreeMap<u32, usize> = {
        let mut ids: Vec<u32> = ops.iter().map(|&i| history.op(i).client).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .enumerate()
            .map(|(row, c)| (c, row))
            .collect()
    };
    let top = if axis.is_some() { TOP_WITH_AXIS } else { TOP };
    let width = columns.end + 20;
    let height = top + clients.len() * ROW + 4;
    let row_y = |client: u32| top + clients[&client] * ROW;

    let mut names = String::new();
    if let Some(unit) = axis {
        names.push_str(&format!(
            "<text class=\"unit\" x=\"8\" y=\"{}\">{}</text>\n",
            axis::TEXT_Y,
            unit.axis()
        ));
    }
    let mut rows = String::new();
    if let Some(unit) = axis {
        let first: Vec<usize> = culprit
            .map(|id| columns.marks_of(history, id))
            .unwrap_or_default();
        rows.push_str(&axis::render(&columns.marks, unit, &first, 0, width));
    }
    for &client in clients.keys() {
        let y = row_y(client) + BAR / 2;
        names.push_str(&format!(
            "<text class=\"client\" x=\"8\" y=\"{}\">c{client}</text>\n",
            y + 4
        ));
        rows.push_str(&format!(
            "<line class=\"lane\" x1=\"0\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>\n",
            width - 10
        ));
    }
    for &id in ops {
        let op = history.op(id);
        let role = roles.get(&id).copied().unwrap_or(Role::Other);
        let (x1, x2) = columns.bar(id);
        let y = row_y(op.client);
        let outcome = match op.outcome {
            Outcome::Ok { .. } => "",
            Outcome::Failed { .. } => " failed",
            Outcome::Unknown => " unknown",
        };
        let details = details(history, id, role, unit);
        rows.push_str(&format!(
            "<g class=\"op {}{outcome}\" data-op=\"{id}\" data-details=\"{}\">\
             <title>{}</title>\
             <rect x=\"{x1}\" y=\"{y}\" width=\"{}\" height=\"{BAR}\" rx=\"4\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            role.class(),
            attr(&details),
            text(&details),
            x2 - x1,
            x1 + INSIDE / 2,
            y + BAR / 2 + 4,
            text(&fit(&op.label(), x2 - x1 - INSIDE)),
        ));
        if let Role::Ordered(place) = role {
            rows.push_str(&format!(
                "<circle class=\"badge\" cx=\"{x1}\" cy=\"{}\" r=\"8\"/>\
                 <text class=\"badge\" x=\"{x1}\" y=\"{}\">{place}</text>",
                y.saturating_sub(2),
                y + 2
            ));
        }
        rows.push_str("</g>\n");
    }
    Drawing {
        names,
        rows,
        width,
        height,
    }
}

/// Where each call and return sits, left to right.
struct Columns {
    /// Each distinct time's first column: the axis's marks.
    marks: Vec<Mark>,
    /// The x of each operation's call and, if it returned, its return.
    ends: HashMap<OpId, (usize, Option<usize>)>,
    /// Where bars of unknown outcome end: right of everything else.
    end: usize,
    /// How far a bar reaches past its return's column: half a step.
    half: usize,
}

impl Columns {
    /// The columns of `ops`; `wide`, an operation whose call and return times are both
    /// to be written on an axis in that unit, gets room for them.
    fn new(history: &History, ops: &[OpId], wide: Option<(OpId, TimeUnit)>, axis: bool) -> Self {
        // (time, rank, op, is the return): returns of earlier calls first, then
        // operations that take no time (call, then return), then calls.
        let mut events: Vec<(u64, u8, OpId, bool)> = Vec::new();
        for &id in ops {
            let op = history.op(id);
            match op.ret() {
                Some(ret) if ret == op.call => {
                    events.push((op.call, 1, id, false));
                    events.push((ret, 1, id, true));
                }
                Some(ret) => {
                    events.push((op.call, 2, id, false));
                    events.push((ret, 0, id, true));
                }
                None => events.push((op.call, 2, id, false)),
            }
        }
        events.sort_unstable();
        let step = (WIDTH / (events.len() + 1)).clamp(STEP, WIDE_STEP);
        let room = |id: OpId| {
            let op = history.op(id);
            let chars = op.label().chars().count().min(MAX_LABEL);
            let label = (chars as f64 * CHAR).ceil() as usize + INSIDE;
            match (wide, op.ret()) {
                (Some((w, unit)), Some(ret)) if w == id && ret != op.call => {
                    label.max(axis::apart(unit, op.call, ret) + step / 2)
                }
                _ => label,
            }
        };
        // Longest path: a return column is at least its bar's label right of its call.
        let mut ends: HashMap<OpId, (usize, Option<usize>)> = HashMap::new();
        let mut marks: Vec<Mark> = Vec::new();
        // Room for the first time written on the axis; without one, for a badge.
        let mut x = if axis { PAD } else { 10 };
        for (i, &(at, _, id, is_return)) in events.iter().enumerate() {
            if i > 0 {
                x += step;
            }
            if is_return {
                let call = ends[&id].0;
                x = x.max((call + room(id)).saturating_sub(step / 2));
                ends.entry(id).or_default().1 = Some(x);
            } else {
                ends.insert(id, (x, None));
            }
            if marks.last().is_none_or(|m| m.at != at) {
                marks.push(Mark { x, at });
            }
        }
        let last = x + step;
        let end = ends
            .iter()
            .filter(|(_, (_, ret))| ret.is_none())
            .map(|(&id, &(call, _))| call + room(id))
            .fold(last, usize::max);
        Columns {
            marks,
            ends,
            end,
            half: step / 2,
        }
    }

    /// The left and right edge of `id`'s bar: from its call to half a step past its
    /// return, or to the end when its outcome is unknown.
    fn bar(&self, id: OpId) -> (usize, usize) {
        let (call, ret) = self.ends[&id];
        let right = ret.map_or(self.end, |r| (r + self.half).max(call + INSIDE));
        (call, right)
    }

    /// The marks at `id`'s call and return.
    fn marks_of(&self, history: &History, id: OpId) -> Vec<usize> {
        let op = history.op(id);
        [Some(op.call), op.ret()]
            .into_iter()
            .flatten()
            .filter_map(|at| self.marks.iter().position(|m| m.at == at))
            .collect()
    }
}

/// What hovering an operation says, its times in `unit`.
fn details(history: &History, id: OpId, role: Role, unit: TimeUnit) -> String {
    let part = match role {
        Role::Ordered(place) => format!("; number {place} of the longest order that works"),
        Role::Culprit => "; cannot follow that order: the one to look at".to_owned(),
        Role::Blocked => "; cannot follow that order either".to_owned(),
        Role::Named => "; part of the broken guarantee".to_owned(),
        Role::Other => String::new(),
    };
    format!("{}{part}", unit.describe(id, history.op(id)))
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
mod tests;
