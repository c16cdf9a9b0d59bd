//! Grading past one machine: which shard a job engine's task is (`--shard-from-env`),
//! and the stamp each run leaves so that `checker gradebook` merges only shards of one
//! course and one set of options.
//!
//! | engine | what it sets | shard |
//! | --- | --- | --- |
//! | Kubernetes Indexed Job | `JOB_COMPLETION_INDEX` (from 0); the Job sets `CHECKER_SHARDS` to its `completions` | index + 1 of `CHECKER_SHARDS` |
//! | Slurm job array | `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_MAX`, `SLURM_ARRAY_TASK_COUNT` | id - min + 1 of count |
//! | anything else (GitHub Actions' matrix) | `CHECKER_SHARD_INDEX` (from 0), `CHECKER_SHARDS` | index + 1 of `CHECKER_SHARDS` |
//!
//! Kubernetes does not put the number of completions in a pod's environment, and
//! GitHub Actions puts nothing there at all, so their files set `CHECKER_SHARDS`
//! (and `CHECKER_SHARD_INDEX`) from what they know: one small mapping here, rather
//! than shell arithmetic repeated in every file.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::pipeline::Grader;
use super::submissions;
use checker_core::course::Course;
use checker_core::digest::digest;
use checker_core::files::write_atomically;

/// Part K of N from the environment `var` reads, as the table above says; one line
/// naming the variables when they are missing or disagree.
pub fn shard_from_env(var: impl Fn(&str) -> Option<String>) -> Result<(u32, u32)> {
    let number = |name: &str| -> Result<Option<u32>> {
        match var(name) {
            None => Ok(None),
            Some(text) => text
                .trim()
                .parse::<u32>()
                .map(Some)
                .with_context(|| format!("--shard-from-env: {name}={text:?} is not a number")),
        }
    };
    let count = |name: &str, from: &str| -> Result<u32> {
        number(name)?.with_context(|| {
            format!(
                "--shard-from-env: {from} is set but {name} is not; set {name} to the number \
                 of shards (the Job's completions, the matrix's size)"
            )
        })
    };
    let (k, n, from) = if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        (
            index + 1,
            count("CHECKER_SHARDS", "JOB_COMPLETION_INDEX")?,
            "JOB_COMPLETION_INDEX",
        )
    } else if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        if number("SLURM_ARRAY_TASK_STEP")?.is_some_and(|s| s != 1) {
            bail!("--shard-from-env: a Slurm array with a step other than 1; use --array=MIN-MAX");
        }
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let n = match number("SLURM_ARRAY_TASK_COUNT")? {
            Some(n) => n,
            None => count("SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_ID")? + 1 - min,
        };
        if let Some(max) = number("SLURM_ARRAY_TASK_MAX")? {
            if max + 1 - min != n {
                bail!(
                    "--shard-from-env: the Slurm array {min}-{max} has gaps ({n} tasks); \
                     use --array=MIN-MAX without a list or step"
                );
            }
        }
        (
            id.wrapping_sub(min).wrapping_add(1),
            n,
            "SLURM_ARRAY_TASK_ID",
        )
    } else if let Some(index) = number("CHECKER_SHARD_INDEX")? {
        (
            index + 1,
            count("CHECKER_SHARDS", "CHECKER_SHARD_INDEX")?,
            "CHECKER_SHARD_INDEX",
        )
    } else {
        bail!(
            "--shard-from-env: none of JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID \
             (Slurm) or CHECKER_SHARD_INDEX is set; use --shard K/N outside a job engine"
        );
    };
    if n == 0 || k == 0 || k > n {
        bail!("--shard-from-env: {from} gives shard {k} of {n}, which is not one of 1..={n}");
    }
    Ok((k, n))
}

/// What a run was: the course and options its grades depend on, and its shard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// A digest of the course as graded: the checker's version, the catalog, the hidden
    /// and private suites, the dependencies.
    pub course: String,
    /// The options a grade depends on, as text: seed, timeout, exercises, sandbox.
    pub options: String,
    /// The shard, `K/N`, if the run was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

/// The stamp's file in a gradebook.
pub const STAMP: &str = "run.json";

