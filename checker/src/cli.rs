//! The command line, declared with clap's derive API.
//!
//! Commands nest by subject (`checker history check`), so that later subjects (the
//! exercises: list, check, hint, reset; grading; development tools) each get their own
//! group and their own module instead of one long flat list.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use testkit::check::DEFAULT_STEP_BUDGET;
use testkit::model::ModelKind;

/// The consistency-lab course: work through its exercises, grade a class, check
/// recorded histories.
#[derive(Debug, Parser)]
#[command(name = "checker", version)]
pub struct Cli {
    /// The course root (default: the folder around the current one that holds
    /// checker/catalog.toml, or CONSISTENCY_LAB_ROOT).
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,

    /// The command; without one, the watch mode on the current exercise (or, without a
    /// terminal, the course status once).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The top-level command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Progress by topic and task.
    List {
        /// Print the catalog with each task's state as JSON.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Show the next hint for the task you are on (the first one not done).
    Hint {
        /// The exercise (its name, number or topic); default: the one whose folder you
        /// are in, else the current one.
        exercise: Option<String>,
        /// The task to ask about, by id (`checker list` shows them); default: the first
        /// one not done at the last check.
        #[arg(long, value_name = "ID")]
        task: Option<String>,
        /// Show every hint of the task at once.
        #[arg(long)]
        all: bool,
    },
    /// Restore an exercise's skeleton, keeping a backup of your files (asks first).
    Reset {
        /// The exercise (its name, number or topic); default: the one whose folder you
        /// are in, else the current one.
        exercise: Option<String>,
        /// Do it without asking (for scripts; without a terminal it is required).
        #[arg(long)]
        yes: bool,
    },
    /// Check exercises against their hidden suites.
    ///
    /// Exit code 0 when every task passes, 1 when any fails, 2 when the checker could
    /// not run.
    Check(ExerciseCheckArgs),
    /// Grade a folder of submissions into a gradebook (for instructors).
    ///
    /// Each child of SUBMISSIONS is one submission: a copy of the course, its
    /// `exercises/` folder, or a .zip or .tar.gz of either. Each is compiled and tested
    /// in a bubblewrap sandbox. Writes grades.csv, gradebook.csv, grades.json, junit.xml
    /// and report.html (what the class did) into --out, the page of each failed history
    /// check under pages/, and per submission a Gradescope results.json and an Exercism
    /// results.json per exercise. An interrupted run resumes where it stopped.
    ///
    /// Exit code 0 when every submission was graded, 2 when the checker could not grade
    /// some (the rows say which) or could not start.
    Grade(GradeArgs),
    /// Merge the results of several `checker grade` runs (shards) into one gradebook.
    ///
    /// Refuses folders graded with another course version or other options than the
    /// first, naming the folder.
    Gradebook {
        /// Where to write the merged gradebook.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The --out folders of the runs to merge.
        #[arg(required = true, value_name = "DIR")]
        from: Vec<PathBuf>,
        /// Similarity and learning-management imports, as for `checker grade`.
        #[command(flatten)]
        class: ClassArgs,
    },
    /// Write the course as a graded class's students get it: no solutions (for
    /// instructors).
    ///
    /// The edition holds the catalog, the hidden suites, the skeletons as `exercises/`,
    /// the given crates, the test kit, the harness, the checker and the book; students
    /// can read all of it. Tests they must not see go in private suites
    /// (`checker grade --private-suite`).
    StudentEdition {
        /// An empty or new folder to write it into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Tools for course authors.
    Dev {
        /// What to do.
        #[command(subcommand)]
        command: DevCommand,
    },
    /// The last step into a grading sandbox: set limits, drop to the sandbox's user,
    /// run the program. Used by `checker grade` inside bubblewrap; not for people.
    #[command(hide = true, name = "sandbox-exec")]
    SandboxExec(SandboxExecArgs),
    /// The first step of a grading job's command: join the job's control group, then run
    /// the rest. Used by `checker grade` as root; not for people.
    #[command(hide = true, name = "sandbox-enter")]
    SandboxEnter {
        /// A control group's `cgroup.procs` file to join; repeat for more.
        #[arg(long)]
        join: Vec<PathBuf>,
        /// The program and its arguments, after `--`.
        #[arg(last = true, required = true)]
        program: Vec<std::ffi::OsString>,
    },
    /// Work with recorded histories (JSON, Jepsen register logs, key-value EDN logs).
    History {
        /// What to do with them.
        #[command(subcommand)]
        command: HistoryCommand,
    },
}

/// Arguments of `checker check`.
#[derive(Debug, Args)]
pub struct ExerciseCheckArgs {
    /// The exercise (its name, number or topic); default: the current one.
    pub exercise: Option<String>,
    /// Check every exercise.
    #[arg(long)]
    pub all: bool,
    /// Check the reference solutions instead of your copies.
    #[arg(long)]
    pub solution: bool,
    /// Check the copy of the exercise in this folder instead (it is not modified).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// The seed of the randomized tests, to replay a run.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Seconds a hidden test may run before its whole process tree is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Run only the hidden test with this name (progress is not recorded).
    #[arg(long, value_name = "NAME")]
    pub test: Option<String>,
    /// Results for people, or as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// Arguments of `checker grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The folder of submissions.
    #[arg(value_name = "SUBMISSIONS")]
    pub submissions: PathBuf,
    /// Where to write the gradebook (a new or empty folder, or one an earlier run wrote).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Grade only this exercise (its name, number or topic); repeat for more.
    #[arg(long, value_name = "EXERCISE")]
    pub exercise: Vec<String>,
    /// Submissions graded at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Grade only part K of N of the submissions (1 <= K <= N), to split a class
    /// across machines or CI jobs; merge the parts with `checker gradebook`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard, conflicts_with = "shard_from_env")]
    pub shard: Option<(u32, u32)>,
    /// Take K/N from a job engine's environment: a Kubernetes Indexed Job
    /// (JOB_COMPLETION_INDEX, with CHECKER_SHARDS), a Slurm job array
    /// (SLURM_ARRAY_TASK_ID), or CHECKER_SHARD_INDEX and CHECKER_SHARDS (see deploy/).
    #[arg(long)]
    pub shard_from_env: bool,
    /// Add the instructor's private suites in this folder (see docs/src/instructors.md).
    #[arg(long, value_name = "DIR")]
    pub private_suite: Option<PathBuf>,
    /// The seed of the randomized tests.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Seconds a test may run before its whole process tree is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Grade again submissions an earlier run already graded.
    #[arg(long)]
    pub regrade: bool,
    /// Run submitted code without the bubblewrap sandbox: it can then read any file
    /// you can (the hidden suites and other submissions included), write outside its
    /// folder and reach the network. Only for trusted code, or inside a container that
    /// holds one submission.
    #[arg(long)]
    pub no_sandbox: bool,
    /// When the checker runs as root, the first of the user ids sandboxed programs run
    /// as (one per job).
    #[arg(long, value_name = "UID", default_value_t = 60500)]
    pub sandbox_uid: u32,
    /// Similarity and learning-management imports.
    #[command(flatten)]
    pub class: ClassArgs,
}

/// What `checker grade` and `checker gradebook` write beside the gradebook: similarity
/// and the learning-management imports.
#[derive(Debug, Args)]
pub struct ClassArgs {
    /// List pairs of submissions sharing at least this fraction of their own code's
    /// fingerprints (0 to 1), in similarity.csv.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.7, value_parser = parse_fraction)]
    pub similarity_threshold: f64,
    /// A folder of known .rs files (published solutions, say) to compare every
    /// submission with; files under DIR/EXERCISE/ only with that exercise.
    #[arg(long, value_name = "DIR")]
    pub known: Option<PathBuf>,
    /// A CSV roster mapping submission ids to Canvas and Moodle identifiers; writes
    /// canvas.csv and moodle.csv (see docs/src/instructors.md).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
}

/// Reads a fraction between 0 and 1.
fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "{text}: expected a fraction between 0 and 1, such as 0.5"
        )),
    }
}

