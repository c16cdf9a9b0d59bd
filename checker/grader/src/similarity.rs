//! Similarity: which submissions share code, exercise by exercise, and where.
//!
//! Each submission's own files of an exercise (every `.rs` under its `src/`) are read
//! as normalised tokens (identifiers and literals folded, comments and whitespace
//! dropped: [`tokens`]), cut into k-grams whose hashes are thinned by winnowing
//! ([`winnow`]). The skeleton's k-grams are removed first: code every student was given
//! is not evidence. Two submissions' score is the share of the smaller one's
//! fingerprints that the other holds too; a pair at or above the threshold is listed
//! with the regions it shares, line ranges in each file. Files an instructor knows
//! (`--known DIR`, published solutions say) are compared with every submission the same
//! way.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`tokens`] | Rust source as normalised tokens |
//! | [`winnow`] | k-gram hashes and the fingerprints winnowing keeps |
//! | [`sources`] | reading a submission's files, keeping them in the gradebook, the known files |
//! | [`html`] | the section of the class report: pairs and shared regions side by side |
//!
//! A score is a lead, not a verdict: two students can write the same short function,
//! and one who copied and rewrote every line is not found. The instructor reads the
//! regions and decides.

pub mod html;
pub mod sources;
pub mod tokens;
pub mod winnow;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use html::section_html;
pub use sources::SourceFile;

use winnow::Print;

/// Tokens in a k-gram: a shared run shorter than this is noise (`fn I ( & self ) -> I
/// {` is 10 tokens every solution has).
pub const K: usize = 15;
/// The winnowing window: any shared run of `W + K - 1` = 22 tokens (two or three
/// lines) is sure to be seen.
pub const W: usize = 8;
/// The default threshold. On the corpus of `checker/tests/grade_similarity.rs` every
/// copy (exact, renamed, reformatted) scores 1.0 and no pair of independent solutions
/// more than 0.48: 0.7 leaves room on both sides (a copy with a third of it rewritten
/// is still listed). See docs/src/instructors.md, "Similarity".
pub const DEFAULT_THRESHOLD: f64 = 0.7;
/// The fewest shared fingerprints a listed pair has, whatever its score: two
/// submissions that each added three lines to the skeleton share a high fraction of
/// almost nothing.
pub const MIN_SHARED: usize = 8;

/// One exercise of one submission (or one known file), as compared.
#[derive(Clone, Debug)]
pub struct Document {
    /// The submission id, or `known:PATH` for a known file.
    pub owner: String,
    /// Its files, paths relative to the exercise's `src/` (or to `--known`).
    pub files: Vec<SourceFile>,
}

/// A pair at or above the threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The exercise.
    pub exercise: String,
    /// The first submission.
    pub a: String,
    /// The second submission, or `known:PATH`.
    pub b: String,
    /// Shared fingerprints over the fingerprints of the smaller of the two, 0 to 1: of
    /// the exercise's files together, or of one file against one file, whichever is
    /// higher.
    pub score: f64,
    /// Fingerprints both hold.
    pub shared: usize,
    /// Where, in each, the shared code is.
    pub regions: Vec<Region>,
}

/// A stretch of code two documents share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// The file in the first document.
    pub file_a: String,
    /// Its lines, first and last (from 1).
    pub lines_a: (u32, u32),
    /// Those lines.
    pub text_a: String,
    /// The file in the second.
    pub file_b: String,
    /// Its lines.
    pub lines_b: (u32, u32),
    /// Those lines.
    pub text_b: String,
}

/// Everything the similarity pass found: written to `similarity.json` and
/// `similarity.csv`, and drawn by [`section_html`]. Regions keep their code only in
/// the pairs the report draws ([`html::MAX_PAIRS`], [`html::MAX_REGIONS`] regions each,
/// [`html::MAX_LINES`] lines a side).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Similarity {
    /// The threshold pairs were listed at.
    pub threshold: f64,
    /// The pairs compared (submission pairs and submission-known pairs).
    pub compared: usize,
    /// The listed pairs, highest score first.
    pub pairs: Vec<Pair>,
}

