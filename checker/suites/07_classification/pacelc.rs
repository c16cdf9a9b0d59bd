//! PACELC: well-known systems, then the quorum arithmetic behind "else consistency" on
//! every setting of up to twelve replicas (even and odd sizes, lopsided quorums, reads
//! at the primary), then large clusters on both sides of R + W = N. The settings are
//! enumerated rather than drawn at random: there are few enough of them, and a mistake
//! found on every run is worth more than one found on a lucky seed.
//!
//! The types come from the course's given crate, never through the exercise's
//! re-exports, and a class is read by an exhaustive `match` into its two letters.

use classification::classify;
use classification_given::{Behaviour, Pacelc};

/// The two letters of a class, `(partition available, else consistent)`, written out
/// here rather than asked of any impl.
fn letters(p: Pacelc) -> (bool, bool) {
    match p {
        Pacelc::PaEl => (true, false),
        Pacelc::PcEc => (false, true),
        Pacelc::PaEc => (true, true),
        Pacelc::PcEl => (false, false),
    }
}

/// The usual spelling of a class from its letters.
fn spell((available, consistent): (bool, bool)) -> String {
    format!(
        "P{}/E{}",
        if available { "A" } else { "C" },
        if consistent { "C" } else { "L" }
    )
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

/// The README's rule, written independently of the solution: the letters of `b`.
fn rule(b: &Behaviour) -> (bool, bool) {
    let overlap = u64::from(b.read_replies) + u64::from(b.write_acks) > u64::from(b.replicas);
    (b.cut_off_replica_answers, b.reads_at_primary || overlap)
}

/// `N=4, W=2, R=2, reads at the primary: no, a cut-off replica answers: yes`.
fn setting(b: &Behaviour) -> String {
    let yes = |x: bool| if x { "yes" } else { "no" };
    format!(
        "N={}, W={}, R={}, reads at the primary: {}, a cut-off replica answers: {}",
        b.replicas,
        b.write_acks,
        b.read_replies,
        yes(b.reads_at_primary),
        yes(b.cut_off_replica_answers)
    )
}

/// Why each letter of `got` that differs from the rule's is wrong, from `b` itself.
fn wrong_letters(b: &Behaviour, got: (bool, bool)) -> String {
    let want = rule(b);
    let mut why = Vec::new();
    if got.0 != want.0 {
        why.push(format!(
            "The P letter is wrong (pacelc.1): a cut-off replica that {} makes it P{}, \
             whatever N, W, R and wherever reads go.",
            if want.0 { "still answers" } else { "refuses" },
            if want.0 { "A" } else { "C" }
        ));
    }
    if got.1 != want.1 {
        let (n, w, r) = (b.replicas, b.write_acks, b.read_replies);
        let sum = u64::from(r) + u64::from(w);
        why.push(if b.reads_at_primary {
            "The E letter is wrong (pacelc.2): reads go to the primary that ordered every \
             write, so a normal read is never stale: EC, whatever N, W and R."
                .to_owned()
        } else if want.1 {
            format!(
                "The E letter is wrong (pacelc.3): R + W = {sum} > N = {n}, so any {r} \
                 replica(s) a read asks include one of the {w} that acknowledged the last \
                 write: a normal read is never stale, EC."
            )
        } else {
            format!(
                "The E letter is wrong (pacelc.4): R + W = {sum} <= N = {n}: a write \
                 acknowledged by replicas 1 to {w} and a read asking replicas {} to {n} \
                 never meet, so a normal read may be stale, EL.",
                n - r + 1
            )
        });
    }
    why.join(" ")
}

/// Every setting of `settings` whose class `classify` gets wrong, the first (the
/// smallest cluster) explained, the rest counted.
fn check_all(what: &str, settings: impl IntoIterator<Item = Behaviour>) {
    let mut wrong: Vec<(Behaviour, (bool, bool))> = Vec::new();
    let mut total = 0;
    for b in settings {
        total += 1;
        let got = letters(classify(&b));
        if got != rule(&b) {
            wrong.push((b, got));
        }
    }
    let Some((first, got)) = wrong.first() else {
        return;
    };
    let others: Vec<String> = wrong[1..]
        .iter()
        .take(5)
        .map(|(b, got)| {
            format!(
                "  {}: it is {}, this said {}",
                setting(b),
                spell(rule(b)),
                spell(*got)
            )
        })
        .collect();
    suite_harness::fail(format!(
        "{} of {total} {what} get the wrong class. The smallest:\n{}\nit is {}; this said {}.\n{}{}",
        wrong.len(),
        setting(first),
        spell(rule(first)),
        spell(*got),
        wrong_letters(first, *got),
        if others.is_empty() {
            String::new()
        } else {
            format!("\nothers:\n{}", others.join("\n"))
        }
    ));
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
        (
            "a store on six replicas in two data centres, writing to three and reading from three, answering locally during a partition",
            behaviour(true, 6, 3, 3, false),
            Pacelc::PaEl,
            "three of six is half, not a majority: R + W = 6 = N, so a read quorum can miss the write quorum entirely",
        ),
    ];
    for (name, b, want, why) in systems {
        let got = letters(classify(&b));
        if got != letters(want) {
            suite_harness::fail(format!(
                "system: {name}\n{}\nit is {}; this said {}.\n{}\nwhy: {why}",
                setting(&b),
                spell(letters(want)),
                spell(got),
                wrong_letters(&b, got)
            ));
        }
    }
}

pub fn every_setting_of_up_to_twelve_replicas() {
    let mut settings = Vec::new();
    for n in 1..=12 {
        for w in 1..=n {
            for r in 1..=n {
                for primary in [false, true] {
                    for answers in [false, true] {
                        settings.push(behaviour(answers, n, w, r, primary));
                    }
                }
            }
        }
    }
    check_all("settings of 1 to 12 replicas", settings);
}

pub fn large_clusters_on_both_sides_of_the_overlap() {
    let mut settings = Vec::new();
    for (i, n) in [13u32, 16, 99, 100, 101, 1000, 1001, 4096, 65_535]
        .into_iter()
        .enumerate()
    {
        let half = n / 2;
        let quorums = [
            // R + W = N: the largest pair of quorums that can still miss each other.
            (half, n - half),
            // R + W = N + 1: the smallest that always meet.
            (half + 1, n - half),
            (n - half, half + 1),
            // Lopsided: one replica on one side, all or all but one on the other.
            (n, 1),
            (1, n),
            (n - 1, 1),
            (1, n - 1),
            // Majorities on both sides, and one short of them.
            (half + 1, half + 1),
            (half, half),
        ];
        for (k, (w, r)) in quorums.into_iter().enumerate() {
            // Both partition answers and both read paths, spread over the sizes so that
            // each size meets each combination without multiplying the cases.
            let answers = (i + k) % 2 == 0;
            settings.push(behaviour(answers, n, w, r, false));
            settings.push(behaviour(!answers, n, w, r, (i + k) % 3 == 0));
        }
    }
    check_all("settings of 13 to 65,535 replicas", settings);
}
