//! The sandbox around everything a submission's code takes part in: its compilation and
//! every test process.
//!
//! Each sandboxed program runs under bubblewrap in new process, network, IPC and host
//! name namespaces, sees a read-only system (`/usr` and what the linker needs from
//! `/etc`), a fresh `/dev`, a small private `/tmp`, and only the folders a step binds in;
//! then [`confine`](super::confine) lowers its limits and, when the grader runs as
//! root, makes it a user of its own (one per grading slot, so that two submissions
//! graded at once never share a process count or can signal each other). There is no
//! network: the network namespace has only a loopback of its own.
//!
//! Test processes get no `/proc` at all: a process can read and write its own memory
//! through `/proc/self/mem` with plain file calls, which would reach the harness's
//! secret. Nor does the compiler of submitted code: `include_str!("/proc/self/mountinfo")`
//! would show the grader's paths. Only the step that links a suite gets one (its linker
//! wrapper needs `/proc/self/exe`); it compiles no submitted source.
//!
//! Without bubblewrap, [`Sandbox::unconfined`] keeps only the limits, the timeouts and
//! the clean environment; `checker grade` uses it only when asked with `--no-sandbox`.
//! As root it still runs submitted code (the exercise's compile and every test) as a
//! user of its own, when that user can read the toolchain and the scratch folders
//! ([`Sandbox::check_user`]): files only root may read, such as hidden suites made
//! private with `chmod 700`, then stay out of its reach (the Gradescope bundle does
//! that). Suites are compiled as root, since that step runs no submitted code.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use super::cgroup::{Cgroup, CgroupError};
use super::confine::Limits;

mod bwrap;
mod error;
mod launcher;
mod step;

pub use error::SandboxError;
pub use launcher::TestLauncher;
pub use step::Step;

use bwrap::{base_args, find_bwrap, parents};

/// The processes and threads of one job, together (each step is limited to fewer).
const JOB_PROCESSES: u64 = 512;

/// Where the checker itself appears inside a sandbox, to run `sandbox-exec`.
const HELPER: &str = "/sandbox/checker";

/// How sandboxed programs are started.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// Inside bubblewrap. As root it makes no user namespace (processes are counted per
    /// real user, and root's are never limited), and each program becomes `user`.
    Bubblewrap { bwrap: PathBuf, as_root: bool },
    /// Directly, with limits only.
    Unconfined,
}

/// A sandbox for one grading slot.
#[derive(Clone, Debug)]
pub struct Sandbox {
    kind: Kind,
    /// The checker binary, which runs `sandbox-exec`.
    helper: PathBuf,
    /// The user and group sandboxed programs become, when the grader is root.
    user: Option<(u32, u32)>,
    /// The grading job it is for.
    slot: u32,
    /// The job's control group, when the grader can make one.
    cgroup: Option<Arc<Cgroup>>,
    /// Why there is none, for the instructor.
    no_cgroup: Option<Arc<CgroupError>>,
}

/// What a sandboxed step is: it decides `/proc` and the size of `/tmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The compiler on submitted code: no submitted code runs, but its macros can read
    /// files at compile time (`include_str!`), so it sees no `/proc` (whose mount table
    /// would tell the grader's paths).
    Compile,
    /// The compiler linking a suite: no submitted source is compiled, and the linker
    /// needs `/proc/self/exe`.
    Link,
    /// A test process: submitted code runs.
    Test,
}

impl Sandbox {
    /// A bubblewrap sandbox for grading slot `slot`; when the grader is root, programs
    /// run as user and group `first_uid + slot`.
    ///
    /// Fails with a message for the instructor when bubblewrap is missing or cannot
    /// make its namespaces here (in a container that forbids them, say).
    pub fn bubblewrap(slot: u32, first_uid: u32) -> Result<Sandbox, SandboxError> {
        let bwrap = find_bwrap()?;
        let as_root = nix::unistd::geteuid().is_root();
        let id = first_uid + slot;
        let sandbox = Sandbox {
            kind: Kind::Bubblewrap { bwrap, as_root },
            helper: helper()?,
            user: as_root.then_some((id, id)),
            slot,
            cgroup: None,
            no_cgroup: None,
        };
        sandbox.probe()?;
        Ok(sandbox)
    }

