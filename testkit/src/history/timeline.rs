//! Text timelines: a [`History`] drawn for a failure message.
//!
//! Each client gets a row; each operation is a bar from its call to its return, labelled
//! with [`Operation::label`]:
//!
//! ```
//! use testkit::history::timeline::{Options, render};
//! use testkit::history::{History, Operation};
//!
//! // Client 0 writes 1 from time 0 to 10; client 1 reads 1 from 5 to 15.
//! let history = History::from_ops([
//!     Operation::write(0, 1, 0, 10),
//!     Operation::read(1, Some(1.into()), 5, 15),
//! ])
//! .unwrap();
//!
//! assert_eq!(
//!     render(&history, &Options::new()),
//!     "c0 [w(1)-]\n\
//!      c1  [r:1--]\n"
//! );
//! assert_eq!(
//!     render(&history, &Options::new().times(true).highlight([1])),
//!     "   0 5   10 15\n\
//!      c0 [w(1)-]\n\
//!      c1   [r:1===]\n\
//!      [==] highlighted: op 1\n"
//! );
//! ```
//!
//! # Layout
//!
//! Time is compressed: only the order of calls and returns matters to a reader, so every
//! distinct call or return becomes a column, left to right in time order, and columns are
//! pushed apart just enough for each label to fit inside its bar. Placing the columns is a
//! longest-path problem over the sorted points (every constraint points forward in time),
//! solved in one pass. Drawing to scale was rejected: in nanoseconds a 1 ms write next to
//! a 1 us read would be either invisible or kilometres wide.
//!
//! At equal times a return is placed before a call, so a client whose next call comes at
//! the very instant its previous operation returned gets two touching bars, `[w(1)-][r:1-]`,
//! and an operation that returns at `t` is drawn wholly left of one called at `t`.
//!
//! An operation of unknown outcome (`?`) has no return: its bar runs to the right edge
//! and ends open, `[cas(1->2)?--->`. A client may go on after such an operation, so its
//! later operations move to an extra row, labelled with the same client. A failed
//! operation (`!`) is drawn like a completed one.
//!
//! The output is plain ASCII without trailing spaces, except for `…` where
//! [`Options::max_width`] cuts rows. Characters in keys or values that are not printable
//! ASCII are shown escaped (`\n`, `\u{e9}`) so they cannot break the columns.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::{ClientId, History, OpId, Operation, Time};

/// How to draw a timeline: a small builder, `Options::new().highlight([3]).times(true)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    highlight: BTreeSet<OpId>,
    only: Option<BTreeSet<OpId>>,
    max_width: Option<usize>,
    times: bool,
}

impl Options {
    /// Draw every operation, nothing highlighted, no width limit, no time ruler.
    pub fn new() -> Self {
        Self::default()
    }

    /// Draws these operations with `=` instead of `-` and adds a legend line naming them.
    pub fn highlight(mut self, ops: impl IntoIterator<Item = OpId>) -> Self {
        self.highlight.extend(ops);
        self
    }

    /// Draws only these operations (for example the few that show a violation), with rows
    /// only for their clients. Ids outside the history are ignored.
    pub fn only(mut self, ops: impl IntoIterator<Item = OpId>) -> Self {
        self.only.get_or_insert_with(BTreeSet::new).extend(ops);
        self
    }

    /// Cuts lines longer than `columns` characters, ending them with `…`, and says so in a
    /// first line. Widths below 1 count as 1.
    pub fn max_width(mut self, columns: usize) -> Self {
        self.max_width = Some(columns.max(1));
        self
    }

    /// Adds a first line showing the raw time of each column, in the history's unit.
    /// Columns are spread further so that the times do not collide.
    pub fn times(mut self, show: bool) -> Self {
        self.times = show;
        self
    }
}

/// A history and drawing options that print as a timeline; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Timeline<'a> {
    history: &'a History,
    options: Options,
}

impl<'a> Timeline<'a> {
    /// A timeline of `history` drawn with `options`.
    pub fn new(history: &'a History, options: Options) -> Self {
        Timeline { history, options }
    }
}

