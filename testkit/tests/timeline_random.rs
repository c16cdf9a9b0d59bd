//! Properties of timelines of many seeded random histories: every operation is drawn
//! once, in its client's rows, bars never overlap, and columns follow the times.

use testkit::history::timeline::{Options, render};
use testkit::history::{Action, History, OpId, Operation, Time, Value};
use testkit::rng::Rng;

/// A random well-formed history. Every operation has its own key (`k<id>`), so that
/// every label is unique and can be found in the picture.
fn random_history(rng: &mut Rng) -> History {
    let clients = rng.between(1, 4) as u32;
    let mut ops = Vec::new();
    for client in 0..clients {
        let mut now: Time = rng.between(0, 3);
        for _ in 0..rng.between(0, 6) {
            let call = now + rng.between(0, 3);
            let ret = call + rng.between(0, 5);
            let value = Some(Value::from(rng.between(0, 3) as i64));
            let op = match rng.below(6) {
                0 => Operation::unknown(client, Action::Write(1.into()), call),
                1 => Operation::failed(client, Action::Read, call, ret),
                2 => Operation::cas(client, value, 2, rng.chance(0.5), call, ret),
                3 => Operation::write(client, 3, call, ret),
                _ => Operation::read(client, value, call, ret),
            };
            // After a timeout the client goes on a little after its call.
            now = op.ret().unwrap_or(call + 1);
            ops.push(op);
        }
    }
    // Interleave the clients by call time, so ids do not follow clients. The sort is
    // stable: a client's operations called at the same instant keep their order.
    ops.sort_by_key(|op| op.call);
    let ops = ops
        .into_iter()
        .enumerate()
        .map(|(id, op)| op.on(format!("k{id}")));
    History::from_ops(ops).unwrap()
}

/// Where an operation's bar was found: line, first column, last column.
struct Bar {
    line: usize,
    start: usize,
    end: usize,
}

/// Finds the bar of `id` in `lines`, checking its shape on the way.
fn find_bar(history: &History, lines: &[Vec<char>], id: OpId, fill: char) -> Bar {
    let op = history.op(id);
    let needle: Vec<char> = format!("[{}", op.label()).chars().collect();
    let mut found = Vec::new();
    for (line, chars) in lines.iter().enumerate() {
        for start in 0..chars.len() {
            if chars[start..].starts_with(&needle) {
                found.push((line, start));
            }
        }
    }
    assert_eq!(
        found.len(),
        1,
        "label of op {id} drawn {} times",
        found.len()
    );
    let (line, start) = found[0];
    let margin = format!("c{} ", op.client);
    let name: String = lines[line].iter().take(margin.len()).collect();
    assert_eq!(name, margin, "op {id} in the wrong row");
    let mut end = start + needle.len();
    let fill_from = end;
    while lines[line].get(end) == Some(&fill) {
        end += 1;
    }
    assert!(end > fill_from, "op {id} has no fill");
    let close = if op.ret().is_some() { ']' } else { '>' };
    assert_eq!(lines[line].get(end), Some(&close), "op {id} ends badly");
    Bar { line, start, end }
}

fn check(history: &History, seed: u64, options: &Options, ids: &[OpId], marked: &[OpId]) {
    let text = render(history, options);
    assert!(text.ends_with('\n'), "seed {seed}");
    assert!(text.is_ascii(), "seed {seed}:\n{text}");
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    for line in &lines {
        assert_ne!(
            line.last(),
            Some(&' '),
            "seed {seed}: trailing space\n{text}"
        );
    }
    let bars: Vec<Bar> = ids
        .iter()
        .map(|&id| {
            let fill = if marked.contains(&id) { '=' } else { '-' };
            find_bar(history, &lines, id, fill)
        })
        .collect();
    // Bars in one row do not overlap, and nothing but blanks lies between them.
    for (n, line) in lines.iter().enumerate().filter(|(_, l)| l[0] == 'c') {
        let mut row: Vec<&Bar> = bars.iter().filter(|b| b.line == n).collect();
        row.sort_by_key(|b| b.start);
        for pair in row.windows(2) {
            assert!(pair[0].end < pair[1].start, "seed {seed}: overlap\n{text}");
        }
        let covered = |c: usize| row.iter().any(|b| (b.start..=b.end).contains(&c));
        let margin = line.iter().position(|&c| c == ' ').unwrap();
        for (c, &ch) in line.iter().enumerate().skip(margin) {
            assert!(covered(c) || ch == ' ', "seed {seed}: stray {ch:?}\n{text}");
        }
    }
    // Columns follow the times.
    for (a, &i) in bars.iter().zip(ids) {
        for (b, &j) in bars.iter().zip(ids) {
            let (x, y) = (history.op(i), history.op(j));
            if x.call < y.call {
                assert!(a.start < b.start, "seed {seed}: calls {i} {j}\n{text}");
            }
            let same_client = x.client == y.client && i != j;
            if let Some(r) = x.ret()
                && (r < y.call || (same_client && r == y.call && x.call < y.call))
            {
                assert!(a.end < b.start, "seed {seed}: {i} before {j}\n{text}");
            }
            if let (Some(rx), Some(ry)) = (x.ret(), y.ret())
                && rx < ry
            {
                assert!(a.end < b.end, "seed {seed}: returns {i} {j}\n{text}");
            }
            if x.ret().is_none() && y.ret().is_some() {
                assert!(a.end > b.end, "seed {seed}: open {i} ends early\n{text}");
            }
        }
    }
    let rows = lines.iter().filter(|l| l[0] == 'c').count();
    let mut clients: Vec<_> = ids.iter().map(|&i| history.op(i).client).collect();
    clients.sort_unstable();
    clients.dedup();
    assert!(
        rows >= clients.len(),
        "seed {seed}: a client has no row\n{text}"
    );
}

#[test]
fn random_histories_draw_every_operation_once_in_time_order() {
    for seed in 0..400 {
        let mut rng = Rng::new(seed);
        let history = random_history(&mut rng);
        let all: Vec<OpId> = (0..history.len()).collect();
        check(&history, seed, &Options::new(), &all, &[]);
        check(&history, seed, &Options::new().times(true), &all, &[]);

        let mut some = all.clone();
        rng.shuffle(&mut some);
        some.truncate(rng.index(all.len() + 1));
        let marked: Vec<OpId> = some.iter().copied().filter(|_| rng.chance(0.3)).collect();
        let options = Options::new().only(some.clone()).highlight(marked.clone());
        if some.is_empty() {
            assert_eq!(render(&history, &options), "(no operations)\n");
        } else {
            check(&history, seed, &options, &some, &marked);
        }
    }
}
