//! PACELC: well-known systems, then the quorum arithmetic behind "else consistency" on
//! every setting of up to twelve replicas (even and odd sizes, lopsided quorums, reads
//! at the primary, atomic and sloppy quorums), then large clusters on both sides of
//! R + W = N. The settings are
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

fn behaviour(answers: bool, n: u32, w: u32, r: u32, primary: bool, atomic: bool) -> Behaviour {
    Behaviour {
        cut_off_replica_answers: answers,
        replicas: n,
        write_acks: w,
        read_replies: r,
        reads_at_primary: primary,
        atomic_quorums: atomic,
    }
}

/// The README's rule, written independently of the solution: the letters of `b`.
fn rule(b: &Behaviour) -> (bool, bool) {
    let overlap = u64::from(b.read_replies) + u64::from(b.write_acks) > u64::from(b.replicas);
    (
        b.cut_off_replica_answers,
        b.reads_at_primary || (b.atomic_quorums && overlap),
    )
}

/// `N=4, W=2, R=2, reads at the primary: no, atomic quorums: yes, a cut-off replica
/// answers: yes`.
fn setting(b: &Behaviour) -> String {
    let yes = |x: bool| if x { "yes" } else { "no" };
    format!(
        "N={}, W={}, R={}, reads at the primary: {}, atomic quorums: {}, a cut-off replica \
         answers: {}",
        b.replicas,
        b.write_acks,
        b.read_replies,
        yes(b.reads_at_primary),
        yes(b.atomic_quorums),
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
                "The E letter is wrong (pacelc.3): the quorums are atomic and R + W = {sum} > \
                 N = {n}, so any {r} replica(s) a read asks include one of the {w} that \
                 acknowledged the last write: a normal read is never stale, EC."
            )
        } else if !b.atomic_quorums && sum > u64::from(n) {
            format!(
                "The E letter is wrong (pacelc.4): R + W = {sum} > N = {n}, but the quorums \
                 are not atomic. With sloppy quorums a write may be acknowledged by fallback \
                 replicas that no later read asks, a failed write stays on the replicas it \
                 reached, and last-writer-wins under clock skew can discard a finished write: \
                 a normal read may be stale, EL, as Abadi classified Dynamo-style stores."
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
            "Riak KV with its documented defaults: n_val=3, r=w=quorum (2 of 3), pr=pw=0 so sloppy quorums of fallback replicas count, answering during a partition",
            behaviour(true, 3, 2, 2, false, false),
            Pacelc::PaEl,
            "R + W = 4 > N = 3, yet a write acknowledged by fallback replicas during a failure, or left half applied by a failed request, can be missed by a read of the home replicas: EL, the class Abadi (2012) gave Dynamo-style stores",
        ),
        (
            "the Dynamo paper's common setting (2007): N=3, R=2, W=2, sloppy quorums with hinted handoff",
            behaviour(true, 3, 2, 2, false, false),
            Pacelc::PaEl,
            "overlap on paper, but the quorum is sloppy (the first N healthy nodes, not the N home ones), and concurrent writes become versions a reader must reconcile: EL",
        ),
        (
            "Cassandra at consistency level ONE with replication factor 3",
            behaviour(true, 3, 1, 1, false, false),
            Pacelc::PaEl,
            "it answers on both sides of a partition, and normally a read of one replica may miss a write acknowledged by another",
        ),
        (
            "Bigtable / HBase: one server owns each row; cut off from it, clients get errors",
            behaviour(false, 3, 3, 1, true, false),
            Pacelc::PcEc,
            "it refuses what it cannot confirm during a partition and reads at the owner normally, paying latency for consistency",
        ),
        (
            "Spanner / VoltDB: a majority (Paxos or a primary) orders every write; a minority refuses",
            behaviour(false, 5, 3, 1, true, false),
            Pacelc::PcEc,
            "consistency in both columns: a minority refuses, and reads go to the leader that ordered the writes",
        ),
        (
            "MongoDB as Abadi classified it in 2012: reads and writes at the primary, a cut-off primary keeps accepting writes",
            behaviour(true, 3, 1, 1, true, false),
            Pacelc::PaEc,
            "normally every read goes to the primary (EC), yet during a partition the old primary keeps answering (PA)",
        ),
        (
            "MongoDB 5.0 or later with its defaults, no arbiter: reads at the primary, write concern majority, and a primary that cannot reach a majority steps down (replica-set protocol version 1, the default since 3.2)",
            behaviour(false, 3, 2, 1, true, false),
            Pacelc::PcEc,
            "the side without a majority has no primary to take writes (PC), and reads go to the primary (EC)",
        ),
        (
            "Yahoo PNUTS: a local replica serves reads; writes need the record's master, unreachable during a partition",
            behaviour(false, 3, 1, 1, false, false),
            Pacelc::PcEl,
            "reads are local and may be stale (EL), while a partition cut off from the master refuses writes (PC)",
        ),
        (
            "exercise 01's majority register on five replicas: atomic quorums of three, a minority refuses",
            behaviour(false, 5, 3, 3, false, true),
            Pacelc::PcEc,
            "R + W = 6 > N = 5 with strict quorums and a write-back on every read: normal reads are never stale (EC); a replica without a majority cannot finish an operation (PC)",
        ),
        (
            "a store with atomic quorums (N=3, W=2, R=2) whose cut-off replicas fall back to answering from their own copy",
            behaviour(true, 3, 2, 2, false, true),
            Pacelc::PaEc,
            "normally every read quorum meets the last write quorum and writes back (EC); during a partition the cut-off replicas still answer (PA)",
        ),
        (
            "a store on six replicas in two data centres, writing to three and reading from three with atomic quorums, answering locally during a partition",
            behaviour(true, 6, 3, 3, false, true),
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
                    for atomic in [false, true] {
                        for answers in [false, true] {
                            settings.push(behaviour(answers, n, w, r, primary, atomic));
                        }
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
            // each size meets each combination without multiplying the cases; then the
            // same quorums without atomic quorums, where no arithmetic makes reads EC.
            let answers = (i + k) % 2 == 0;
            settings.push(behaviour(answers, n, w, r, false, true));
            settings.push(behaviour(!answers, n, w, r, (i + k) % 3 == 0, true));
            settings.push(behaviour(answers, n, w, r, false, false));
        }
    }
    check_all("settings of 13 to 65,535 replicas", settings);
}