    /// No isolation: limits, timeouts and a clean environment only; as root, submitted
    /// code runs as user and group `first_uid + slot` (see [`Sandbox::check_user`]).
    pub fn unconfined(slot: u32, first_uid: u32) -> Result<Sandbox, SandboxError> {
        let id = first_uid + slot;
        Ok(Sandbox {
            kind: Kind::Unconfined,
            helper: helper()?,
            user: nix::unistd::geteuid().is_root().then_some((id, id)),
            slot,
            cgroup: None,
            no_cgroup: None,
        })
    }

    /// Caps what all of the job's processes take together at `memory` bytes (and
    /// `JOB_PROCESSES`), with a control group of its own when the grader can make one.
    pub fn cap_job(&mut self, memory: u64) {
        match Cgroup::create(self.slot, memory, JOB_PROCESSES) {
            Ok(group) => self.cgroup = Some(Arc::new(group)),
            Err(why) => self.no_cgroup = Some(Arc::new(why)),
        }
    }

    /// Without bubblewrap, checks that the sandbox's own user can run `rustc` and read
    /// `readable` (the compiled dependencies, the scratch space); if not, programs run as
    /// the grader's user instead, and the returned note says so.
    pub fn check_user(&mut self, rustc: &Path, readable: &[&Path]) -> Option<String> {
        let (Kind::Unconfined, Some((uid, _))) = (&self.kind, self.user) else {
            return None;
        };
        let mut script = format!("test -x '{}'", rustc.display());
        for path in readable {
            script.push_str(&format!(" && test -r '{}'", path.display()));
        }
        let step = self.step(Profile::Compile);
        let reaches = self
            .command(
                &step,
                &Limits::compile(),
                Path::new("/bin/sh"),
                &["-c", &script],
            )
            .output()
            .is_ok_and(|o| o.status.success());
        if reaches {
            return None;
        }
        self.user = None;
        Some(format!(
            "user {uid} cannot read the toolchain or the scratch folders, so submitted code \
             runs as root; install the toolchain where every user can read it (the \
             Gradescope bundle does) to keep it apart"
        ))
    }

    /// Whether programs run inside bubblewrap.
    pub fn is_confined(&self) -> bool {
        matches!(self.kind, Kind::Bubblewrap { .. })
    }

    /// A short description for the instructor: how submissions are isolated.
    pub fn describe(&self) -> String {
        let mut text = match &self.kind {
            Kind::Bubblewrap { .. } => {
                "bubblewrap sandbox (no network, read-only system, private /tmp)".to_owned()
            }
            Kind::Unconfined => "NO sandbox (--no-sandbox): limits and timeouts only".to_owned(),
        };
        if let Some((uid, _)) = self.user {
            text.push_str(&format!("; submitted code runs as user {uid}"));
        }
        match (&self.cgroup, &self.no_cgroup) {
            (Some(cgroup), _) => text.push_str(&format!("; {}", cgroup.describe())),
            (None, Some(why)) => text.push_str(&format!(
                "; per-process limits only (no control group: {why})"
            )),
            (None, None) => {}
        }
        text
    }

    /// A new step with nothing bound in yet.
    pub fn step(&self, profile: Profile) -> Step {
        Step {
            confined: self.is_confined(),
            trusted: false,
            profile,
            binds: Vec::new(),
            env: Vec::new(),
            chdir: None,
            library_path: None,
        }
    }

    /// Makes `dir` (and what it holds) usable by sandboxed programs that must write
    /// there: when they run as a user of their own, the folder becomes theirs.
    pub fn hand_over(&self, dir: &Path) -> io::Result<()> {
        let Some((uid, gid)) = self.user else {
            return Ok(());
        };
        let owner = |path: &Path| std::os::unix::fs::chown(path, Some(uid), Some(gid));
        owner(dir)?;
        for entry in std::fs::read_dir(dir)? {
            owner(&entry?.path())?;
        }
        Ok(())
    }

