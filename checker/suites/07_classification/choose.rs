//! Choosing a level: the chapter's use cases, then every combination of requirements.
//!
//! The types come from the course's given crate, never through the exercise's
//! re-exports, so the compiler holds `choose` to them; an answer is read by an exhaustive
//! `match` into a name, never by a comparison the exercise could have written.

use classification::choose;
use classification_given::{Exactness, Latency, Level, Order, Requirements};

/// A use case, the level the framework gives it, and why the others are wrong.
struct Case {
    name: &'static str,
    req: Requirements,
    want: Level,
    why: &'static str,
}

/// What a level is called in the chapter; an exhaustive match, so a level added to the
/// course's type cannot slip through unread.
fn level(l: Level) -> &'static str {
    match l {
        Level::Linearizable => "linearizable",
        Level::Sequential => "sequential",
        Level::Causal => "causal",
        Level::ReadYourWrites => "read-your-writes",
        Level::Eventual => "eventual",
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

fn cases() -> Vec<Case> {
    use Exactness::*;
    use Latency::*;
    use Order::*;
    vec![
        Case {
            name: "a bank transfer",
            req: req(Exact, SameForEveryone, true, Tolerant),
            want: Level::Linearizable,
            why: "two withdrawals that both read the old balance overdraw the account; only a level where every read sees every finished write prevents it",
        },
        Case {
            name: "a bank transfer from a mobile app that must feel instant",
            req: req(Exact, SameForEveryone, true, Sensitive),
            want: Level::Linearizable,
            why: "latency never buys back exactness: a fast answer computed from a stale balance still loses money",
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
            why: "two buyers who both read 'one left' sell the same item twice; the stock count must be exact when it decides a sale",
        },
        Case {
            name: "a configuration service read by every server, latency-critical",
            req: req(MayLag, SameForEveryone, false, Sensitive),
            want: Level::Sequential,
            why: "every server must apply the changes in one order, but each can read its local replica of that order; linearizable would send every read to the leader",
        },
        Case {
            name: "an auction's bid log, where a round trip is fine",
            req: req(MayLag, SameForEveryone, false, Tolerant),
            want: Level::Linearizable,
            why: "one order for everyone needs coordination on every write anyway; when waiting is acceptable, take the real-time guarantee too",
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

pub fn the_chapter_cases_get_their_level() {
    for case in cases() {
        let got: Level = choose(&case.req);
        let (got, want) = (level(got), level(case.want));
        if got != want {
            suite_harness::fail(format!(
                "use case: {} ({:?})\nthe framework chooses {want}; this chose {got}.\nwhy: {}",
                case.name, case.req, case.why
            ));
        }
    }
}

/// The framework of the README, written independently of the solution.
fn framework(r: &Requirements) -> (Level, &'static str) {
    if matches!(r.exactness, Exactness::Exact) {
        return (
            Level::Linearizable,
            "rule 1: exact data needs linearizability, whatever the latency",
        );
    }
    match (r.order, r.latency) {
        (Order::SameForEveryone, Latency::Tolerant) => (
            Level::Linearizable,
            "rule 2: one order for everyone, and waiting is acceptable: linearizable",
        ),
        (Order::SameForEveryone, Latency::Sensitive) => (
            Level::Sequential,
            "rule 2: one order for everyone, read locally for speed: sequential",
        ),
        (Order::CauseBeforeEffect, _) => (
            Level::Causal,
            "rule 3: causes before effects: causal (which already gives read-your-writes)",
        ),
        (Order::Irrelevant, _) if r.own_writes => (
            Level::ReadYourWrites,
            "rule 4: only the writer's own view must be current: read-your-writes",
        ),
        (Order::Irrelevant, _) => (
            Level::Eventual,
            "rule 5: nothing more is needed: eventual, the cheapest and most available",
        ),
    }
}

pub fn every_combination_follows_the_framework() {
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
                    let (got, want) = (level(got), level(want));
                    if got != want {
                        suite_harness::fail(format!(
                            "requirements {r:?}\nthe framework chooses {want} ({rule}); this chose {got}."
                        ));
                    }
                }
            }
        }
    }
}