/// Reads `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let (k, n) = text.split_once('/').ok_or("expected K/N, such as 2/4")?;
    let number = |t: &str| t.trim().parse::<u32>().map_err(|e| format!("{t}: {e}"));
    let (k, n) = (number(k)?, number(n)?);
    if k == 0 || k > n {
        return Err(format!("{k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}

/// Arguments of `checker sandbox-exec`.
#[derive(Debug, Args)]
pub struct SandboxExecArgs {
    /// Address space per process, in bytes.
    #[arg(long)]
    pub memory: u64,
    /// Processor seconds per process.
    #[arg(long)]
    pub cpu: u64,
    /// Processes and threads of the user.
    #[arg(long)]
    pub processes: u64,
    /// Largest file written, in bytes.
    #[arg(long)]
    pub file_size: u64,
    /// Open files per process.
    #[arg(long)]
    pub open_files: u64,
    /// Files the private `/tmp` may hold (as root only).
    #[arg(long)]
    pub tmp_files: Option<u64>,
    /// `UID:GID` to become (as root only).
    #[arg(long, value_parser = parse_user)]
    pub user: Option<(u32, u32)>,
    /// The program and its arguments, after `--`.
    #[arg(last = true, required = true)]
    pub program: Vec<std::ffi::OsString>,
}

/// Reads `UID:GID`.
fn parse_user(text: &str) -> Result<(u32, u32), String> {
    let (uid, gid) = text.split_once(':').ok_or("expected UID:GID")?;
    let number = |t: &str| t.parse::<u32>().map_err(|e| format!("{t}: {e}"));
    Ok((number(uid)?, number(gid)?))
}

/// The `dev` commands.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Check the course itself: every skeleton compiles without warnings, holds a TODO
    /// and fails its hidden suite; every solution passes it and is rustfmt- and
    /// clippy-clean; the catalog and the folders agree.
    Verify {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
    },
    /// Check that each student's copy in exercises/ is its skeleton, as the course's
    /// repository ships it (for CI of the course; in a student's checkout they differ).
    Pristine,
    /// Mutation testing of the hidden suites: each mutant of a reference solution (made
    /// by cargo-mutants) checked with the exercise's hidden suite; reports caught,
    /// missed and unviable mutants (a benchmark: minutes per exercise).
    ///
    /// Exit code 0 when no mutant was missed, 1 when some was, 2 when it could not run.
    Mutants {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
        /// Seconds each hidden test may run on a mutant (a mutant may loop).
        #[arg(long, default_value_t = 20)]
        timeout: u64,
    },
    /// Draw the book's figures (docs/src/figures/NAME.svg) from their histories.
    Figures {
        /// Only check that every drawing on disk is the checker's and every verdict the
        /// one the text relies on; exit 1 otherwise.
        #[arg(long)]
        check: bool,
    },
}

/// The `history` commands.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Check each history against a consistency model: linearizability unless
    /// --consistency names another.
    ///
    /// Exit code 0 when every history satisfies it, 1 when one does not or could not be
    /// decided within the budget, 2 when a file cannot be read or parsed or the check
    /// cannot judge what it holds.
    Check(CheckArgs),
    /// Generate a random register history: linearizable by construction, or with one
    /// planted violation. For tests and benchmarks at the scale of real runs.
    Gen(GenArgs),
}

/// Arguments of `checker history gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Clients running at once.
    #[arg(long, default_value_t = 32)]
    pub clients: u32,

    /// Operations per client.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub ops_per_client: usize,

    /// Longest duration of an operation, in ticks. Longer operations overlap more.
    #[arg(long, value_name = "TICKS", default_value_t = 10)]
    pub max_duration: u64,

    /// Longest pause between a client's operations, in ticks. Shorter pauses overlap more.
    #[arg(long, value_name = "TICKS", default_value_t = 5)]
    pub max_gap: u64,

    /// Draw written values from 0..N; without it every written value is unique.
    #[arg(long, value_name = "N")]
    pub values: Option<i64>,

    /// Share of reads, 0 to 1.
    #[arg(long, default_value_t = 0.5)]
    pub reads: f64,

    /// Share of compare-and-swaps, 0 to 1 (the rest are writes).
    #[arg(long, default_value_t = 0.2)]
    pub cas: f64,

    /// Share of operations whose outcome is unknown (timeouts), 0 to 1.
    #[arg(long, default_value_t = 0.02)]
    pub unknown: f64,

    /// Plant one violation: a read that the model --plant names cannot explain.
    #[arg(long)]
    pub violation: bool,

    /// Which violation --violation plants.
    #[arg(long, value_enum, default_value_t = PlantArg::StaleRead)]
    pub plant: PlantArg,

    /// The seed: same seed and options, same history.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// The file format to write.
    #[arg(long, value_enum, default_value_t = GenFormat::Jepsen)]
    pub format: GenFormat,

    /// Where to write it; standard output without it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The formats `checker history gen` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// A Jepsen register log, as `history check` reads it.
    Jepsen,
    /// The course's JSON history format, naming the cas-register model.
    Json,
}

