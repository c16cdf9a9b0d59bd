//! Classifying histories: what every test of the task shares. A history is made here as
//! a test kit history, which the reference checkers and the timelines read, and handed
//! to the exercise converted into the course's own small history type; the exercise
//! cannot reach the test kit at all. Its answer, a `classification_given::Models`, is
//! read field by field, and every call of `satisfies` is caught, so that a panic on one
//! history is reported with that history.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use classification::satisfies;
use classification_given as given;
use classification_given::Models;
use testkit::history::timeline::{Options, render};
use testkit::history::{Action, History, Operation, Output, TimeUnit, Value};
use testkit::model::ModelKind;
use testkit::report::CheckReport;

use crate::explain;
pub use crate::model::Model;

/// A write of `v` by `client`, called at `call` and returned at `ret`.
pub fn w(client: u32, v: i64, call: u64, ret: u64) -> Operation {
    Operation::write(client, v, call, ret)
}

/// A read by `client` that returned `v` (`None`: nil), called at `call`, returned at
/// `ret`.
pub fn r(client: u32, v: Option<i64>, call: u64, ret: u64) -> Operation {
    Operation::read(client, v.map(Value::Int), call, ret)
}

/// The five verdicts, in the order of the course's type.
pub fn models(lin: bool, seq: bool, causal: bool, ryw: bool, eventual: bool) -> Models {
    Models {
        linearizable: lin,
        sequential: seq,
        causal,
        read_your_writes: ryw,
        eventual,
    }
}

/// The five verdicts of `m`, each with its model. The destructuring names every field,
/// so a verdict added to the course's type cannot go unread.
pub fn verdicts(m: &Models) -> [(Model, bool); 5] {
    let Models {
        linearizable,
        sequential,
        causal,
        read_your_writes,
        eventual,
    } = *m;
    [
        (Model::Linearizable, linearizable),
        (Model::Sequential, sequential),
        (Model::Causal, causal),
        (Model::ReadYourWrites, read_your_writes),
        (Model::Eventual, eventual),
    ]
}

/// The models on which `got` and `want` disagree, with the verdict wanted.
pub fn disagreements(got: &Models, want: &Models) -> Vec<(Model, bool)> {
    verdicts(got)
        .into_iter()
        .zip(verdicts(want))
        .filter(|((_, g), (_, w))| g != w)
        .map(|(_, (model, w))| (model, w))
        .collect()
}

/// `Models { .. }` spelt out by the suite, never through the course type's `Debug`.
pub fn show(m: &Models) -> String {
    let fields: Vec<String> = verdicts(m)
        .iter()
        .map(|(model, holds)| format!("{}: {holds}", model.name()))
        .collect();
    fields.join(", ")
}

/// What the test kit's checkers say about `history`, and no thin-air read for eventual.
pub fn reference(history: &History) -> Models {
    let holds = |model: Model| model.reference(history).is_some_and(|v| v.holds());
    Models {
        linearizable: holds(Model::Linearizable),
        sequential: holds(Model::Sequential),
        causal: holds(Model::Causal),
        read_your_writes: holds(Model::ReadYourWrites),
        eventual: explain::thin_air(history).is_empty(),
    }
}

/// `history` as the task's input: the course's small history of one register. The suite
/// only makes histories within the task's scope, so anything else is the suite's own
/// mistake and stops the test.
pub fn for_the_task(history: &History) -> given::History {
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

thread_local! {
    /// Where the last panic on this thread happened, as the panic hook saw it.
    static PANICKED_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Puts a hook in front of the current one (the harness's, which still runs) that notes
/// where each panic happened: a caught panic's payload carries its message but not its
/// place, and the place in the exercise's code is what a student needs.
fn note_panic_places() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let place = info.location().map(ToString::to_string);
            PANICKED_AT.with(|at| *at.borrow_mut() = place);
            previous(info);
        }));
    });
}

/// What `satisfies` answered on `history`, or its panic: the message and where.
pub fn answer(history: &History) -> Result<Models, String> {
    note_panic_places();
    let input = for_the_task(history);
    catch_unwind(AssertUnwindSafe(|| satisfies(&input))).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        match PANICKED_AT.with(|at| at.borrow_mut().take()) {
            Some(place) => format!("{message} (at {place})"),
            None => message,
        }
    })
}

/// The history drawn as a timeline, then listed operation by operation with its times,
/// as the task's input lists it (`history.ops()` order).
pub fn picture(history: &History) -> String {
    let listing: Vec<String> = history
        .ops()
        .iter()
        .enumerate()
        .map(|(id, op)| {
            let ret = op.ret().map_or_else(|| "?".to_owned(), |t| t.to_string());
            format!(
                "  op {id}: client {} {} from {} to {ret}",
                op.client,
                explain::label(op),
                op.call
            )
        })
        .collect();
    format!(
        "{}{}",
        render(history, &Options::new()),
        if listing.is_empty() {
            String::new()
        } else {
            format!("{}\n", listing.join("\n"))
        }
    )
}

/// What a test shows when `satisfies` answered `got` on `history` instead of `want`,
/// or panicked: the history, both answers, and for each model they disagree on the
/// evidence. Attaches the reference's check report of the first disagreement, which
/// `checker check` draws as a page.
pub fn failure(
    title: &str,
    history: &History,
    got: &Result<Models, String>,
    want: &Models,
) -> String {
    let got = match got {
        Ok(got) => got,
        Err(panic) => {
            return format!(
                "{title}\n{}\nsatisfies panicked on this history: {panic}\n\
                 what it should answer: {}",
                picture(history),
                show(want)
            );
        }
    };
    let wrong = disagreements(got, want);
    if let Some(&(model, _)) = wrong.first()
        && let Some(verdict) = model.reference(history)
    {
        let report = CheckReport::new(
            title,
            model.name(),
            history,
            Some(ModelKind::Register),
            &verdict,
        )
        // The times are the plain numbers the history was written with, not nanoseconds.
        // And the whole history, not its smallest story: the student classified all of it.
        .times_in(TimeUnit::Ticks);
        suite_harness::attach("check-report", &report.to_json());
    }
    let evidence: Vec<String> = wrong
        .iter()
        .map(|&(model, holds)| format!("- {}", explain::why(history, model, holds)))
        .collect();
    format!(
        "{title}\n{}\nexpected {}\ngot      {}\n{}",
        picture(history),
        show(want),
        show(got),
        evidence.join("\n")
    )
}

/// Fails unless `satisfies` answers `want` on the history of `ops`, and unless the
/// reference checkers agree with `want` (a mistake of the suite, not of the exercise).
pub fn expect(what: &str, ops: Vec<Operation>, want: Models) {
    let history = History::from_ops(ops)
        .unwrap_or_else(|e| panic!("the suite made a malformed history ({what}): {e}"));
    let reference = reference(&history);
    assert!(
        disagreements(&reference, &want).is_empty(),
        "the suite's expectation for \"{what}\" ({}) is not what the reference checkers say ({})",
        show(&want),
        show(&reference)
    );
    let got = answer(&history);
    if got
        .as_ref()
        .is_ok_and(|got| disagreements(got, &want).is_empty())
    {
        return;
    }
    suite_harness::fail(failure(what, &history, &got, &want));
}