/// The fewest shared fingerprints for one file against one file to set a pair's
/// score: about ten lines of code. Small files are much alike between honest
/// solutions (a 27-line module of exercise 06 scored 0.85 between two independent
/// ones with the floor at [`MIN_SHARED`]); a copied file of any size that matters
/// has more.
pub const FILE_MIN_SHARED: usize = 24;

/// A document's fingerprints: each distinct hash with its first place.
struct Printed {
    places: HashMap<u64, Print>,
}

fn printed(doc: &Document, excluded: &HashSet<u64>) -> Printed {
    let mut places = HashMap::new();
    for (i, file) in doc.files.iter().enumerate() {
        let toks = tokens::tokens(&file.text);
        for p in winnow::winnow(&toks, i as u32, K, W, excluded) {
            places.entry(p.hash).or_insert(p);
        }
    }
    Printed { places }
}

/// Every k-gram hash of the skeleton's files: what no submission is scored on.
pub fn skeleton_hashes(skeleton: &[SourceFile]) -> HashSet<u64> {
    skeleton
        .iter()
        .flat_map(|f| winnow::kgram_hashes(&tokens::tokens(&f.text), K))
        .collect()
}

/// Compares the submissions of one exercise with each other and with the known files;
/// the pairs at or above `threshold` (and with [`MIN_SHARED`] fingerprints), highest
/// first, and how many pairs were compared.
pub fn compare(
    exercise: &str,
    skeleton: &[SourceFile],
    docs: &[Document],
    known: &[Document],
    threshold: f64,
) -> (Vec<Pair>, usize) {
    let excluded = skeleton_hashes(skeleton);
    let prints: Vec<Printed> = docs.iter().map(|d| printed(d, &excluded)).collect();
    // Which documents hold each hash: only documents that share one are ever paired,
    // so the cost follows what is shared rather than the square of the class.
    let mut holders: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, p) in prints.iter().enumerate() {
        for &hash in p.places.keys() {
            holders.entry(hash).or_default().push(i as u32);
        }
    }
    let mut shared: HashMap<(u32, u32), usize> = HashMap::new();
    for owners in holders.values() {
        for (x, &i) in owners.iter().enumerate() {
            for &j in &owners[x + 1..] {
                *shared.entry((i.min(j), i.max(j))).or_default() += 1;
            }
        }
    }
    let mut pairs = Vec::new();
    let mut consider = |a: (&Document, &Printed), b: (&Document, &Printed), count: usize| {
        let smaller = a.1.places.len().min(b.1.places.len());
        if smaller == 0 || count < MIN_SHARED {
            return;
        }
        let score = (count as f64 / smaller as f64).max(best_file(a.1, b.1));
        if score >= threshold {
            pairs.push(Pair {
                exercise: exercise.to_owned(),
                a: a.0.owner.clone(),
                b: b.0.owner.clone(),
                score,
                shared: count,
                regions: regions(a, b),
            });
        }
    };
    for (&(i, j), &count) in &shared {
        let (i, j) = (i as usize, j as usize);
        consider((&docs[i], &prints[i]), (&docs[j], &prints[j]), count);
    }
    let known_prints: Vec<Printed> = known.iter().map(|d| printed(d, &excluded)).collect();
    for (doc, p) in docs.iter().zip(&prints) {
        for (k, kp) in known.iter().zip(&known_prints) {
            let count = p
                .places
                .keys()
                .filter(|h| kp.places.contains_key(h))
                .count();
            consider((doc, p), (k, kp), count);
        }
    }
    pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(y.shared.cmp(&x.shared))
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    (
        pairs,
        docs.len() * docs.len().saturating_sub(1) / 2 + docs.len() * known.len(),
    )
}

