//! Choosing a level: the chapter's use cases, then every one of the 24 combinations of
//! requirements, so that no rule of the framework goes unread and no mistake in `choose`
//! depends on luck.
//!
//! The types come from the course's given crate, never through the exercise's
//! re-exports, so the compiler holds `choose` to them; an answer is read by an exhaustive
//! `match` into a rank and a name, never by a comparison the exercise could have written.

use classification::choose;
use classification_given::{Exactness, Latency, Level, Order, Requirements};

/// A use case, the level the framework gives it, and why the others are wrong.
struct Case {
    name: &'static str,
    req: Requirements,
    want: Level,
    why: &'static str,
}

/// A level's rank, strongest first, and its name in the chapter; an exhaustive match,
/// so a level added to the course's type cannot slip through unread.
fn level(l: Level) -> (u8, &'static str) {
    match l {
        Level::Linearizable => (0, "linearizable"),
        Level::Sequential => (1, "sequential"),
        Level::Causal => (2, "causal"),
        Level::ReadYourWrites => (3, "read-your-writes"),
        Level::Eventual => (4, "eventual"),
    }
}

fn req(exactness: Exactness, order: Order, own_writes: bool, latency: Latency) -> Requirements {
    Requirements {
        exactness,
        order,
        own_writes,
        latency,
    }
}

/// The requirements in words, read field by field.
fn describe(r: &Requirements) -> String {
    format!(
        "exactness {}, order {}, own writes {}, latency {}",
        match r.exactness {
            Exactness::Exact => "Exact",
            Exactness::MayLag => "MayLag",
        },
        match r.order {
            Order::Irrelevant => "Irrelevant",
            Order::CauseBeforeEffect => "CauseBeforeEffect",
            Order::SameForEveryone => "SameForEveryone",
        },
        if r.own_writes {
            "must be seen"
        } else {
            "need not be seen"
        },
        match r.latency {
            Latency::Tolerant => "Tolerant",
            Latency::Sensitive => "Sensitive",
        },
    )
}

fn cases() -> Vec<Case> {
    use Exactness::*;
    use Latency::*;
    use Order::*;
    vec![
        Case {
            name: "a bank transfer",
            req: req(Exact, SameForEveryone, true, Tolerant),
            want: Level::Linearizable,
            why: "two withdrawals that both read the old balance overdraw the account under any level, linearizable included; what protects the balance is one atomic check-and-debit (a compare-and-swap from the balance read, or a transaction), and that step is safe only on linearizable data, where no replica answers it from a stale balance",
        },
        Case {
            name: "a bank transfer from a mobile app that must feel instant",
            req: req(Exact, SameForEveryone, true, Sensitive),
            want: Level::Linearizable,
            why: "latency never buys back exactness: a compare-and-swap answered fast by a replica with a stale balance still loses money",
        },
        Case {
            name: "social media likes",
            req: req(MayLag, Irrelevant, false, Sensitive),
            want: Level::Eventual,
            why: "a like count that is a few likes behind for a second harms nobody, and increments commute; anything stronger costs latency and availability for nothing",
        },
        Case {
            name: "a profile update",
            req: req(MayLag, Irrelevant, true, Sensitive),
            want: Level::ReadYourWrites,
            why: "others may see the new bio a little later, but the user who saved it must see it on the next page load or they will save it again; eventual allows that stale page, causal pays for ordering nobody needs",
        },
        Case {
            name: "chat messages",
            req: req(MayLag, CauseBeforeEffect, true, Sensitive),
            want: Level::Causal,
            why: "a reply must never appear before the message it answers; read-your-writes only protects the writer's own view, and causal already includes it",
        },
        Case {
            name: "product inventory (the last item in stock)",
            req: req(Exact, Irrelevant, false, Tolerant),
            want: Level::Linearizable,
            why: "two buyers who both read 'one left' sell the item twice under any level; the sale must be one atomic step that decrements the count only if it still holds what the buyer read (a compare-and-swap or a transaction), on linearizable data so that no replica decides it from a stale count",
        },
        Case {
            name: "a configuration service read by every server, latency-critical",
            req: req(MayLag, SameForEveryone, false, Sensitive),
            want: Level::Sequential,
            why: "every server must apply the changes in one order, which sequential consistency gives, and each can read its local replica of that order; linearizable would send every read to the leader",
        },
        Case {
            name: "an auction's bid log, where a round trip is fine",
            req: req(MayLag, SameForEveryone, false, Tolerant),
            want: Level::Sequential,
            why: "everyone must see the bids in one order, which sequential consistency gives; the log may lag, so no requirement asks for real time, and being able to wait is no reason to pay for it",
        },
        Case {
            name: "comments and their replies under a post",
            req: req(MayLag, CauseBeforeEffect, false, Tolerant),
            want: Level::Causal,
            why: "a reply seen without its comment makes no sense; one global order is more than this needs",
        },
        Case {
            name: "a page view counter",
            req: req(MayLag, Irrelevant, false, Tolerant),
            want: Level::Eventual,
            why: "even when latency does not matter, paying for coordination that no requirement asks for is a mistake: choose the weakest level that serves",
        },
        Case {
            name: "a shopping cart",
            req: req(MayLag, Irrelevant, true, Tolerant),
            want: Level::ReadYourWrites,
            why: "the shopper must see the item they just added; other users never look at this cart",
        },
    ]
}

