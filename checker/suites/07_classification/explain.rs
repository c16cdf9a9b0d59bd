//! Evidence for a verdict the exercise got wrong, taken from the history itself: which
//! order shows a model holds, which read is stale and through which edges, which value
//! came from thin air. A failure names the rule of the README the evidence shows,
//! rather than one cause guessed per test: the same wrong "not causal" may come from a
//! cycle in one history and from a stale read in the next.
//!
//! The reference verdicts are the test kit's; what is here only explains them, and a
//! test of the suite that disagrees with them (see `histories::expect`) stops as the
//! suite's own mistake.

use std::collections::HashSet;

use testkit::history::{Action, History, Operation, Output, Value};

use crate::model::Model;

/// The label the README's timelines use: `w(1)`, `r()=2` or `r()=nil`.
pub fn label(op: &Operation) -> String {
    match (&op.action, read_value(op)) {
        (Action::Write(v), _) => format!("w({v})"),
        (_, Some(Some(v))) => format!("r()={v}"),
        _ => "r()=nil".to_owned(),
    }
}

/// `op 3 (client 10: r()=2)`.
fn name(history: &History, id: usize) -> String {
    let op = &history.ops()[id];
    format!("op {id} (client {}: {})", op.client, label(op))
}

/// What a read returned (`Some(None)`: nil), or `None` for a write.
fn read_value(op: &Operation) -> Option<Option<i64>> {
    match (&op.action, op.output()) {
        (Action::Read, Some(Output::Value(v))) => Some(v.as_ref().map(|v| match v {
            Value::Int(i) => *i,
            Value::Str(_) => panic!("a string value is outside the task: {op}"),
        })),
        _ => None,
    }
}

/// What a write wrote, or `None` for a read.
fn written(op: &Operation) -> Option<i64> {
    match &op.action {
        Action::Write(Value::Int(v)) => Some(*v),
        _ => None,
    }
}

/// The write of `value`, if any (written values are unique).
fn writer(history: &History, value: i64) -> Option<usize> {
    history.ops().iter().position(|o| written(o) == Some(value))
}

/// The reads that returned a value no operation wrote.
pub fn thin_air(history: &History) -> Vec<usize> {
    (0..history.len())
        .filter(|&id| {
            matches!(read_value(&history.ops()[id]), Some(Some(v)) if writer(history, v).is_none())
        })
        .collect()
}

/// `a` comes before `b` in real time: it returned at or before the tick `b` was called.
fn real_time(history: &History, a: usize, b: usize) -> bool {
    let ops = history.ops();
    a != b && ops[a].ret().is_some_and(|ret| ret <= ops[b].call)
}

/// `a` comes before `b` in their client's order.
fn client_order(history: &History, a: usize, b: usize) -> bool {
    let ops = history.ops();
    ops[a].client == ops[b].client && ops[a].call < ops[b].call
}

/// Happens-before: the transitive closure of client order and reads-from.
fn happens_before(history: &History) -> Vec<Vec<bool>> {
    let n = history.len();
    let mut hb = vec![vec![false; n]; n];
    for b in 0..n {
        for (a, row) in hb.iter_mut().enumerate() {
            row[b] = client_order(history, a, b);
        }
        if let Some(Some(v)) = read_value(&history.ops()[b])
            && let Some(a) = writer(history, v)
        {
            hb[a][b] = true;
        }
    }
    for k in 0..n {
        let through = hb[k].clone();
        for row in hb.iter_mut().filter(|row| row[k]) {
            for (cell, &via) in row.iter_mut().zip(&through) {
                *cell |= via;
            }
        }
    }
    hb
}

/// An order of all operations that keeps `before` and is a legal run of a register
/// starting empty, if there is one: a depth-first search that remembers the placed sets
/// and states already found to lead nowhere.
fn legal_order(history: &History, before: impl Fn(usize, usize) -> bool) -> Option<Vec<usize>> {
    fn extend(
        history: &History,
        before: &dyn Fn(usize, usize) -> bool,
        order: &mut Vec<usize>,
        state: Option<i64>,
        dead: &mut HashSet<(u64, Option<i64>)>,
    ) -> bool {
        let n = history.len();
        if order.len() == n {
            return true;
        }
        let placed: u64 = order.iter().map(|&i| 1u64 << i).sum();
        if dead.contains(&(placed, state)) {
            return false;
        }
        for next in 0..n {
            let ready = placed & (1 << next) == 0
                && (0..n).all(|p| placed & (1 << p) != 0 || p == next || !before(p, next));
            if !ready {
                continue;
            }
            let op = &history.ops()[next];
            let after = match (written(op), read_value(op)) {
                (Some(v), _) => Some(v),
                (None, Some(got)) if got == state => state,
                _ => continue,
            };
            order.push(next);
            if extend(history, before, order, after, dead) {
                return true;
            }
            order.pop();
        }
        dead.insert((placed, state));
        false
    }
    assert!(history.len() <= 64, "the suite's histories are small");
    let mut order = Vec::new();
    let mut dead = HashSet::new();
    extend(history, &before, &mut order, None, &mut dead).then_some(order)
}