/// Arguments of `checker history check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The data model the searches (linearizable, sequential) check against. Default:
    /// the one the file implies (Jepsen logs: cas-register; key-value logs: kv; JSON:
    /// its "model" field).
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,

    /// The consistency model each history must satisfy. Default: the one the file names
    /// (a history kept beside a failed check's page names the property checked), else
    /// linearizable.
    #[arg(long, value_enum)]
    pub consistency: Option<Consistency>,

    /// How to print the results: for people, or one JSON object per file and line.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Search steps per file before giving up with an unknown verdict.
    #[arg(long, value_name = "STEPS", default_value_t = DEFAULT_STEP_BUDGET)]
    pub budget: u64,

    /// Also draw each history as a self-contained HTML page: the file PATH for one
    /// history, or PATH/NAME.html for each of several (PATH is then a folder).
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,

    /// The history files. The format is told from the content.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The models, as named on the command line.
///
/// A clap enum rather than parsing into [`ModelKind`] directly, so that `--help` and the
/// error for a wrong name list the choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// One value: reads and writes.
    Register,
    /// One value: reads, writes and compare-and-swap.
    CasRegister,
    /// Strings under keys: get, put and append.
    Kv,
}

impl From<ModelArg> for ModelKind {
    fn from(model: ModelArg) -> Self {
        match model {
            ModelArg::Register => ModelKind::Register,
            ModelArg::CasRegister => ModelKind::CasRegister,
            ModelArg::Kv => ModelKind::Kv,
        }
    }
}