/// The highest share of one file's fingerprints that one file of the other document
/// holds (of the smaller of the two, with at least [`FILE_MIN_SHARED`] shared): a
/// copied file among files of one's own scores as a copy, rather than diluted by the
/// rest.
fn best_file(a: &Printed, b: &Printed) -> f64 {
    let mut shared: HashMap<(u32, u32), usize> = HashMap::new();
    for (h, pa) in &a.places {
        if let Some(pb) = b.places.get(h) {
            *shared.entry((pa.file, pb.file)).or_default() += 1;
        }
    }
    let sizes = |p: &Printed| {
        let mut n: HashMap<u32, usize> = HashMap::new();
        for place in p.places.values() {
            *n.entry(place.file).or_default() += 1;
        }
        n
    };
    let (na, nb) = (sizes(a), sizes(b));
    shared
        .iter()
        .filter(|&(_, &count)| count >= FILE_MIN_SHARED)
        .map(|(&(fa, fb), &count)| count as f64 / na[&fa].min(nb[&fb]) as f64)
        .fold(0.0, f64::max)
}

/// The regions two documents share: their common fingerprints in the first one's
/// order, runs of neighbouring ones (in both) merged into one region.
fn regions(a: (&Document, &Printed), b: (&Document, &Printed)) -> Vec<Region> {
    let mut matches: Vec<(Print, Print)> =
        a.1.places
            .iter()
            .filter_map(|(h, pa)| b.1.places.get(h).map(|pb| (*pa, *pb)))
            .collect();
    matches.sort_by_key(|(pa, pb)| (pa.file, pa.first, pb.file, pb.first));
    // Lines apart that still count as one region: a comment or blank line a copier
    // added between two shared statements does not split it.
    const GAP: u32 = 3;
    let mut spans: Vec<(Print, Print)> = Vec::new();
    for (pa, pb) in matches {
        if let Some((ra, rb)) = spans.last_mut() {
            let near = |r: &Print, p: &Print| {
                r.file == p.file && p.first <= r.last + GAP && p.last + GAP >= r.first
            };
            if near(ra, &pa) && near(rb, &pb) {
                ra.first = ra.first.min(pa.first);
                ra.last = ra.last.max(pa.last);
                rb.first = rb.first.min(pb.first);
                rb.last = rb.last.max(pb.last);
                continue;
            }
        }
        spans.push((pa, pb));
    }
    let text = |doc: &Document, p: &Print| -> (String, String) {
        let file = &doc.files[p.file as usize];
        let lines: Vec<&str> = file
            .text
            .lines()
            .skip(p.first as usize - 1)
            .take((p.last - p.first + 1) as usize)
            .collect();
        (file.path.clone(), lines.join("\n"))
    };
    spans
        .iter()
        .map(|(pa, pb)| {
            let (file_a, text_a) = text(a.0, pa);
            let (file_b, text_b) = text(b.0, pb);
            Region {
                file_a,
                lines_a: (pa.first, pa.last),
                text_a,
                file_b,
                lines_b: (pb.first, pb.last),
                text_b,
            }
        })
        .collect()
}

/// Compares every exercise: `docs` and `known` by exercise name, `skeletons` the same.
/// Known files filed under no exercise (key `""`) are compared with every exercise.
pub fn compare_all(
    docs: &BTreeMap<String, Vec<Document>>,
    skeletons: &BTreeMap<String, Vec<SourceFile>>,
    known: &BTreeMap<String, Vec<Document>>,
    threshold: f64,
) -> Similarity {
    let mut all = Similarity {
        threshold,
        ..Similarity::default()
    };
    let none = Vec::new();
    for (exercise, docs) in docs {
        let mut theirs: Vec<Document> = known.get(exercise).cloned().unwrap_or_default();
        theirs.extend(known.get("").cloned().unwrap_or_default());
        let skeleton = skeletons.get(exercise).unwrap_or(&none);
        let (pairs, compared) = compare(exercise, skeleton, docs, &theirs, threshold);
        all.pairs.extend(pairs);
        all.compared += compared;
    }
    all.pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.exercise, &x.a, &x.b).cmp(&(&y.exercise, &y.a, &y.b)))
    });
    // Only what the report draws keeps its code: a class that copied one solution has
    // thousands of pairs, each region a copy of a file (the line ranges stay).
    for (n, pair) in all.pairs.iter_mut().enumerate() {
        for (m, region) in pair.regions.iter_mut().enumerate() {
            if n < html::MAX_PAIRS && m < html::MAX_REGIONS {
                region.text_a = html::first_lines(&region.text_a);
                region.text_b = html::first_lines(&region.text_b);
            } else {
                region.text_a.clear();
                region.text_b.clear();
            }
        }
    }
    all
}

