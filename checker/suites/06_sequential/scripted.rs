//! Hand-built runs of task `sequential`, each aimed at one rule: networks whose every
//! message takes the same time, so that the order of events is the script's and not the
//! seed's, with the link cut, the copy made or the clients crowded exactly where the
//! rule is tested. The monitor checks every rule after every event; a test's own rule is
//! the one its script puts under pressure.

use std::time::Duration;

use sequential_given::Request;
use testkit::sim::{Config, World};

use crate::drive::Monitored;
use crate::explain::{ms, shown};
use crate::world::{fixed, replicas};

/// The delay of every message in these runs.
const DELAY: Duration = Duration::from_millis(5);

/// Plays `script` on a monitored world of `nodes` replicas on `config`; fails the test
/// with `scenario`, what went wrong and the run's last events.
fn play(
    scenario: &str,
    config: Config,
    nodes: usize,
    script: impl FnOnce(&mut Monitored) -> Result<(), String>,
) {
    let mut run = Monitored::new(config, nodes);
    if let Err(why) = script(&mut run) {
        suite_harness::fail(format!("{scenario}\n\n{}", run.story(&why)));
    }
}

/// A new replica holds an empty register, on its own and in a world that has started.
pub fn a_new_replica_is_empty() {
    let replica = crate::world::replica(0);
    let (value, applied) = (replica.value(), replica.applied());
    if value.is_some() || applied != 0 {
        suite_harness::fail(format!(
            "Replica::new() reports value() = {} and applied() = {applied}: a new replica \
             holds an empty register, never written (nil, not 0), with no write applied \
             (README rule sequential.1)",
            shown(value)
        ));
    }
    let world = World::new(fixed(DELAY), replicas(4));
    for node in 0..4 {
        let replica = world.node(node);
        if replica.value().is_some() || replica.applied() != 0 {
            suite_harness::fail(format!(
                "In a world of 4 replicas that has just started, n{node} reports value() = \
                 {} and applied() = {}: before any write, every replica's register is \
                 empty (README rule sequential.1)",
                shown(replica.value()),
                replica.applied()
            ));
        }
    }
}

/// Reads are answered at once from the local copy: at a replica that lags, at one that
/// holds a write back, at the writer's replica and at the sequencer.
pub fn a_read_is_answered_at_once_from_the_local_copy() {
    play(
        "3 replicas, every message takes 5 ms. The link from the sequencer n0 to n2 is cut \
         while c0 writes 1 at n1, then healed; c0 writes 2 at n1, so n2 receives write \
         number 1 but never number 0, and must hold it back. Then c1 reads at n2 (twice), \
         c2 at n1, c3 at n0.",
        fixed(DELAY),
        3,
        |run| {
            run.world.block(0, 2);
            run.call_and_wait(0, 1, Request::Write(1))?;
            run.world.heal();
            run.call_and_wait(0, 1, Request::Write(2))?;
            run.call_and_wait(1, 2, Request::Read)?;
            run.call_and_wait(2, 1, Request::Read)?;
            run.call_and_wait(3, 0, Request::Read)?;
            run.call_and_wait(1, 2, Request::Read)?;
            run.finish(None)
        },
    );
}

/// Writes that arrive ahead of their turn are held back, however many: a replica that
/// never received write 0 applies none of the three writes after it.
pub fn an_early_write_waits_for_its_turn() {
    play(
        "4 replicas, every message takes 5 ms. The link from the sequencer n0 to n3 is cut \
         while c0 writes 1 at n1, then healed. Then c1 writes 2 at n1, c2 writes 3 at n2 \
         and c0 writes 4 at n0, all at one instant: n3 receives writes 1, 2 and 3 but never \
         write 0. Then c3 reads at n3.",
        fixed(DELAY),
        4,
        |run| {
            run.world.block(0, 3);
            run.call_and_wait(0, 1, Request::Write(1))?;
            run.world.heal();
            run.call(1, 1, Request::Write(2))?;
            run.call(2, 2, Request::Write(3))?;
            run.call(0, 0, Request::Write(4))?;
            for client in 0..3 {
                run.await_call(client)?;
            }
            run.call_and_wait(3, 3, Request::Read)?;
            run.finish(None)
        },
    );
}

/// A `Submit` delivered twice is numbered once: here every message arrives twice.
pub fn a_copy_of_a_submit_is_numbered_once() {
    play(
        "3 replicas, every message takes 5 ms and arrives twice. c1 writes 1 at n1 and c2 \
         writes 2 at n2 at one instant, then c1 writes 3 at n1.",
        fixed(DELAY).duplicate(1.0),
        3,
        |run| {
            run.call(1, 1, Request::Write(1))?;
            run.call(2, 2, Request::Write(2))?;
            run.await_call(1)?;
            run.await_call(2)?;
            run.call_and_wait(1, 1, Request::Write(3))?;
            run.finish(Some(DELAY))
        },
    );
}