/// The consistency models `history check` decides, as named on the command line.
///
/// The causal ones need no data model (the file's is ignored) but written values unique
/// per key, and take reads, writes and compare-and-swaps, not appends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Consistency {
    /// One order of all operations that respects real time and the model.
    Linearizable,
    /// One order of all operations that respects each client's order and the model.
    Sequential,
    /// No read misses a write in its causal past (the course's weak form).
    Causal,
    /// Each client's reads fit one order of all writes and its own operations that
    /// respects happens-before (past 4,096 operations, only what quick walks decide).
    CausalMemory,
    /// A client's reads reflect its own earlier writes.
    ReadYourWrites,
    /// A client's reads never go back to a value older than one it read before.
    MonotonicReads,
    /// A client's writes are seen in the order it made them.
    MonotonicWrites,
    /// A write follows the writes its client had read.
    WritesFollowReads,
    /// All four session guarantees.
    SessionGuarantees,
}

/// The violations `history gen --violation` plants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlantArg {
    /// A new client reads a value overwritten before it was called: not linearizable,
    /// but sequentially and causally consistent (the client had seen nothing).
    StaleRead,
    /// A client reads its own first change after its second: breaks every model
    /// `history check --consistency` names.
    OwnStaleRead,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A line per file, and the evidence of each violation.
    Human,
    /// One JSON object per file, one per line.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shards_are_k_of_n() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("2").is_err());
        assert_eq!(parse_user("60500:60500"), Ok((60500, 60500)));
        assert!(parse_user("root").is_err());
    }

    #[test]
    fn model_names_match_the_library() {
        for arg in ModelArg::value_variants() {
            let name = arg.to_possible_value().unwrap().get_name().to_owned();
            assert_eq!(ModelKind::from(*arg).name(), name);
        }
    }
}