/// The framework of the README, written independently of the solution: the level and
/// the clause that gives it.
fn framework(r: &Requirements) -> (Level, &'static str) {
    if matches!(r.exactness, Exactness::Exact) {
        return (
            Level::Linearizable,
            "choose.1: exact data needs linearizable, whatever the latency",
        );
    }
    // choose.3: latency plays no part from here on, so it is not even read.
    match r.order {
        Order::SameForEveryone => (
            Level::Sequential,
            "choose.2 and choose.3: one order for everyone, whatever the latency: sequential",
        ),
        Order::CauseBeforeEffect => (
            Level::Causal,
            "choose.4: causes before effects: causal, which already gives read-your-writes",
        ),
        Order::Irrelevant if r.own_writes => (
            Level::ReadYourWrites,
            "choose.5: only the writer's own view must be current: read-your-writes",
        ),
        Order::Irrelevant => (
            Level::Eventual,
            "choose.6: nothing more is needed: eventual, the cheapest and most available",
        ),
    }
}

/// What goes wrong in a use case with requirements `r` that gets `got` instead of the
/// framework's `want`: the first requirement a weaker level leaves unmet, or the price
/// of a stronger one.
fn consequence(r: &Requirements, got: Level, want: Level) -> String {
    let ((got_rank, got_name), (want_rank, _)) = (level(got), level(want));
    if got_rank < want_rank {
        return format!(
            "{got_name} is stronger than needed: it coordinates more (a round trip to a leader \
             or a quorum, refusals during partitions) for a guarantee no requirement asks for"
        );
    }
    let unmet = if matches!(r.exactness, Exactness::Exact) {
        "a read, or the compare-and-swap that should guard the decision, may act on a replica \
         that missed a write that finished before it began, and a decision taken on that \
         stale value cannot be undone"
    } else if matches!(r.order, Order::SameForEveryone) {
        "users may see the updates in different orders"
    } else if matches!(r.order, Order::CauseBeforeEffect) {
        "an effect may be seen before its cause (a reply before its post)"
    } else {
        "a user may not see the write they just made"
    };
    format!("{got_name} is too weak here: {unmet}")
}

pub fn the_chapter_cases_get_their_level() {
    for case in cases() {
        let got: Level = choose(&case.req);
        if level(got) != level(case.want) {
            let (_, rule) = framework(&case.req);
            suite_harness::fail(format!(
                "use case: {} ({})\nthe framework chooses {} ({rule}); this chose {}.\n{}.\nwhy: {}",
                case.name,
                describe(&case.req),
                level(case.want).1,
                level(got).1,
                consequence(&case.req, got, case.want),
                case.why
            ));
        }
    }
}

pub fn every_combination_follows_the_framework() {
    let mut wrong = Vec::new();
    for exactness in [Exactness::Exact, Exactness::MayLag] {
        for order in [
            Order::Irrelevant,
            Order::CauseBeforeEffect,
            Order::SameForEveryone,
        ] {
            for own_writes in [false, true] {
                for latency in [Latency::Tolerant, Latency::Sensitive] {
                    let r = req(exactness, order, own_writes, latency);
                    let (want, rule) = framework(&r);
                    let got: Level = choose(&r);
                    if level(got) != level(want) {
                        wrong.push(format!(
                            "- {}: the framework chooses {} ({rule}); this chose {}. {}.",
                            describe(&r),
                            level(want).1,
                            level(got).1,
                            consequence(&r, got, want)
                        ));
                    }
                }
            }
        }
    }
    if !wrong.is_empty() {
        suite_harness::fail(format!(
            "{} of the 24 combinations of requirements get another level than the framework's:\n{}",
            wrong.len(),
            wrong.join("\n")
        ));
    }
}
