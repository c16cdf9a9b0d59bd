//! The job engines' files under deploy/: each is parsed (YAML with a real parser, the
//! Slurm scripts by their `#SBATCH` lines) so that a typo fails here, and its commands
//! are run as the engine would run them, with the variables the engine sets, on a small
//! class: every shard, then the merge. The merged gradebook must be the one a single
//! machine writes. And `checker gradebook` refuses shards of another course or other
//! options, naming the folder.
//!
//! Needs the `grade` feature (the root `cargo test` turns it on).

#![cfg(feature = "grade")]

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use grading::{HONEST, grade, said, sandbox_available, submission};
use yaml_rust2::{Yaml, YamlLoader};

/// A small class: honest, wrong, broken, a copy, and one that is missing the exercise.
fn class(dir: &Path) {
    submission(dir, "ana", HONEST);
    submission(
        dir,
        "ben",
        "pub fn add(a: i64, b: i64) -> i64 { a - b }\npub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n",
    );
    submission(dir, "cy", "pub fn add(a: i64, b: i64) -> i64 { a + b\n");
    submission(dir, "dee", HONEST);
    submission(
        dir,
        "eli",
        "pub fn add(a: i64, b: i64) -> i64 { b + a }\npub fn total(xs: &[i64]) -> i64 { xs.iter().fold(0, |s, x| s + x) }\n",
    );
    std::fs::create_dir_all(dir.join("fay/exercises")).unwrap();
}

/// The files of a gradebook that must not differ between one machine and a merge.
const COMPARED: [&str; 4] = ["grades.csv", "gradebook.csv", "similarity.csv", "run.json"];

fn deploy(file: &str) -> PathBuf {
    course::workspace().join("deploy").join(file)
}

fn yaml(file: &str) -> Yaml {
    let text = std::fs::read_to_string(deploy(file)).unwrap();
    let mut docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("deploy/{file} is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "deploy/{file}: one document");
    docs.remove(0)
}

fn text<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!("{what}: expected text, found {y:?}"))
}

/// A folder holding `checker`, the binary under test, for the `PATH`.
fn bin_dir(work: &Path) -> PathBuf {
    let dir = work.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("checker");
    if !link.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_checker"), &link).unwrap();
    }
    dir
}

