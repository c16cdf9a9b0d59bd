//! `checker grade`: grading a folder of untrusted submissions into a gradebook.
//!
//! ```text
//! submissions/  -> list, unpack, locate each exercise      (submissions, archive)
//!               -> copy its src/ into a scratch folder      (submissions)
//!               -> look for what no honest solution needs   (checker_core::integrity)
//!               -> compile it, then its suite, in a sandbox (compile, deps, sandbox)
//!               -> run each test in a sandbox              (runner, sandbox)
//!               -> one record per submission                (record)
//!               -> gradebook files and a summary            (reports)
//! ```
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`command`] | the run as a whole: folders, shards, jobs, resuming, the summary |
//! | [`digests`] | which shard a submission is in, and whether an earlier record holds |
//! | [`gradebook`] | the gradebook written from the records, the summary, merging shards |
//! | [`submissions`] | listing the submissions, finding their exercises, copying their sources, fingerprints |
//! | [`archive`] | unpacking a submitted archive safely, under limits |
//! | [`pipeline`] | grading one submission, exercise by exercise |
//! | [`private`] | an instructor's private suites and tasks |
//! | [`store`] | the gradebook folder: its marker, the records, atomic writes |
//! | [`progress`] | the progress bar and the estimate of the time left |
//! | [`sandbox`] | bubblewrap around every compile and test of a submission |
//! | [`cgroup`] | a control group per job, capping its memory and processes together |
//! | [`confine`] | `checker sandbox-exec`: limits and a user of its own, inside the sandbox |
//! | [`compile`] | the exercise, then its suite, compiled by rustc alone in the sandbox |
//! | [`exec`] | one bounded, killable step that is not a test |
//! | [`deps`] | the course's dependencies, compiled once for every submission |
//! | [`record`] | what grading one submission produced, as stored and resumed |
//! | [`reports`] | the gradebook rendered from the records: CSV, JSON, JUnit, Gradescope, Exercism |
//! | [`similarity`] | which submissions share code, per exercise, and where (`similarity.csv`) |
//! | [`lms`] | Canvas and Moodle grade imports, students named by a roster |
//! | [`jobs`] | shards from a job engine's environment; the stamp that keeps merges to one run |

pub mod archive;
pub mod cgroup;
pub mod command;
pub mod compile;
pub mod confine;
pub mod deps;
pub mod digests;
pub mod exec;
pub mod gradebook;
pub mod jobs;
pub mod lms;
pub mod pipeline;
pub mod private;
pub mod progress;
pub mod record;
pub mod reports;
pub mod sandbox;
pub mod similarity;
pub mod store;
pub mod submissions;
