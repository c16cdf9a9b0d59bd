//! The causally consistent store, scenario by scenario on the simulated network: a reply
//! never before its post, a replica cut off, every cluster size, a write after the one it
//! read, and what `snapshot` says. Each scenario is built so that the mistake it looks for
//! shows on every seed; the seeds only vary the delays around it.

use std::collections::BTreeMap;
use std::time::Duration;

use causal::Replica;
use testkit::sim::World;

use crate::kv::{
    ask, assert_causal, network, on_upstream, put, read, read_all, show_copy, snapshots, world,
};
use crate::observe::snapshot;

/// How many seeds each scenario runs, from the suite's seed on.
const SEEDS: u64 = 10;

/// Alice posts at n0, whose link to n2 is cut; Bob reads the post at n1 and replies
/// there; Carol reads the reply at n2 for a while, and once she sees it, the post. The
/// reply reaches n2 through n1, the post never does: a causal store must keep the reply
/// out of sight at n2.
pub fn a_reply_is_never_seen_before_its_post() {
    on_upstream(|| {
        let base = suite_harness::seed();
        let scenario = "3 replicas, messages delayed 1-30 ms and sometimes duplicated; the \
                        link n0 -> n2 is cut (every other link works). Alice (c0) posts \
                        post=lunch? at n0; Bob (c1) reads post at n1 until he sees it, then \
                        writes reply=yes! at n1; Carol (c2) reads reply at n2 for 500 ms, and \
                        as soon as she sees it, reads post at n2.";
        for seed in base..base + SEEDS {
            let mut w = world(3, network(seed));
            w.block(0, 2);
            ask(&mut w, 0, 0, put("post", "lunch?"), scenario);
            let mut polls = 0;
            while read(&mut w, 1, 1, "post", scenario).as_deref() != Some("lunch?") {
                polls += 1;
                if polls == 200 {
                    suite_harness::replay_from(seed);
                    suite_harness::fail(format!(
                        "{scenario}\nBob never saw the post at n1 (200 reads): the link n0 -> \
                         n1 works, and every write must reach the replicas it can reach \
                         (seed {seed})."
                    ));
                }
            }
            ask(&mut w, 1, 1, put("reply", "yes!"), scenario);
            let until = w.now() + Duration::from_millis(500);
            while w.now() < until {
                if read(&mut w, 2, 2, "reply", scenario).as_deref() == Some("yes!") {
                    let post = read(&mut w, 2, 2, "post", scenario);
                    if post.as_deref() != Some("lunch?") {
                        suite_harness::replay_from(seed);
                        suite_harness::fail(format!(
                            "{scenario}\nCarol saw the reply, so she must see the post it \
                             answers: Bob wrote the reply after reading the post (writes \
                             follow reads). n2 answered post = {post:?} (seed {seed}). A \
                             replica must hold back a write until it has applied everything \
                             its writer's replica had applied; here the post cannot reach \
                             n2, so the reply must stay out of sight there."
                        ));
                    }
                    break;
                }
            }
            assert_causal(&w, scenario, seed, || None);
        }
    });
}

/// A replica serves from its own copy, which only what it accepted and what reached it
/// can fill: cut off from the others, it answers at once, sees its own clients' writes
/// at once and none of theirs, and they none of its.
pub fn a_cut_off_replica_sees_only_its_own_writes() {
    on_upstream(|| {
        let base = suite_harness::seed();
        let scenario = "3 replicas, messages delayed 1-30 ms and sometimes duplicated; n2 is \
                        cut off from n0 and n1, both ways. Carol (c2) reads never at n2, \
                        writes note=hi at n2 and reads it back at once; Alice (c0) writes \
                        post=lunch? at n0; 500 ms later Carol reads note and post at n2, and \
                        Alice reads note at n0.";
        for seed in base..base + SEEDS {
            let mut w = world(3, network(seed));
            w.isolate(2);
            let never = read(&mut w, 2, 2, "never", scenario);
            if never.is_some() {
                suite_harness::replay_from(seed);
                suite_harness::fail(format!(
                    "{scenario}\nNobody wrote the key never: a Get of it answers Value(None). \
                     n2 answered {never:?} (seed {seed})."
                ));
            }
            ask(&mut w, 2, 2, put("note", "hi"), scenario);
            let at_once = read(&mut w, 2, 2, "note", scenario);
            ask(&mut w, 0, 0, put("post", "lunch?"), scenario);
            w.run_for(Duration::from_millis(500));
            let note = read(&mut w, 2, 2, "note", scenario);
            if at_once.as_deref() != Some("hi") || note.as_deref() != Some("hi") {
                suite_harness::replay_from(seed);
                suite_harness::fail(format!(
                    "{scenario}\nCarol wrote note at n2, so n2 holds it as soon as it answers \
                     Written: a replica applies a write it accepts to its own copy before \
                     answering, without waiting for a message (not even one to itself). n2 \
                     answered note = {at_once:?} right after the write and {note:?} 500 ms \
                     later (seed {seed})."
                ));
            }
            let post = read(&mut w, 2, 2, "post", scenario);
            let far = read(&mut w, 0, 0, "note", scenario);
            if post.is_some() || far.is_some() {
                suite_harness::replay_from(seed);
                suite_harness::fail(format!(
                    "{scenario}\nNo message can travel between n2 and the others, so n2 \
                     cannot know of post, nor n0 of note: a replica answers from its own \
                     copy, which holds what it accepted and what reached it by message, never \
                     a copy it shares with other replicas. n2 answered post = {post:?}, n0 \
                     answered note = {far:?} (seed {seed})."
                ));
            }
            assert_causal(&w, scenario, seed, || None);
        }
    });
}