/// `similarity.csv`: one row per pair, regions as `a.rs:3-9=b.rs:5-11` joined by `; `.
pub fn csv(similarity: &Similarity) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let header = ["exercise", "a", "b", "score", "shared", "regions"];
    // Writing to memory cannot fail.
    writer.write_record(header).expect("in memory");
    for p in &similarity.pairs {
        let regions: Vec<String> = p
            .regions
            .iter()
            .map(|r| {
                format!(
                    "{}:{}-{}={}:{}-{}",
                    r.file_a, r.lines_a.0, r.lines_a.1, r.file_b, r.lines_b.0, r.lines_b.1
                )
            })
            .collect();
        writer
            .write_record([
                p.exercise.as_str(),
                &p.a,
                &p.b,
                &format!("{:.3}", p.score),
                &p.shared.to_string(),
                &regions.join("; "),
            ])
            .expect("in memory");
    }
    String::from_utf8(writer.into_inner().expect("in memory")).expect("the fields are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(owner: &str, text: &str) -> Document {
        Document {
            owner: owner.into(),
            files: vec![SourceFile {
                path: "lib.rs".into(),
                text: text.into(),
            }],
        }
    }

    const BODY: &str = "pub fn total(xs: &[i64]) -> i64 {\n    let mut sum = 0;\n    for x in xs {\n        if *x > 0 {\n            sum += *x;\n        } else {\n            sum -= 1;\n        }\n    }\n    match sum {\n        0 => 1,\n        n => n * 2,\n    }\n}\n";

    #[test]
    fn a_copy_is_listed_with_its_region_and_the_skeleton_is_not_evidence() {
        let renamed = BODY.replace("sum", "acc").replace("xs", "items");
        let docs = [doc("alice", BODY), doc("bob", &renamed)];
        let (pairs, compared) = compare("01_x", &[], &docs, &[], 0.5);
        assert_eq!(compared, 1);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        let p = &pairs[0];
        assert_eq!((p.a.as_str(), p.b.as_str(), p.score), ("alice", "bob", 1.0));
        assert_eq!(p.regions.len(), 1);
        // Winnowing keeps one hash a window, so a region may stop a few tokens short
        // of the shared code's end: here within the last two lines.
        let (first, last) = p.regions[0].lines_a;
        assert!(first == 1 && (12..=14).contains(&last), "{:?}", p.regions);
        assert_eq!(p.regions[0].lines_a, p.regions[0].lines_b);
        assert!(p.regions[0].text_b.contains("acc += *x"));
        // Given as the skeleton, the same code is nobody's.
        let skeleton = [SourceFile {
            path: "lib.rs".into(),
            text: BODY.into(),
        }];
        assert!(compare("01_x", &skeleton, &docs, &[], 0.5).0.is_empty());
    }

    #[test]
    fn the_csv_has_a_row_per_pair() {
        let docs = [doc("a", BODY), doc("b", BODY)];
        let known = [doc("known:sol.rs", BODY)];
        let (pairs, _) = compare("01_x", &[], &docs, &known, 0.5);
        assert_eq!(pairs.len(), 3);
        let text = csv(&Similarity {
            threshold: 0.5,
            compared: 3,
            pairs,
        });
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][5], "lib.rs:1-12=lib.rs:1-12");
        assert!(rows.iter().any(|r| &r[2] == "known:sol.rs"));
    }
}
