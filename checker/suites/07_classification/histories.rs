//! Classifying histories: the chapter's examples, then generated histories compared with
//! the test kit's checkers.
//!
//! Every history is made here as a test kit history, which the reference checkers and
//! the timelines read, and handed to the exercise converted into the course's own small
//! history type; the exercise cannot reach the test kit at all. Its answer, a
//! `classification_given::Models`, is read field by field.

use classification::satisfies;
use classification_given as given;
use classification_given::Models;
use testkit::check::ConsistencyCheck;
use testkit::check::causal::{Causal, Guarantee, Session};
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::history::timeline::{Options, render};
use testkit::history::{Action, History, Operation, Output, Value};
use testkit::model::ModelKind;
use testkit::rng::Rng;

fn w(client: u32, v: i64, call: u64, ret: u64) -> Operation {
    Operation::write(client, v, call, ret)
}

fn r(client: u32, v: Option<i64>, call: u64, ret: u64) -> Operation {
    Operation::read(client, v.map(Value::Int), call, ret)
}

fn models(lin: bool, seq: bool, causal: bool, ryw: bool, eventual: bool) -> Models {
    Models {
        linearizable: lin,
        sequential: seq,
        causal,
        read_your_writes: ryw,
        eventual,
    }
}

/// The five verdicts of `m`, each with the model's name. The destructuring names every
/// field, so a verdict added to the course's type cannot go unread.
fn verdicts(m: &Models) -> [(&'static str, bool); 5] {
    let Models {
        linearizable,
        sequential,
        causal,
        read_your_writes,
        eventual,
    } = *m;
    [
        ("linearizable", linearizable),
        ("sequential", sequential),
        ("causal", causal),
        ("read-your-writes", read_your_writes),
        ("eventual", eventual),
    ]
}

/// Whether `got` and `want` agree on every model, read field by field.
fn agree(got: &Models, want: &Models) -> bool {
    verdicts(got)
        .into_iter()
        .zip(verdicts(want))
        .all(|((_, g), (_, w))| g == w)
}

/// `history` as the task's input: the course's small history of one register. The suite
/// only makes histories within the task's scope, so anything else is the suite's own
/// mistake and stops the test.
fn for_the_task(history: &History) -> given::History {
    let ops = history.ops().iter().map(|op| {
        let ret = op
            .ret()
            .unwrap_or_else(|| panic!("an open operation is outside the task: {op}"));
        let int = |v: &Value| match v {
            Value::Int(i) => *i,
            Value::Str(_) => panic!("a string value is outside the task: {op}"),
        };
        match (&op.action, op.output()) {
            (Action::Write(v), Some(Output::Done)) => {
                given::Operation::write(op.client, int(v), op.call, ret)
            }
            (Action::Read, Some(Output::Value(v))) => {
                given::Operation::read(op.client, v.as_ref().map(int), op.call, ret)
            }
            _ => panic!("only completed reads and writes are in the task: {op}"),
        }
    });
    given::History::from_ops(ops)
        .unwrap_or_else(|e| panic!("the suite made a history outside the task: {e}"))
}

/// Each model on which `got` and `want` disagree, explained.
fn differences(history: &History, got: &Models, want: &Models) -> Vec<String> {
    verdicts(got)
        .into_iter()
        .zip(verdicts(want))
        .filter(|((_, g), (_, w))| g != w)
        .map(|((name, _), (_, w))| {
            let detail = if w {
                format!("it satisfies {name}, but this said it does not")
            } else {
                format!(
                    "it does not satisfy {name}, but this said it does.{}",
                    reference_violation(name, history)
                )
            };
            format!("- {detail}")
        })
        .collect()
}

/// The reference checker's evidence that `history` breaks `name`.
fn reference_violation(name: &str, history: &History) -> String {
    let verdict = match name {
        "linearizable" => Linearizable::new(ModelKind::Register).check(history),
        "sequential" => Sequential::new(ModelKind::Register).check(history),
        "causal" => Causal.check(history),
        "read-your-writes" => Session(Guarantee::ReadYourWrites).check(history),
        _ => {
            return " A read returned a value that no operation wrote: no replica could ever hold it."
                .to_owned();
        }
    };
    match verdict {
        Ok(v) => v
            .violation()
            .map_or_else(String::new, |v| format!("\n{}", v.explain(history))),
        Err(e) => format!("({e})"),
    }
}

pub fn the_chapter_examples_are_classified() {
    let examples = [
        (
            "a read that starts after a write finished returns the new value: every model holds",
            vec![w(0, 1, 0, 10), r(1, Some(1), 20, 30)],
            models(true, true, true, true, true),
        ),
        (
            "a stale read: B reads nil after A's write of 1 finished. Not linearizable (real time), but sequential: B's read may be ordered before the write",
            vec![w(0, 1, 0, 10), r(1, None, 20, 30)],
            models(false, true, true, true, true),
        ),
        (
            "A writes 1 and then reads nil: A misses its own write, which breaks read-your-writes and everything above it, though not eventual",
            vec![w(0, 1, 0, 10), r(0, None, 20, 30)],
            models(false, false, false, false, true),
        ),
        (
            "a reply seen before its post: A posts 1, B reads it and replies 2, C reads the reply 2 and then the older 1. Causality broken; C wrote nothing, so read-your-writes holds",
            vec![
                w(0, 1, 0, 10),
                r(1, Some(1), 20, 30),
                w(1, 2, 40, 50),
                r(2, Some(2), 60, 70),
                r(2, Some(1), 80, 90),
            ],
            models(false, false, false, true, true),
        ),
        (
            "concurrent writes seen in different orders: C sees 1 then 2, D sees 2 then 1. Causal (the writes are concurrent) but no single order explains both clients",
            vec![
                w(0, 1, 0, 10),
                w(1, 2, 1, 11),
                r(2, Some(1), 20, 30),
                r(2, Some(2), 40, 50),
                r(3, Some(2), 21, 31),
                r(3, Some(1), 41, 51),
            ],
            models(false, false, true, true, true),
        ),
        (
            "a value from thin air: B reads 7, which nobody wrote. Even eventual consistency only returns written values",
            vec![w(0, 1, 0, 10), r(1, Some(7), 20, 30)],
            models(false, false, false, false, false),
        ),
    ];
    for (what, ops, want) in examples {
        let history = History::from_ops(ops).unwrap();
        let got: Models = satisfies(&for_the_task(&history));
        if !agree(&got, &want) {
            suite_harness::fail(format!(
                "{what}\n{}\nexpected {want:?}\ngot      {got:?}\n{}",
                render(&history, &Options::new()),
                differences(&history, &got, &want).join("\n")
            ));
        }
    }
}

/// A random register history: 2 or 3 clients, 3 to 8 operations, each client's
/// operations one after another, all times distinct, written values unique. Reads mostly
/// return a value written by a write called before they return, sometimes nil, a future
/// write or a value nobody wrote.
fn generate(rng: &mut Rng) -> History {
    let clients = rng.between(2, 3) as u32;
    let total = rng.between(3, 8);
    let mut clock = vec![0u64; clients as usize];
    let mut next_value = 1;
    let mut ops = Vec::new();
    // First lay out the operations, then choose what each read returned.
    for _ in 0..total {
        let c = rng.below(u64::from(clients)) as u32;
        let start = clock[c as usize] + rng.between(0, 4);
        let end = start + rng.between(1, 6);
        clock[c as usize] = end + 1;
        // Times times 10 plus the client: distinct across clients, ordered within one.
        let (call, ret) = (start * 10 + u64::from(c), end * 10 + u64::from(c));
        let action = if rng.chance(0.45) {
            next_value += 1;
            Action::Write(Value::Int(next_value - 1))
        } else {
            Action::Read
        };
        ops.push((c, action, call, ret));
    }
    let writes: Vec<(i64, u64)> = ops
        .iter()
        .filter_map(|(_, a, call, _)| match a {
            Action::Write(Value::Int(v)) => Some((*v, *call)),
            _ => None,
        })
        .collect();
    let history = ops.into_iter().map(|(c, action, call, ret)| {
        if action != Action::Read {
            return Operation::completed(c, action, call, ret, Output::Done);
        }
        let callable: Vec<i64> = writes
            .iter()
            .filter(|(_, wcall)| *wcall < ret)
            .map(|(v, _)| *v)
            .collect();
        let roll = rng.below(100);
        let value = if roll < 4 {
            Some(Value::Int(99))
        } else if roll < 12 && !writes.is_empty() {
            Some(Value::Int(writes[rng.index(writes.len())].0))
        } else if roll < 25 || callable.is_empty() {
            None
        } else {
            Some(Value::Int(callable[rng.index(callable.len())]))
        };
        Operation::read(c, value, call, ret)
    });
    History::from_ops(history.collect::<Vec<_>>()).unwrap()
}

/// What the test kit's checkers say about `history`, and no thin-air reads for eventual.
fn reference(history: &History) -> Models {
    let holds = |check: &dyn ConsistencyCheck| check.check(history).unwrap().holds();
    let written: Vec<&Value> = history
        .ops()
        .iter()
        .filter_map(|o| o.action.written())
        .collect();
    let eventual = history.ops().iter().all(|o| match o.output() {
        Some(Output::Value(Some(v))) => written.contains(&v),
        _ => true,
    });
    Models {
        linearizable: holds(&Linearizable::new(ModelKind::Register)),
        sequential: holds(&Sequential::new(ModelKind::Register)),
        causal: holds(&Causal),
        read_your_writes: holds(&Session(Guarantee::ReadYourWrites)),
        eventual,
    }
}

pub fn generated_histories_agree_with_the_checkers() {
    let base = suite_harness::seed();
    for seed in base..base + 100 {
        let mut rng = Rng::new(seed);
        for round in 0..10 {
            let history = generate(&mut rng);
            let want = reference(&history);
            let got: Models = satisfies(&for_the_task(&history));
            if !agree(&got, &want) {
                suite_harness::fail(format!(
                    "a generated history (seed {seed}, history {round} of that seed):\n{}\n\
                     expected {want:?}\ngot      {got:?}\n{}",
                    render(&history, &Options::new()),
                    differences(&history, &got, &want).join("\n")
                ));
            }
        }
    }
}