/// On every cluster size from 2 to 7, with no tick, each replica's writes reach every
/// other replica, and the replicas agree once the network is quiet.
pub fn every_write_reaches_every_replica_at_every_size() {
    on_upstream(|| {
        let seed = suite_harness::seed();
        for nodes in [3, 4, 5, 6, 7, 2] {
            let scenario = format!(
                "{nodes} replicas, messages delayed 1-30 ms and a fifth duplicated, no tick. \
                 The client of each replica i writes k<i>=v<i>, then all=all<i>, at once; \
                 then the network goes quiet and each replica is read."
            );
            let mut w = world(nodes, network(seed));
            let keys: Vec<String> = (0..nodes).map(|i| format!("k{i}")).collect();
            for (i, key) in keys.iter().enumerate() {
                w.call(i as u32, i, put(key, &format!("v{i}")));
            }
            answered(&mut w, &scenario, seed);
            for i in 0..nodes {
                w.call(i as u32, i, put("all", &format!("all{i}")));
            }
            answered(&mut w, &scenario, seed);
            let mut names: Vec<&str> = keys.iter().map(String::as_str).collect();
            names.push("all");
            let seen = read_all(&mut w, &names, &scenario);
            for (node, values) in seen.iter().enumerate() {
                for (i, key) in keys.iter().enumerate() {
                    let want = format!("v{i}");
                    if values[key].as_deref() != Some(want.as_str()) {
                        suite_harness::replay_from(seed);
                        suite_harness::fail(format!(
                            "{scenario}\nn{i} accepted {key}={want}, so once the network is \
                             quiet every replica holds it: a replica sends every write it \
                             accepts to every other replica, whatever their number, and \
                             needs no tick to do it. n{node} answered {key} = {:?} (seed \
                             {seed}).",
                            values[key]
                        ));
                    }
                }
                if values["all"] != seen[0]["all"] {
                    let holders: Vec<String> = seen
                        .iter()
                        .enumerate()
                        .map(|(n, v)| format!("n{n}: {:?}", v["all"]))
                        .collect();
                    suite_harness::replay_from(seed);
                    suite_harness::fail(format!(
                        "{scenario}\nThe writes of all are concurrent (each replica wrote its \
                         own once it had every k), and every replica was sent every one of \
                         them, so every replica must end with the same one. They hold {} (seed \
                         {seed}). A replica that kept its own all{node} though another \
                         replica's won elsewhere either never applied that write (held back \
                         and never released?) or ranks concurrent writes by something other \
                         than the writes themselves (their order of arrival, a tie left \
                         unbroken).",
                        holders.join(", ")
                    ));
                }
            }
            assert_causal(&w, &scenario, seed, || None);
        }
    });
}

/// Runs `w` until quiet; fails if a client still waits for its answer.
fn answered(w: &mut World<Replica>, scenario: &str, seed: u64) {
    w.run_until_quiet();
    if let Some(c) = (0..w.len() as u32).find(|&c| w.is_waiting(c)) {
        suite_harness::replay_from(seed);
        suite_harness::fail(format!(
            "{scenario}\nc{c} never got an answer from n{c}: a replica answers a Put at once, \
             from its own copy, without waiting for the others (seed {seed})."
        ));
    }
}