/// Why `history` does (`holds`) or does not satisfy `model`, the exercise having said
/// the opposite: one paragraph of evidence, naming the README's clause it rests on.
pub fn why(history: &History, model: Model, holds: bool) -> String {
    let said = if holds {
        "this said it does not"
    } else {
        "this said it does"
    };
    let claim = if holds {
        "satisfies"
    } else {
        "does not satisfy"
    };
    let head = format!(
        "it {claim} {} ({}), but {said}.",
        model.name(),
        clause(history, model, holds)
    );
    let body = match (model, holds) {
        (Model::Linearizable, true) => {
            witness(history, "keeps real time", |a, b| real_time(history, a, b))
        }
        (Model::Sequential, true) => witness(history, "keeps each client's order", |a, b| {
            client_order(history, a, b)
        }),
        (Model::Causal | Model::ReadYourWrites, true) => no_stale_read(history, model),
        (Model::Eventual, true) => every_value_written(history),
        (Model::Eventual, false) => thin_air(history)
            .into_iter()
            .map(|id| {
                format!(
                    "{} returns a value no operation wrote: no replica could ever hold it",
                    name(history, id)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, false) => match model
            .reference(history)
            .as_ref()
            .and_then(|v| v.violation())
        {
            Some(violation) => violation.explain(history),
            None => String::new(),
        },
    };
    format!("{head} {body}")
}

/// The README clause the evidence for `model` rests on: for causal and read-your-writes
/// broken, the thin-air read, the cycle or the stale read the history holds.
fn clause(history: &History, model: Model, holds: bool) -> &'static str {
    let broken_by = |stale: &'static str| {
        if !thin_air(history).is_empty() {
            "histories.10: a value from thin air"
        } else if happens_before(history)
            .iter()
            .enumerate()
            .any(|(i, row)| row[i])
        {
            "histories.11: a cycle in happens-before"
        } else {
            stale
        }
    };
    match (model, holds) {
        (Model::Linearizable, _) => "histories.4",
        (Model::Sequential, _) => "histories.5",
        (Model::Causal, true) => "histories.6 to histories.8",
        (Model::ReadYourWrites, true) => "histories.6, histories.7 and histories.9",
        (Model::Causal, false) => broken_by("histories.8: a stale read"),
        (Model::ReadYourWrites, false) => broken_by("histories.9: a stale read"),
        (Model::Eventual, _) => "histories.12",
    }
}

/// A legal order that keeps `what`, listed.
fn witness(history: &History, what: &str, before: impl Fn(usize, usize) -> bool) -> String {
    match legal_order(history, before) {
        Some(order) => {
            let steps: Vec<String> = order
                .iter()
                .map(|&id| format!("op {id} {}", label(&history.ops()[id])))
                .collect();
            format!(
                "This order {what} and is a legal run of a register that starts empty: {}.",
                steps.join(", ")
            )
        }
        None => "The reference checker finds an order that fits.".to_owned(),
    }
}

/// For each read, the writes it must not miss under `model`, and why what it returned
/// is not stale against them.
fn no_stale_read(history: &History, model: Model) -> String {
    let hb = happens_before(history);
    let mut lines = Vec::new();
    for (read, op) in history.ops().iter().enumerate() {
        let Some(got) = read_value(op) else {
            continue;
        };
        let must: Vec<usize> = (0..history.len())
            .filter(|&w| written(&history.ops()[w]).is_some())
            .filter(|&w| match model {
                Model::ReadYourWrites => client_order(history, w, read),
                _ => hb[w][read],
            })
            .collect();
        let line = if must.is_empty() {
            match model {
                Model::ReadYourWrites => format!(
                    "{}: its client wrote nothing before it",
                    name(history, read)
                ),
                _ => format!("{}: no write happens before it", name(history, read)),
            }
        } else {
            let seen = got.and_then(|v| writer(history, v));
            let names: Vec<String> = must.iter().map(|&w| name(history, w)).collect();
            let source = seen.map_or_else(String::new, |s| name(history, s));
            format!(
                "{} must not miss {}; it returned {source}, which happens before none of them",
                name(history, read),
                names.join(", ")
            )
        };
        lines.push(format!("\n    {line}"));
    }
    format!(
        "No read is stale against a write it must see (writes that happens-before does not \
         order may be seen in either order, whatever real time says):{}",
        lines.concat()
    )
}

/// Every read returns nil or a written value; reads of writes that came later say so.
fn every_value_written(history: &History) -> String {
    let ops = history.ops();
    let later: Vec<String> = (0..ops.len())
        .filter_map(|read| {
            let v = read_value(&ops[read])??;
            let w = writer(history, v)?;
            real_time(history, read, w).then(|| {
                format!(
                    "{} returns what {} wrote after it: a later write is still a written value",
                    name(history, read),
                    name(history, w)
                )
            })
        })
        .collect();
    let mut text = "Every read returns nil or a value some write wrote.".to_owned();
    if !later.is_empty() {
        text.push(' ');
        text.push_str(&later.join("; "));
        text.push('.');
    }
    text
}