impl Stamp {
    /// The stamp of a run of `grader` on `course`. Unlike the digest that decides
    /// resuming, it leaves out the checker binary's time and the machine's isolation,
    /// which differ between the machines of one class's shards.
    pub fn of(
        course: &Course,
        grader: &Grader,
        no_sandbox: bool,
        shard: Option<(u32, u32)>,
    ) -> Result<Stamp> {
        let mut parts = vec![
            env!("CARGO_PKG_VERSION").to_owned(),
            std::fs::read_to_string(course.catalog_path()).unwrap_or_default(),
            grader.compiler.deps.fingerprint.clone(),
        ];
        let mut names = Vec::new();
        for planned in &grader.plan {
            names.push(planned.exercise.name.clone());
            parts.push(planned.exercise.name.clone());
            parts.push(submissions::fingerprint_files(&planned.suite.dir)?);
            if let Some(dir) = planned.private.as_ref().and_then(|p| p.dir.as_ref()) {
                parts.push(submissions::fingerprint_files(dir)?);
            }
            parts.push(format!("{:?}", planned.exercise.tasks));
        }
        Ok(Stamp {
            course: digest(parts.iter().map(|p| p.as_bytes())),
            options: format!(
                "seed {} timeout {}s exercises {} sandbox {}",
                grader.seed,
                grader.timeout.as_secs(),
                names.join(","),
                if no_sandbox { "off" } else { "on" }
            ),
            shard: shard.map(|(k, n)| format!("{k}/{n}")),
        })
    }

    /// Writes the stamp into the gradebook `out`.
    pub fn save(&self, out: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        Ok(write_atomically(&out.join(STAMP), text.as_bytes())?)
    }

    /// The stamp of the gradebook `dir`, if it has one.
    pub fn load(dir: &Path) -> Result<Option<Stamp>> {
        let path = dir.join(STAMP);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .with_context(|| format!("{} is not a run's stamp", path.display()))
    }
}

/// Fails, naming the folder, unless every folder of `from` was graded with the course
/// and options of the first; the shards of one run otherwise. Folders without a stamp
/// (an older checker's) are let through with a warning.
pub fn check_stamps(from: &[&Path]) -> Result<Option<Stamp>> {
    let mut first: Option<(Stamp, &Path)> = None;
    for dir in from {
        let Some(stamp) = Stamp::load(dir)? else {
            eprintln!(
                "warning: {} has no {STAMP} (an older checker wrote it): its course and options \
                 cannot be checked against the other shards'",
                dir.display()
            );
            continue;
        };
        match &first {
            None => first = Some((stamp, dir)),
            Some((one, one_dir)) => {
                for (what, mine, theirs) in [
                    (
                        "course (catalog, suites or checker version)",
                        &stamp.course,
                        &one.course,
                    ),
                    ("options", &stamp.options, &one.options),
                ] {
                    if mine != theirs {
                        bail!(
                            "{} was graded with another {what} than {}: {} against {}; grade \
                             every shard with the same course and options, then merge",
                            dir.display(),
                            one_dir.display(),
                            if what == "options" {
                                mine.as_str()
                            } else {
                                "a different digest"
                            },
                            if what == "options" {
                                theirs.as_str()
                            } else {
                                "the first's"
                            },
                        );
                    }
                }
            }
        }
    }
    Ok(first.map(|(s, _)| Stamp { shard: None, ..s }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn each_engine_maps_to_k_of_n() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0"), ("CHECKER_SHARDS", "3")]);
        assert_eq!(shard_from_env(k8s).unwrap(), (1, 3));
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(shard_from_env(slurm).unwrap(), (3, 4));
        let slurm0 = env(&[("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_MAX", "1")]);
        assert_eq!(shard_from_env(slurm0).unwrap(), (1, 2));
        let actions = env(&[("CHECKER_SHARD_INDEX", "2"), ("CHECKER_SHARDS", "3")]);
        assert_eq!(shard_from_env(actions).unwrap(), (3, 3));
    }

    #[test]
    fn missing_or_inconsistent_variables_are_named() {
        for (vars, says) in [
            (vec![], "none of JOB_COMPLETION_INDEX"),
            (vec![("JOB_COMPLETION_INDEX", "1")], "CHECKER_SHARDS is not"),
            (
                vec![("JOB_COMPLETION_INDEX", "3"), ("CHECKER_SHARDS", "3")],
                "shard 4 of 3",
            ),
            (vec![("JOB_COMPLETION_INDEX", "x")], "not a number"),
            (
                vec![("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_STEP", "2")],
                "step",
            ),
            (
                vec![
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_MAX", "9"),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                ],
                "gaps",
            ),
        ] {
            let error = shard_from_env(env(&vars)).unwrap_err().to_string();
            assert!(error.contains(says), "{vars:?}: {error}");
        }
    }
}
