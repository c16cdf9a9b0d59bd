//! Digests that decide what a run grades: which shard a submission is in, and whether
//! an earlier run's record of it still holds.

use anyhow::{Context, Result};

use super::pipeline::Grader;
use super::submissions::{self, Submission, SubmissionKind};
use checker_core::course::Course;
use checker_core::digest::{Fnv1a, digest};

/// Whether submission `id` belongs to shard `k` of `n`: by a digest of its id, so that
/// a submission stays in its shard when others are added or removed.
pub fn in_shard(id: &str, k: u32, n: u32) -> bool {
    let mut hash = Fnv1a::new();
    hash.write(id.as_bytes());
    let mut value = hash.value();
    // FNV's low bits differ little between names that differ in one character; the
    // finalizer of MurmurHash3 spreads every bit over all of them.
    value ^= value >> 33;
    value = value.wrapping_mul(0xff51_afd7_ed55_8ccd);
    value ^= value >> 33;
    value = value.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    value ^= value >> 33;
    value % u64::from(n) == u64::from(k - 1)
}

/// A digest of everything but the submission that a grade depends on: the checker, the
/// catalog, the suites, the dependencies, the options.
pub fn run_digest(course: &Course, grader: &Grader, isolation: &str) -> Result<String> {
    // The checker itself, by its size and time: a rebuilt checker may grade otherwise.
    let checker = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
        .unwrap_or_default();
    let mut parts = vec![
        env!("CARGO_PKG_VERSION").to_owned(),
        checker,
        std::fs::read_to_string(course.catalog_path()).unwrap_or_default(),
        grader.compiler.deps.fingerprint.clone(),
        format!("seed {} timeout {:?}", grader.seed, grader.timeout),
        isolation.to_owned(),
    ];
    for planned in &grader.plan {
        parts.push(planned.exercise.name.clone());
        parts.push(submissions::fingerprint_files(&planned.suite.dir)?);
        if let Some(dir) = planned.private.as_ref().and_then(|p| p.dir.as_ref()) {
            parts.push(submissions::fingerprint_files(dir)?);
        }
        parts.push(format!("{:?}", planned.exercise.tasks));
    }
    Ok(digest(parts.iter().map(|p| p.as_bytes())))
}

/// A digest of a submission's graded files, with the run's.
pub fn submission_digest(submission: &Submission, grader: &Grader, run: &str) -> Result<String> {
    let mut parts = vec![run.to_owned()];
    match submission.kind {
        SubmissionKind::Archive(_) => parts.push(
            submissions::fingerprint_file(&submission.origin)
                .with_context(|| format!("cannot read {}", submission.origin.display()))?,
        ),
        SubmissionKind::Folder => {
            let names: Vec<&str> = grader
                .plan
                .iter()
                .map(|p| p.exercise.name.as_str())
                .collect();
            let located = submissions::locate(&submission.origin, &names);
            for name in names {
                let src = located
                    .exercises_dir
                    .as_ref()
                    .map(|d| d.join(name).join("src"));
                let files = match src {
                    Some(src) if src.is_dir() => submissions::fingerprint_files(&src)
                        .with_context(|| format!("cannot read {}", src.display()))?,
                    _ => "none".to_owned(),
                };
                parts.push(format!("{name} {files}"));
            }
        }
    }
    Ok(digest(parts.iter().map(|p| p.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_submission_exactly_once() {
        let ids: Vec<String> = (0..200).map(|i| format!("student-{i}")).collect();
        for n in [1, 2, 3, 7] {
            let mut sizes = vec![0; n as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=n).filter(|&k| in_shard(id, k, n)).collect();
                assert_eq!(owners.len(), 1, "{id} in {owners:?} of {n}");
                sizes[owners[0] as usize - 1] += 1;
            }
            // A digest spreads them: no shard gets less than half its share.
            assert!(
                sizes.iter().all(|&s| s * 2 * n as usize >= ids.len()),
                "{sizes:?}"
            );
        }
    }
}