impl fmt::Display for Timeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self.history, &self.options))
    }
}

/// Draws `history` as text, one line per row, each line ending in `\n`.
///
/// An empty selection draws as the single line `(no operations)`.
pub fn render(history: &History, options: &Options) -> String {
    let ops: Vec<OpId> = (0..history.len())
        .filter(|id| options.only.as_ref().is_none_or(|only| only.contains(id)))
        .collect();
    if ops.is_empty() {
        return "(no operations)\n".to_owned();
    }
    let layout = Layout::new(history, &ops, options.times);
    let mut lines = Vec::new();
    let margin = ops
        .iter()
        .map(|&id| client_name(history.op(id).client).len() + 1)
        .max()
        .unwrap_or(0);
    if options.times {
        lines.push(layout.ruler(margin));
    }
    for (client, lane) in layout.lanes(history, &ops) {
        let mut row = vec![' '; layout.edge + 1];
        for (id, start, end) in lane {
            let fill = if options.highlight.contains(&id) {
                '='
            } else {
                '-'
            };
            let close = if history.op(id).ret().is_some() {
                ']'
            } else {
                '>'
            };
            row[start] = '[';
            row[start + 1..end].fill(fill);
            for (cell, c) in row[start + 1..].iter_mut().zip(layout.labels[&id].chars()) {
                *cell = c;
            }
            row[end] = close;
        }
        let name = client_name(client);
        let text: String = row.into_iter().collect();
        lines.push(format!("{name:<margin$}{}", text.trim_end()));
    }
    let shown: Vec<String> = ops
        .iter()
        .filter(|id| options.highlight.contains(id))
        .map(|id| id.to_string())
        .collect();
    if !shown.is_empty() {
        let noun = if shown.len() == 1 { "op" } else { "ops" };
        lines.push(format!("[==] highlighted: {noun} {}", shown.join(", ")));
    }
    finish(lines, options.max_width)
}

