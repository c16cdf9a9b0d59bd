use std::time::Duration;

use super::*;
use crate::sim::{Config, Context, ReplyTo};

/// A fixed delay, no tick: the world's own order never reorders anything, so every
/// reordering below is the explorer's.
fn config() -> Config {
    let ms = Duration::from_millis(1);
    Config::new(7).delay(ms, ms).tick(None)
}

/// Node 0, asked, sends node 1 "add one" then "double": in that order node 1 holds 2,
/// the other way round 1.
#[derive(Default)]
struct Steps(i64);

#[derive(Clone, Debug)]
enum Op {
    AddOne,
    Double,
}

impl Node for Steps {
    type Msg = Op;
    type Request = ();
    type Response = ();

    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, op: Op) {
        match op {
            Op::AddOne => self.0 += 1,
            Op::Double => self.0 *= 2,
        }
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, _: ()) {
        ctx.send(1, Op::AddOne);
        ctx.send(1, Op::Double);
        ctx.reply(reply, ());
    }
}

fn steps_world() -> World<Steps> {
    World::new(config(), vec![Steps::default(), Steps::default()])
}

fn node_one_holds_two(world: &World<Steps>) -> Result<(), String> {
    match world.node(1).0 {
        2 => Ok(()),
        v => Err(format!("n1 holds {v}")),
    }
}

#[test]
fn a_reordering_no_random_run_makes_is_found_with_one_deviation() {
    let script = Script::new().client(vec![(0, ())]);
    // The world's own order never shows it, on any seed.
    for seed in 0..50 {
        let mut world = World::new(
            Config { seed, ..config() },
            vec![Steps::default(), Steps::default()],
        );
        world.call(0, 0, ());
        world.run_until_quiet();
        assert_eq!(node_one_holds_two(&world), Ok(()));
    }
    let found = explore(
        &Bounds::default(),
        &steps_world,
        &script,
        node_one_holds_two,
    );
    assert!(!found.complete, "it stopped at the violation");
    let counter = found.violation.expect("double before add one");
    assert_eq!(counter.why, "n1 holds 1");
    assert_eq!(counter.deviations().len(), 1, "{:?}", counter.choices);
    // Replayed, the choices make the same run.
    let again = replay(&steps_world, &script, &counter.choices);
    assert_eq!(again.node(1).0, 1);
    assert_eq!(again.fingerprint(), counter.world.fingerprint());
}

#[test]
fn without_deviations_only_the_worlds_own_order_is_run() {
    let script = Script::new().client(vec![(0, ())]);
    let bounds = Bounds {
        deviations: 0,
        drops: 0,
        ..Bounds::default()
    };
    let found = explore(&bounds, &steps_world, &script, node_one_holds_two);
    assert!(found.complete && found.violation.is_none());
    assert_eq!(found.runs, 1);
}

/// Node 0 pings node 1 and gives up if no pong came when its timer fires; node 1 answers
/// every ping. Whether it gives up depends on a timer against a delivery.
#[derive(Default)]
struct Pinger {
    gave_up: bool,
    ponged: bool,
}

impl Node for Pinger {
    type Msg = bool;
    type Request = ();
    type Response = ();

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, ping: bool) {
        if ping {
            ctx.send(from, false);
        } else {
            self.ponged = true;
        }
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, _: ()) {
        ctx.send(1, true);
        ctx.set_timer("give-up", Duration::from_millis(5));
        ctx.reply(reply, ());
    }

    fn on_timer(&mut self, _: &mut Context<'_, Self>, _: &'static str) {
        self.gave_up |= !self.ponged;
    }
}

fn pinger_world() -> World<Pinger> {
    World::new(config(), vec![Pinger::default(), Pinger::default()])
}

fn never_gives_up(world: &World<Pinger>) -> Result<(), String> {
    if world.node(0).gave_up {
        Err("n0 gave up before the pong".into())
    } else {
        Ok(())
    }
}