/// A write made after reading another write of its key wins over it on every replica,
/// whichever of the two replicas has the larger id.
pub fn a_write_never_loses_to_one_it_depends_on() {
    on_upstream(|| {
        let base = suite_harness::seed();
        for seed in base..base + SEEDS {
            for (first, then) in [(2, 0), (0, 2), (3, 1)] {
                let scenario = format!(
                    "4 replicas, messages delayed 1-30 ms and sometimes duplicated, no tick. \
                     c{first} writes k=x at n{first}; c{then} reads k at n{then} until it \
                     sees x, then writes k=y there and reads k back at once."
                );
                let mut w = world(4, network(seed));
                ask(&mut w, first as u32, first, put("k", "x"), &scenario);
                let mut polls = 0;
                while read(&mut w, then as u32, then, "k", &scenario).as_deref() != Some("x") {
                    polls += 1;
                    if polls == 200 {
                        suite_harness::replay_from(seed);
                        suite_harness::fail(format!(
                            "{scenario}\nn{then} never showed x (200 reads): every write \
                             must reach every replica (seed {seed})."
                        ));
                    }
                }
                ask(&mut w, then as u32, then, put("k", "y"), &scenario);
                let back = read(&mut w, then as u32, then, "k", &scenario);
                w.run_until_quiet();
                let seen = read_all(&mut w, &["k"], &scenario);
                let wrong: Vec<String> = seen
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v["k"].as_deref() != Some("y"))
                    .map(|(node, v)| format!("n{node} holds {:?}", v["k"]))
                    .collect();
                if back.as_deref() == Some("y") && wrong.is_empty() {
                    continue;
                }
                let later = seen[then]["k"].as_deref() == Some("y");
                // What the answers show, the writer's replica first.
                let why = if back.as_deref() != Some("y") && later {
                    format!(
                        "n{then} answered k = {back:?} right after it answered Written for y, \
                         and y only later: a replica applies its own write to its copy before \
                         it answers (store.2)."
                    )
                } else if back.as_deref() != Some("y") {
                    format!(
                        "n{then} answered k = {back:?} right after it answered Written for y, \
                         and still once quiet: it let y lose to x, which y depends on. Rank \
                         writes so that a write always outranks what it depends on (its \
                         clock's sum grows along every chain), and let node ids only break \
                         ties between concurrent writes."
                    )
                } else {
                    format!(
                        "n{then} holds y, but once the network is quiet {}: those replicas \
                         never applied y (not sent to them, or held back and never released), \
                         or ranked it below x, which it depends on.",
                        wrong.join(", ")
                    )
                };
                suite_harness::replay_from(seed);
                suite_harness::fail(format!(
                    "{scenario}\ny was written after its writer read x: y depends on x, so y \
                     wins on every replica, whatever the ids of the replicas that accepted \
                     them. {why} (seed {seed})"
                ));
            }
        }
    });
}

/// `snapshot` is the replica's own copy: the keys it holds with the values a `Get`
/// answers, after a write arrived that lost to the one already there.
pub fn snapshot_is_the_replicas_copy() {
    on_upstream(|| {
        let seed = suite_harness::seed();
        let scenario = "3 replicas, messages delayed 1-30 ms and sometimes duplicated, no tick; \
                        the link n1 -> n0 is cut. c1 writes k=b at n1; then c0 writes k=a at \
                        n0 (n0 never hears of b, so the two are concurrent) and c2 writes \
                        other=o at n2; 500 ms later each replica is read and asked for its \
                        snapshot.";
        let mut w = world(3, network(seed));
        let empty = snapshot(&w, 0);
        if !empty.is_empty() {
            suite_harness::fail(format!(
                "{scenario}\nBefore any write, n0's snapshot() is empty; it is {}.",
                show_copy(&empty)
            ));
        }
        w.block(1, 0);
        ask(&mut w, 1, 1, put("k", "b"), scenario);
        ask(&mut w, 0, 0, put("k", "a"), scenario);
        ask(&mut w, 2, 2, put("other", "o"), scenario);
        w.run_for(Duration::from_millis(500));
        let seen = read_all(&mut w, &["k", "other", "never"], scenario);
        let copies = snapshots(&w);
        for (node, (values, copy)) in seen.iter().zip(&copies).enumerate() {
            let answered: BTreeMap<String, String> = values
                .iter()
                .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                .collect();
            if *copy != answered {
                suite_harness::fail(format!(
                    "{scenario}\nn{node}'s snapshot() is {}, but its Gets answered {} (keys \
                     k, other, never): the snapshot is the replica's own copy as it stands, \
                     each key with the value a Get answers, the write that won the key and \
                     not the one that arrived last.",
                    show_copy(copy),
                    show_copy(&answered)
                ));
            }
        }
    });
}