    /// The command that runs `program args` as `step` says, with `limits`.
    pub fn command(
        &self,
        step: &Step,
        limits: &Limits,
        program: &Path,
        args: &[impl AsRef<OsStr>],
    ) -> Command {
        let mut exec_args: Vec<OsString> = vec!["sandbox-exec".into()];
        // Only a private /tmp of bubblewrap's, in a sandbox started as root, can have
        // its files capped: never remount the machine's own.
        let mut limits = *limits;
        if !matches!(self.kind, Kind::Bubblewrap { as_root: true, .. }) {
            limits.tmp_files = None;
        }
        exec_args.extend(limits.args().into_iter().map(OsString::from));
        // Only bubblewrap's mounts keep a trusted step's files out of a submission's
        // reach; without them, such a step keeps the grader's user.
        let keeps_user = step.trusted && !self.is_confined();
        if let (Some((uid, gid)), false) = (self.user, keeps_user) {
            exec_args.push(format!("--user={uid}:{gid}").into());
        }
        exec_args.push("--".into());
        exec_args.push(program.into());
        exec_args.extend(args.iter().map(|a| a.as_ref().to_owned()));

        let (program, mut args): (&Path, Vec<OsString>) = match &self.kind {
            Kind::Unconfined => (&self.helper, exec_args),
            Kind::Bubblewrap { bwrap, as_root } => {
                let mut args = base_args(*as_root, step.profile);
                let mut push =
                    |items: &[&OsStr]| args.extend(items.iter().map(|i| i.to_os_string()));
                push(&[
                    "--ro-bind".as_ref(),
                    self.helper.as_os_str(),
                    HELPER.as_ref(),
                ]);
                for bind in &step.binds {
                    for parent in parents(&bind.inside) {
                        push(&[
                            "--perms".as_ref(),
                            "0755".as_ref(),
                            "--dir".as_ref(),
                            parent.as_os_str(),
                        ]);
                    }
                    let flag = if bind.writable { "--bind" } else { "--ro-bind" };
                    push(&[
                        flag.as_ref(),
                        bind.host.as_os_str(),
                        bind.inside.as_os_str(),
                    ]);
                }
                if let Some(path) = &step.library_path {
                    push(&[
                        "--setenv".as_ref(),
                        "LD_LIBRARY_PATH".as_ref(),
                        path.as_os_str(),
                    ]);
                }
                for (name, value) in &step.env {
                    push(&["--setenv".as_ref(), name.as_ref(), value]);
                }
                if let Some(dir) = &step.chdir {
                    push(&["--chdir".as_ref(), dir.as_os_str()]);
                }
                push(&["--".as_ref(), HELPER.as_ref()]);
                args.extend(exec_args);
                (bwrap, args)
            }
        };
        // The job's control group first, so that everything the step starts is in it.
        let mut program = program.to_owned();
        if let Some(cgroup) = &self.cgroup {
            let mut enter: Vec<OsString> = vec!["sandbox-enter".into()];
            for procs in cgroup.procs() {
                let mut join = OsString::from("--join=");
                join.push(procs);
                enter.push(join);
            }
            enter.push("--".into());
            enter.push(program.into_os_string());
            enter.append(&mut args);
            (program, args) = (self.helper.clone(), enter);
        }
        let mut command = Command::new(program);
        command.args(args);
        if !self.is_confined() {
            command.env_clear();
            command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
            command.env("HOME", std::env::temp_dir());
            for (name, value) in &step.env {
                command.env(name, value);
            }
            if let Some(dir) = &step.chdir {
                command.current_dir(dir);
            }
        }
        command
    }

    /// Runs the checker's own `--version` in a test sandbox: bubblewrap starts, the
    /// limits and the user can be set, the program runs.
    fn probe(&self) -> Result<(), SandboxError> {
        let step = self.step(Profile::Test);
        let output = self
            .command(&step, &Limits::test(10), Path::new(HELPER), &["--version"])
            .output()
            .map_err(|e| SandboxError::BwrapRefused {
                said: format!("it could not start: {e}"),
            })?;
        if output.status.success() {
            return Ok(());
        }
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said
            .lines()
            .next()
            .unwrap_or("it failed without saying why");
        Err(SandboxError::BwrapRefused {
            said: first.to_owned(),
        })
    }
}

/// The checker binary, to run `sandbox-exec` from inside a sandbox.
fn helper() -> Result<PathBuf, SandboxError> {
    std::env::current_exe().map_err(SandboxError::NoHelper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unconfined_step_uses_host_paths() {
        let sandbox = Sandbox::unconfined(0, 60500).unwrap();
        let mut step = sandbox.step(Profile::Compile);
        assert_eq!(
            step.read_only(Path::new("/host/src"), "/work/src"),
            PathBuf::from("/host/src")
        );
        assert_eq!(
            step.toolchain(Path::new("/opt/rust")),
            PathBuf::from("/opt/rust")
        );
        assert!(step.binds.is_empty());
    }
}