#[test]
fn timers_fire_against_deliveries_and_drops_are_budgeted() {
    let script = Script::new().client(vec![(0, ())]);
    // A timer taken before the pong's delivery: one deviation, no drop.
    let found = explore(&Bounds::default(), &pinger_world, &script, never_gives_up);
    let counter = found.violation.expect("the timer fires first");
    assert!(
        counter
            .choices
            .iter()
            .all(|c| !matches!(c, Choice::Drop(_))),
        "{:?}",
        counter.choices
    );
    // Looking only at the earliest event, only a lost message makes n0 give up.
    let narrow = Bounds {
        window: 1,
        ..Bounds::default()
    };
    let found = explore(&narrow, &pinger_world, &script, never_gives_up);
    let counter = found.violation.expect("the ping or the pong is lost");
    assert!(
        counter.choices.iter().any(|c| matches!(c, Choice::Drop(_))),
        "{:?}",
        counter.choices
    );
    let no_drops = Bounds { drops: 0, ..narrow };
    let found = explore(&no_drops, &pinger_world, &script, never_gives_up);
    assert!(found.complete && found.violation.is_none());
}

/// Node 0, asked, tells every other node; each counts what it heard. Deliveries to
/// different nodes commute: many orders, few states.
#[derive(Default)]
struct Fan(u32);

impl Node for Fan {
    type Msg = ();
    type Request = ();
    type Response = ();

    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {
        self.0 += 1;
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, _: ()) {
        ctx.broadcast(());
        ctx.reply(reply, ());
    }
}

fn fan_world() -> World<Fan> {
    World::new(config(), (0..5).map(|_| Fan::default()).collect())
}

#[test]
fn states_reached_twice_are_explored_once_and_runs_are_the_same_every_time() {
    let script = Script::new().client(vec![(0, ()), (0, ())]);
    let ok = |_: &World<Fan>| Ok(());
    let first = explore(&Bounds::default(), &fan_world, &script, ok);
    assert!(first.complete && first.violation.is_none());
    assert!(
        first.pruned > 0,
        "commuting deliveries meet again: {first:?}"
    );
    let second = explore(&Bounds::default(), &fan_world, &script, ok);
    assert_eq!((second.runs, second.pruned), (first.runs, first.pruned));
    // The limit of runs makes an exploration incomplete, and says so.
    let limited = Bounds {
        runs: 3,
        ..Bounds::default()
    };
    let cut = explore(&limited, &fan_world, &script, ok);
    assert!(!cut.complete);
    assert!(cut.runs + cut.pruned <= 3);
}

#[test]
fn a_choice_after_the_last_option_moves_to_the_next_kind() {
    let options = Options {
        events: 3,
        droppable: vec![false, true, true],
    };
    assert_eq!(successor(Choice::Take(0), &options), Some(Choice::Take(1)));
    assert_eq!(successor(Choice::Take(2), &options), Some(Choice::Drop(1)));
    assert_eq!(successor(Choice::Drop(1), &options), Some(Choice::Drop(2)));
    assert_eq!(successor(Choice::Drop(2), &options), None);
    assert_eq!(Choice::Take(0).to_string(), "next");
    assert_eq!(Choice::Drop(2).to_string(), "drop #2");
}

/// Counts its ticks; a run that ends with the last answer sees none.
#[derive(Default)]
struct Ticker(u32);

impl Node for Ticker {
    type Msg = ();
    type Request = ();
    type Response = ();

    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {}

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, _: ()) {
        ctx.reply(reply, ());
    }

    fn on_tick(&mut self, _: &mut Context<'_, Self>) {
        self.0 += 1;
    }
}

#[test]
fn a_run_can_be_made_to_last_for_what_nodes_do_on_their_own() {
    let ms = Duration::from_millis;
    let make = || World::new(config().tick(Some(ms(10))), vec![Ticker::default()]);
    let ticked = |world: &World<Ticker>| match world.node(0).0 {
        0 => Err("no tick".to_owned()),
        _ => Ok(()),
    };
    let script = Script::new().client(vec![(0, ())]);
    let found = explore(&Bounds::default(), &make, &script, ticked);
    assert!(found.violation.is_some(), "the run ended with the answer");
    let longer = script.run_until(ms(35));
    let found = explore(&Bounds::default(), &make, &longer, ticked);
    assert!(found.violation.is_none(), "{found:?}");
    // Every run lasts past the third tick.
    let three = |world: &World<Ticker>| match world.node(0).0 {
        0..=2 => Err(format!("{} ticks", world.node(0).0)),
        _ => Ok(()),
    };
    assert!(
        explore(&Bounds::default(), &make, &longer, three)
            .violation
            .is_none()
    );
}