/// Writes of one value are distinct writes: each is numbered, applied and answered.
pub fn two_writes_of_one_value_are_two_writes() {
    play(
        "3 replicas, every message takes 5 ms. c0 at n0, c1 at n1 and c2 at n2 each write 7 \
         at one instant; then c1 writes 7 at n1 again, and c3 writes 7 at n1.",
        fixed(DELAY),
        3,
        |run| {
            for client in 0..3 {
                run.call(client, client as usize, Request::Write(7))?;
            }
            for client in 0..3 {
                run.await_call(client)?;
            }
            run.call_and_wait(1, 1, Request::Write(7))?;
            run.call_and_wait(3, 1, Request::Write(7))?;
            run.finish(Some(DELAY))
        },
    );
}

/// Several clients wait at one replica at once; each is answered for its own write,
/// once that write is applied there.
pub fn clients_sharing_a_replica_each_get_their_own_answer() {
    play(
        "3 replicas, every message takes 5 ms. Seven clients write at one instant, client \
         c at replica c mod 3 (so three wait at n0, two at n1, two at n2), each its own \
         value 10 + c; then each reads at its replica.",
        fixed(DELAY),
        3,
        |run| {
            for client in 0..7u32 {
                let node = client as usize % 3;
                run.call(client, node, Request::Write(10 + i64::from(client)))?;
            }
            for client in 0..7 {
                run.await_call(client)?;
            }
            for client in 0..7u32 {
                run.call(client, client as usize % 3, Request::Read)?;
            }
            run.finish(Some(DELAY))
        },
    );
}

/// Writes return within four network delays whatever the world's tick: none, slow or
/// fast, and on fixed or random delays.
pub fn writes_return_whatever_the_tick() {
    let worlds = [
        (None, fixed(DELAY)),
        (Some(Duration::from_millis(1000)), fixed(DELAY)),
        (Some(Duration::from_millis(3)), fixed(DELAY)),
        (
            None,
            crate::world::config(suite_harness::seed()).duplicate(0.0),
        ),
    ];
    for (tick, config) in worlds {
        let longest = config.max_delay;
        let delays = if config.min_delay == longest {
            format!("every message takes {}", ms(longest))
        } else {
            format!(
                "messages take {} to {} (seed {})",
                ms(config.min_delay),
                ms(longest),
                config.seed
            )
        };
        let scenario = format!(
            "3 replicas, {delays}, the world's tick is {}. c1 writes 1 at n1 and c2 writes 2 \
             at n2 at one instant; then c1 reads at n2, c0 writes 3 at n0 and c2 writes 4 at \
             n2.",
            tick.map_or_else(|| "off".to_owned(), |t| format!("every {}", ms(t)))
        );
        play(&scenario, config.tick(tick), 3, |run| {
            run.call(1, 1, Request::Write(1))?;
            run.call(2, 2, Request::Write(2))?;
            run.await_call(1)?;
            run.await_call(2)?;
            run.call_and_wait(1, 2, Request::Read)?;
            run.call(0, 0, Request::Write(3))?;
            run.call(2, 2, Request::Write(4))?;
            run.finish(Some(longest))
        });
    }
}

/// Worlds of 1 to 7 replicas, even and odd, and one of 12 whose node ids have two
/// digits and whose replicas number many writes.
pub fn clusters_of_every_size() {
    let delay = Duration::from_millis(2);
    for nodes in 1..=7usize {
        let scenario = format!(
            "{nodes} replica(s), every message takes 2 ms. Clients c and c + {nodes} talk to \
             replica c; all of them write at one instant (c writes 100 + c), then each reads \
             at its replica."
        );
        play(&scenario, fixed(delay), nodes, |run| {
            let clients = 2 * nodes as u32;
            for client in 0..clients {
                let node = client as usize % nodes;
                run.call(client, node, Request::Write(100 + i64::from(client)))?;
            }
            for client in 0..clients {
                run.await_call(client)?;
            }
            for client in 0..clients {
                run.call(client, client as usize % nodes, Request::Read)?;
            }
            run.finish(Some(delay))
        });
    }
    play(
        "12 replicas, n0 to n11, every message takes 2 ms. c11 writes 1, 2, 3 at n11, one \
         after another; then c1 writes 11, 12, ..., 23 at n1, one after another; then c5 \
         reads at n5.",
        fixed(delay),
        12,
        |run| {
            for value in 1..=3 {
                run.call_and_wait(11, 11, Request::Write(value))?;
            }
            for value in 11..=23 {
                run.call_and_wait(1, 1, Request::Write(value))?;
            }
            run.call_and_wait(5, 5, Request::Read)?;
            run.finish(Some(delay))
        },
    );
}