/// Joins the lines, cutting them to `max_width` characters when one is longer.
fn finish(lines: Vec<String>, max_width: Option<usize>) -> String {
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    match max_width {
        Some(max) if widest > max => {
            out.push_str(&format!("(timeline cut to {max} of {widest} columns)\n"));
            for line in lines {
                if line.chars().count() > max {
                    let kept: String = line.chars().take(max - 1).collect();
                    out.push_str(kept.trim_end());
                    out.push('…');
                } else {
                    out.push_str(&line);
                }
                out.push('\n');
            }
        }
        _ => {
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

fn client_name(client: ClientId) -> String {
    format!("c{client}")
}

/// The label of an operation with anything but printable ASCII escaped, so that one
/// character is one column.
fn printable(op: &Operation) -> String {
    let mut s = String::new();
    for c in op.label().chars() {
        if c == ' ' || c.is_ascii_graphic() {
            s.push(c);
        } else {
            s.extend(c.escape_default());
        }
    }
    s
}

/// Where a call or return sits among all the points drawn: by time, then returns of
/// operations called earlier, then operations that return at the instant of their call
/// (in id order, each call just before its return), then calls.
type Point = (Time, u8, usize);

/// A bar: the operation, its first column and its last column.
type Bar = (OpId, usize, usize);

/// One row of bars, all of one client.
type Row = (ClientId, Vec<Bar>);

/// Columns computed for a selection of operations.
struct Layout {
    /// Sorted distinct points.
    points: Vec<Point>,
    /// The column of each point.
    cols: Vec<usize>,
    /// The column where bars of unknown outcome end (and the widest row's last column).
    edge: usize,
    /// Each drawn operation's printable label.
    labels: BTreeMap<OpId, String>,
    /// Each drawn operation's call point and, if it returned, return point.
    ends: BTreeMap<OpId, (Point, Option<Point>)>,
}

impl Layout {
    fn new(history: &History, ops: &[OpId], times: bool) -> Self {
        let mut instants: BTreeMap<Time, usize> = BTreeMap::new();
        let mut ends = BTreeMap::new();
        let mut labels = BTreeMap::new();
        for &id in ops {
            let op = history.op(id);
            let end = match op.ret() {
                Some(ret) if ret == op.call => {
                    let rank = instants.entry(ret).or_default();
                    *rank += 1;
                    ((op.call, 1, 2 * *rank), Some((ret, 1, 2 * *rank + 1)))
                }
                Some(ret) => ((op.call, 2, 0), Some((ret, 0, 0))),
                None => ((op.call, 2, 0), None),
            };
            ends.insert(id, end);
            labels.insert(id, printable(op));
        }
        let points: Vec<Point> = ends
            .values()
            .flat_map(|&(call, ret)| std::iter::once(call).chain(ret))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index = |p: &Point| points.binary_search(p).expect("every point is listed");

        // Minimum gaps `(from, gap)` that a point's column must keep from earlier points.
        let mut incoming: Vec<Vec<(usize, usize)>> = vec![Vec::new(); points.len()];
        for (id, &(call, ret)) in &ends {
            if let Some(ret) = ret {
                incoming[index(&ret)].push((index(&call), labels[id].len() + 2));
            }
        }
        if times {
            // The first point of each time carries the time on the ruler.
            let mut previous: Option<usize> = None;
            for i in 0..points.len() {
                if i == 0 || points[i].0 != points[i - 1].0 {
                    if let Some(p) = previous {
                        incoming[i].push((p, points[p].0.to_string().len() + 1));
                    }
                    previous = Some(i);
                }
            }
        }
        // Longest path: every constraint points forward, so one pass in order settles it.
        let mut cols: Vec<usize> = Vec::with_capacity(points.len());
        for (i, constraints) in incoming.iter().enumerate() {
            let after_previous = if i == 0 { 0 } else { cols[i - 1] + 1 };
            let col = constraints
                .iter()
                .map(|&(from, gap)| cols[from] + gap)
                .fold(after_previous, usize::max);
            cols.push(col);
        }
        let last = cols.last().copied().unwrap_or(0);
        let edge = ends
            .iter()
            .filter(|(_, (_, ret))| ret.is_none())
            .map(|(id, (call, _))| (cols[index(call)] + labels[id].len() + 2).max(last + 1))
            .fold(last, usize::max);
        Layout {
            points,
            cols,
            edge,
            labels,
            ends,
        }
    }

    fn col(&self, p: &Point) -> usize {
        self.cols[self.points.binary_search(p).expect("every point is listed")]
    }

    /// The bars `(op, start column, end column)` of each row, by client and then in the
    /// order rows are drawn. A bar goes to the first row of its client where it does not
    /// overlap; only operations after an unknown outcome need a second row.
    fn lanes(&self, history: &History, ops: &[OpId]) -> Vec<Row> {
        let mut bars: Vec<(ClientId, usize, OpId, usize)> = ops
            .iter()
            .map(|&id| {
                let (call, ret) = self.ends[&id];
                let end = ret.map_or(self.edge, |r| self.col(&r));
                (history.op(id).client, self.col(&call), id, end)
            })
            .collect();
        bars.sort_unstable();
        let mut rows: Vec<Row> = Vec::new();
        let mut first_of_client = 0;
        for (client, start, id, end) in bars {
            if rows.last().is_none_or(|(c, _)| *c != client) {
                first_of_client = rows.len();
            }
            let free = rows[first_of_client..]
                .iter()
                .position(|(_, lane)| lane.last().is_none_or(|&(_, _, e)| e < start));
            match free {
                Some(i) => rows[first_of_client + i].1.push((id, start, end)),
                None => rows.push((client, vec![(id, start, end)])),
            }
        }
        rows
    }

    /// The time of each distinct time's first column, after a blank margin.
    fn ruler(&self, margin: usize) -> String {
        let mut line = " ".repeat(margin);
        for (i, p) in self.points.iter().enumerate() {
            if i > 0 && self.points[i - 1].0 == p.0 {
                continue;
            }
            let at = margin + self.cols[i];
            let pad = at.saturating_sub(line.len());
            line.push_str(&" ".repeat(pad));
            line.push_str(&p.0.to_string());
        }
        line
    }
}
