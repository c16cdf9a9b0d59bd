//! PACELC: well-known systems, then the quorum arithmetic behind "else consistency".
//!
//! The types come from the course's given crate, never through the exercise's
//! re-exports, and a class is read by an exhaustive `match` into its spelling.

use classification::classify;
use classification_given::{Behaviour, Pacelc};
use testkit::rng::Rng;

/// The usual spelling of a class, written out here rather than asked of any impl.
fn class(p: Pacelc) -> &'static str {
    match p {
        Pacelc::PaEl => "PA/EL",
        Pacelc::PcEc => "PC/EC",
        Pacelc::PaEc => "PA/EC",
        Pacelc::PcEl => "PC/EL",
    }
}

fn behaviour(answers: bool, n: u32, w: u32, r: u32, primary: bool) -> Behaviour {
    Behaviour {
        cut_off_replica_answers: answers,
        replicas: n,
        write_acks: w,
        read_replies: r,
        reads_at_primary: primary,
    }
}

pub fn well_known_systems_land_in_their_class() {
    let systems = [
        (
            "Dynamo-style store (Cassandra, Riak defaults): N=3, W=1, R=1, sloppy quorums answer during a partition",
            behaviour(true, 3, 1, 1, false),
            Pacelc::PaEl,
            "it answers on both sides of a partition, and normally a read of one replica may miss a write acknowledged by another",
        ),
        (
            "Bigtable / HBase: one server owns each row; cut off from it, clients get errors",
            behaviour(false, 3, 3, 1, true),
            Pacelc::PcEc,
            "it refuses what it cannot confirm during a partition and reads at the owner normally, paying latency for consistency",
        ),
        (
            "Spanner / VoltDB: a majority (Paxos or a primary) orders every write; a minority refuses",
            behaviour(false, 5, 3, 1, true),
            Pacelc::PcEc,
            "consistency in both columns: a minority refuses, and reads go to the leader that ordered the writes",
        ),
        (
            "MongoDB as classified by Abadi: reads and writes at the primary, a cut-off primary keeps accepting writes",
            behaviour(true, 3, 1, 1, true),
            Pacelc::PaEc,
            "normally every read goes to the primary (EC), yet during a partition the old primary keeps answering (PA)",
        ),
        (
            "Yahoo PNUTS: a local replica serves reads; writes need the record's master, unreachable during a partition",
            behaviour(false, 3, 1, 1, false),
            Pacelc::PcEl,
            "reads are local and may be stale (EL), while a partition cut off from the master refuses writes (PC)",
        ),
        (
            "a Dynamo-style store tuned to N=3, W=2, R=2, whose sloppy quorums let fallback replicas accept writes during a partition",
            behaviour(true, 3, 2, 2, false),
            Pacelc::PaEc,
            "R + W = 4 > N = 3: every read quorum meets the last write quorum, so normal reads are not stale; but the fallback replicas answer during a partition",
        ),
    ];
    for (name, b, want, why) in systems {
        let got: Pacelc = classify(&b);
        let (got, want) = (class(got), class(want));
        if got != want {
            suite_harness::fail(format!(
                "system: {name}\nbehaviour: {b:?}\nit is {want}; this said {got}.\nwhy: {why}"
            ));
        }
    }
}

pub fn quorum_overlap_decides_normal_operation() {
    let base = suite_harness::seed();
    for seed in base..base + 100 {
        let mut rng = Rng::new(seed);
        for _ in 0..20 {
            let n = rng.between(1, 7) as u32;
            let w = rng.between(1, n as u64) as u32;
            let r = rng.between(1, n as u64) as u32;
            let answers = rng.chance(0.5);
            let primary = rng.chance(0.3);
            let b = behaviour(answers, n, w, r, primary);
            let consistent = primary || r + w > n;
            let want = match (answers, consistent) {
                (true, false) => Pacelc::PaEl,
                (false, true) => Pacelc::PcEc,
                (true, true) => Pacelc::PaEc,
                (false, false) => Pacelc::PcEl,
            };
            let got: Pacelc = classify(&b);
            let (got, want) = (class(got), class(want));
            if got != want {
                suite_harness::fail(format!(
                    "behaviour {b:?} (seed {seed})\nit is {want}; this said {got}.\n\
                     During a partition it {}. In normal operation {}.",
                    if answers {
                        "answers on the cut-off side: PA"
                    } else {
                        "refuses on the cut-off side: PC"
                    },
                    if primary {
                        "reads go to the primary that ordered every write, so they are never stale: EC".to_owned()
                    } else if consistent {
                        format!(
                            "R + W = {} > N = {n}: a read quorum always meets the last write quorum: EC",
                            r + w
                        )
                    } else {
                        format!(
                            "R + W = {} <= N = {n}: a read may ask only replicas the last write missed: EL",
                            r + w
                        )
                    }
                ));
            }
        }
    }
}