/// Runs `script` with `shell` in the course `root`, the checker on the `PATH`, and `env`.
fn run(shell: &[&str], script: &str, root: &Path, bin: &Path, env: &[(String, String)]) -> Output {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(shell[0]);
    command
        .args(&shell[1..])
        .arg(script)
        .current_dir(root)
        .env("PATH", path)
        .env("CARGO_TARGET_DIR", course::shared_target())
        .env("NO_COLOR", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{script}\n{}", said(&out));
    out
}

fn options() -> String {
    if sandbox_available() {
        String::new()
    } else {
        "--no-sandbox".into()
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Grades the class on one machine, once for the three engines.
fn single(root: &Path, subs: &Path, work: &Path) -> PathBuf {
    let out = work.join("single");
    let run = grade(root, subs, &out, &[], sandbox_available());
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    out
}

fn same_gradebook(single: &Path, merged: &Path, engine: &str) {
    for file in COMPARED {
        let read = |dir: &Path| {
            std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("{engine}: {}: {e}", dir.join(file).display()))
        };
        assert_eq!(read(merged), read(single), "{engine}: {file} differs");
    }
    let graded = std::fs::read_dir(merged.join("submissions"))
        .unwrap()
        .count();
    assert_eq!(graded, 6, "{engine}");
}

#[test]
fn each_engine_grades_every_shard_and_the_merge_equals_one_machine() {
    let root = course::course("grade_jobs");
    let work = root.join("run");
    let subs = work.join("submissions");
    class(&subs);
    let bin = bin_dir(&work);
    let single = single(&root, &subs, &work);
    let subs_text = subs.display().to_string();

    // Kubernetes: the Indexed Job's pods, then the merge Job.
    let job = yaml("kubernetes/grade.yaml");
    assert_eq!(text(&job["kind"], "kind"), "Job");
    let spec = &job["spec"];
    assert_eq!(text(&spec["completionMode"], "completionMode"), "Indexed");
    let n = spec["completions"].as_i64().expect("completions");
    let container = &spec["template"]["spec"]["containers"][0];
    let env: BTreeMap<&str, &str> = container["env"]
        .as_vec()
        .expect("env")
        .iter()
        .map(|e| (text(&e["name"], "env name"), text(&e["value"], "env value")))
        .collect();
    assert_eq!(
        env["CHECKER_SHARDS"],
        n.to_string(),
        "CHECKER_SHARDS is the completions"
    );
    let mount = text(&container["volumeMounts"][0]["mountPath"], "mountPath");
    assert!(env["SUBMISSIONS"].starts_with(mount) && env["RESULTS"].starts_with(mount));
    let command: Vec<&str> = container["command"]
        .as_vec()
        .expect("command")
        .iter()
        .map(|c| text(c, "command"))
        .collect();
    let script = text(&container["args"][0], "args");
    let results = work.join("k8s");
    let results_text = results.display().to_string();
    for index in 0..n {
        let mut vars = pairs(&[
            ("JOB_COMPLETION_INDEX", &index.to_string()),
            ("CHECKER_SHARDS", env["CHECKER_SHARDS"]),
            ("SUBMISSIONS", &subs_text),
            ("RESULTS", &results_text),
        ]);
        vars.push(("GRADE_OPTIONS".into(), options()));
        let out = run(&command, script, &root, &bin, &vars);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(&format!("shard {}/{n}", index + 1)), "{said}");
    }
    let merge = yaml("kubernetes/merge.yaml");
    let container = &merge["spec"]["template"]["spec"]["containers"][0];
    let script = text(&container["args"][0], "merge args");
    run(
        &command,
        script,
        &root,
        &bin,
        &pairs(&[("RESULTS", &results_text)]),
    );
    same_gradebook(&single, &results.join("gradebook"), "kubernetes");

    // Slurm: the array's tasks, as its #SBATCH line bounds them, then the merge.
    let sbatch = std::fs::read_to_string(deploy("slurm/grade.sbatch")).unwrap();
    let array = sbatch
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array="))
        .expect("an #SBATCH --array line");
    let (min, max) = array.split_once('-').expect("--array=MIN-MAX");
    let (min, max): (u32, u32) = (min.parse().unwrap(), max.parse().unwrap());
    let results = work.join("slurm");
    let results_text = results.display().to_string();
    let grade_script = deploy("slurm/grade.sbatch").display().to_string();
    for id in min..=max {
        let mut vars = pairs(&[
            ("SLURM_ARRAY_JOB_ID", "4242"),
            ("SLURM_ARRAY_TASK_ID", &id.to_string()),
            ("SLURM_ARRAY_TASK_MIN", &min.to_string()),
            ("SLURM_ARRAY_TASK_MAX", &max.to_string()),
            ("SLURM_ARRAY_TASK_COUNT", &(max - min + 1).to_string()),
            ("SLURM_ARRAY_TASK_STEP", "1"),
            ("SLURM_CPUS_PER_TASK", "1"),
            ("SUBMISSIONS", &subs_text),
            ("RESULTS", &results_text),
        ]);
        vars.push(("GRADE_OPTIONS".into(), options()));
        run(&["bash"], &grade_script, &root, &bin, &vars);
    }
    let merge_script = deploy("slurm/merge.sbatch").display().to_string();
    run(
        &["bash"],
        &merge_script,
        &root,
        &bin,
        &pairs(&[("RESULTS", &results_text)]),
    );
    same_gradebook(&single, &results.join("gradebook"), "slurm");

    // GitHub Actions: the matrix's jobs, with the variables its expressions give, then
    // the merge job.
    let flow = yaml("github-actions/regrade.yml");
    let grade_job = &flow["jobs"]["grade"];
    let shards = grade_job["strategy"]["matrix"]["shard"]
        .as_vec()
        .expect("matrix")
        .len();
    assert_eq!(
        text(&grade_job["env"]["CHECKER_SHARD_INDEX"], "index"),
        "${{ strategy.job-index }}"
    );
    assert_eq!(
        text(&grade_job["env"]["CHECKER_SHARDS"], "count"),
        "${{ strategy.job-total }}"
    );
    let step = |job: &Yaml, name: &str| -> String {
        job["steps"]
            .as_vec()
            .expect("steps")
            .iter()
            .find(|s| s["name"].as_str() == Some(name))
            .map(|s| text(&s["run"], name).to_owned())
            .unwrap_or_else(|| panic!("no step {name:?}"))
    };
    let uploads: Vec<&Yaml> = grade_job["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        })
        .collect();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        uploads[0]["with"]["include-hidden-files"].as_bool(),
        Some(true)
    );
    let merge_job = &flow["jobs"]["merge"];
    assert_eq!(text(&merge_job["needs"], "needs"), "grade");
    let results = work.join("actions");
    let results_text = results.display().to_string();
    let workflow_env = &flow["env"];
    assert_eq!(text(&workflow_env["GRADE_OPTIONS"], "GRADE_OPTIONS"), "");
    for index in 0..shards {
        let mut vars = pairs(&[
            ("CHECKER_SHARD_INDEX", &index.to_string()),
            ("CHECKER_SHARDS", &shards.to_string()),
            ("SUBMISSIONS", &subs_text),
            ("RESULTS", &results_text),
            ("GITHUB_ACTIONS", "true"),
        ]);
        vars.push(("GRADE_OPTIONS".into(), options()));
        run(
            &["bash", "-e", "-c"],
            &step(grade_job, "Grade this shard"),
            &root,
            &bin,
            &vars,
        );
    }
    run(
        &["bash", "-e", "-c"],
        &step(merge_job, "Merge the shards"),
        &root,
        &bin,
        &pairs(&[("RESULTS", &results_text)]),
    );
    same_gradebook(&single, &root.join("gradebook"), "github actions");
}

#[test]
fn slurm_submit_queues_the_merge_after_the_whole_array() {
    let work = course::workspace().join("target/course-tests/grade_jobs_submit");
    _ = std::fs::remove_dir_all(&work);
    let bin = work.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // A stand-in for sbatch: notes its arguments, answers the first call with a job id
    // as --parsable prints it on a cluster that names itself.
    let log = work.join("sbatch.log");
    let fake = format!(
        "#!/bin/sh\necho \"$*\" >> {log}\nif [ \"$1\" = --parsable ]; then echo '4242;main'; fi\n",
        log = log.display()
    );
    std::fs::write(bin.join("sbatch"), fake).unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(bin.join("sbatch"))
        .status()
        .unwrap();
    let submit = deploy("slurm/submit.sh").display().to_string();
    run(&["bash"], &submit, &work, &bin, &[]);
    let calls = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    let slurm = deploy("slurm");
    assert_eq!(
        calls,
        [
            format!("--parsable {}/grade.sbatch", slurm.display()),
            format!("--dependency=afterok:4242 {}/merge.sbatch", slurm.display()),
        ]
    );
}

/// Asserts that a merge was refused (exit 2) with a message naming `shard` and saying
/// `why`.
fn refused_naming(merge: &Output, shard: &Path, why: &str) {
    assert_eq!(merge.status.code(), Some(2), "{}", said(merge));
    let says = String::from_utf8_lossy(&merge.stderr);
    assert!(
        says.contains(&shard.display().to_string()) && says.contains(why),
        "{}",
        said(merge)
    );
}

#[test]
fn gradebook_refuses_shards_of_other_options_or_another_course_naming_the_shard() {
    let root = course::course("grade_jobs_mixed");
    let work = root.join("run");
    let subs = work.join("submissions");
    class(&subs);
    let sandboxed = sandbox_available();
    let shard = |k: u32, extra: &[&str]| -> PathBuf {
        let out = work.join(format!("part{k}-{}", extra.join("")));
        let spec = format!("{k}/2");
        let mut args = vec!["--shard", spec.as_str()];
        args.extend_from_slice(extra);
        let run = grade(&root, &subs, &out, &args, sandboxed);
        assert_eq!(run.status.code(), Some(0), "{}", said(&run));
        out
    };
    let merge = |parts: &[&Path]| -> Output {
        let out = work.join("merged");
        _ = std::fs::remove_dir_all(&out);
        let mut args = vec!["gradebook", "--out", out.to_str().unwrap()];
        args.extend(parts.iter().map(|p| p.to_str().unwrap()));
        course::checker(&root, &args)
    };
    let one = shard(1, &[]);
    let two = shard(2, &[]);
    let fine = merge(&[&one, &two]);
    assert_eq!(fine.status.code(), Some(0), "{}", said(&fine));

    let seeded = shard(2, &["--seed", "7"]);
    let refused = merge(&[&one, &seeded]);
    refused_naming(&refused, &seeded, "seed 7");
    assert!(!work.join("merged/grades.csv").exists());

    // The suite changes between the shards: another course.
    let suite = root.join("checker/suites/01_sums/main.rs");
    let mut text = std::fs::read_to_string(&suite).unwrap();
    text.push_str("\n// A later version of the suite.\n");
    std::fs::write(&suite, text).unwrap();
    let later = shard(2, &["--timeout", "30"]);
    let refused = merge(&[&one, &later]);
    refused_naming(&refused, &later, "another course");
}

#[test]
fn shard_from_env_without_an_engine_stops_with_one_line_naming_the_variables() {
    let root = course::course("grade_jobs_env");
    let subs = root.join("run/submissions");
    submission(&subs, "ana", HONEST);
    let out = root.join("run/out");
    let run = course::checker_with(
        &root,
        &[
            "grade",
            subs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--shard-from-env",
        ],
        &[("JOB_COMPLETION_INDEX", "2"), ("CHECKER_SHARDS", "2")],
    );
    assert_eq!(run.status.code(), Some(2), "{}", said(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", said(&run));
    assert!(
        lines[0].contains("JOB_COMPLETION_INDEX gives shard 3 of 2"),
        "{}",
        said(&run)
    );
    assert!(!out.exists(), "nothing is written");
    let both = course::checker(
        &root,
        &[
            "grade",
            subs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--shard-from-env",
            "--shard",
            "1/2",
        ],
    );
    assert_eq!(both.status.code(), Some(2), "{}", said(&both));
    assert!(!out.exists());
}
