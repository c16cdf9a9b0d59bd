//! `checker sandbox-exec`: the last step into a sandbox, run inside it.
//!
//! Bubblewrap sets up the namespaces and the mounts; this step then lowers the process's
//! resource limits, drops to the sandbox's own user when the grader runs as root, forbids
//! gaining privileges, and replaces itself with the program to run. Doing it here rather
//! than in the grader before bubblewrap starts matters for two limits:
//!
//! - the number of processes is counted per user and user namespace; set inside the
//!   sandbox's own namespace it counts only the sandbox's processes, set outside it
//!   would also count every process the instructor runs;
//! - a user of its own can only be taken after the mounts are made, which need root.
//!
//! The rejected alternative, `prlimit` and `setpriv` from util-linux, would make the
//! grader depend on their options and versions for what is a few system calls.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::unistd::{Gid, Uid, setgroups, setresgid, setresuid};

/// The exit code when the program could not be started: as a shell says it.
const CANNOT_START: u8 = 127;

/// Resource limits of one sandboxed process and each of its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Address space per process, in bytes: an allocation beyond it fails.
    pub memory: u64,
    /// Processor time per process, in seconds.
    pub cpu_seconds: u64,
    /// Processes and threads of the sandbox's user at once.
    pub processes: u64,
    /// The largest file a process may write, in bytes.
    pub file_size: u64,
    /// Open files per process.
    pub open_files: u64,
    /// Files (and folders) the sandbox's private `/tmp` may hold at once, when set. Its
    /// bytes are capped by bubblewrap; the count of files only a remount can cap, which
    /// takes root.
    pub tmp_files: Option<u64>,
}

const MIB: u64 = 1024 * 1024;

impl Limits {
    /// For the compiler: it needs memory and threads, and runs no submitted code.
    pub fn compile() -> Self {
        Limits {
            memory: 6 * 1024 * MIB,
            cpu_seconds: 600,
            processes: 256,
            file_size: 1024 * MIB,
            open_files: 1024,
            tmp_files: None,
        }
    }

    /// For a test process: generous for any honest test of the course (which uses one
    /// thread and a few megabytes), small enough that a fork bomb or a memory hog stops
    /// long before it troubles the machine.
    pub fn test(cpu_seconds: u64) -> Self {
        Limits {
            memory: 1024 * MIB,
            cpu_seconds,
            processes: 32,
            file_size: 64 * MIB,
            open_files: 256,
            tmp_files: Some(4096),
        }
    }

    /// The arguments of `sandbox-exec` that set these limits.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            format!("--memory={}", self.memory),
            format!("--cpu={}", self.cpu_seconds),
            format!("--processes={}", self.processes),
            format!("--file-size={}", self.file_size),
            format!("--open-files={}", self.open_files),
        ];
        if let Some(files) = self.tmp_files {
            args.push(format!("--tmp-files={files}"));
        }
        args
    }
}

/// What `sandbox-exec` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confinement {
    /// The limits to set.
    pub limits: Limits,
    /// The user and group to become (only when started as root).
    pub user: Option<(u32, u32)>,
    /// The program and its arguments.
    pub program: Vec<OsString>,
}

/// Why a sandboxed process could not be confined: a system call refused, and what it
/// was for ("limit memory", "become user 60500").
#[derive(Debug, thiserror::Error)]
#[error("cannot {what}: {errno}")]
pub struct ConfineError {
    what: String,
    errno: nix::errno::Errno,
}

/// A refusal of the system to do `what`.
fn refused(what: impl Into<String>) -> impl FnOnce(nix::errno::Errno) -> ConfineError {
    let what = what.into();
    move |errno| ConfineError { what, errno }
}

/// Sets the limits, takes the user and runs the program; returns only if that failed.
pub fn exec(request: &Confinement) -> ExitCode {
    match confine(request) {
        Ok(()) => {}
        Err(problem) => {
            eprintln!("sandbox: {problem}");
            return ExitCode::from(CANNOT_START);
        }
    }
    become_program(&request.program)
}

/// `checker sandbox-enter`: joins the control groups, then becomes `program`; returns
/// only if that failed.
pub fn enter(procs: &[std::path::PathBuf], program: &[OsString]) -> ExitCode {
    if let Err(error) = super::cgroup::join(procs) {
        eprintln!("sandbox: cannot join the job's control group: {error}");
        return ExitCode::from(CANNOT_START);
    }
    become_program(program)
}

/// Replaces this process with `program` (and its arguments); returns only if that
/// failed.
fn become_program(program: &[OsString]) -> ExitCode {
    let Some((program, args)) = program.split_first() else {
        eprintln!("sandbox: no program to run");
        return ExitCode::from(CANNOT_START);
    };
    let error = Command::new(program).args(args).exec();
    eprintln!(
        "sandbox: cannot start {}: {error}",
        program.to_string_lossy()
    );
    ExitCode::from(CANNOT_START)
}

/// Caps how many files the sandbox's private `/tmp` holds, by remounting it (bubblewrap
/// can only cap its bytes). Empty files take no bytes but do take the kernel's memory:
/// a submission creating millions of them would otherwise slow the whole machine. Only
/// a sandbox started as root may remount; it is still root here, before taking its user.
#[cfg(target_os = "linux")]
fn cap_tmp_files(files: u64) -> Result<(), ConfineError> {
    use nix::mount::{MsFlags, mount};
    // A remount replaces the mount's flags: keep what bubblewrap set.
    let flags = MsFlags::MS_REMOUNT | MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    let data = format!("nr_inodes={files}");
    mount(
        None::<&str>,
        "/tmp",
        None::<&str>,
        flags,
        Some(data.as_str()),
    )
    .map_err(refused("cap the files of /tmp"))
}

#[cfg(not(target_os = "linux"))]
fn cap_tmp_files(_files: u64) -> Result<(), ConfineError> {
    Ok(())
}

/// Everything but the exec.
fn confine(request: &Confinement) -> Result<(), ConfineError> {
    let limits = &request.limits;
    // A limit can only be lowered by a process that is not root: never ask for more
    // than is already allowed.
    let set = |resource: Resource, soft: u64, hard: u64, what: &str| {
        let (_, allowed) =
            getrlimit(resource).map_err(refused(format!("read the limit of {what}")))?;
        let hard = hard.min(allowed);
        setrlimit(resource, soft.min(hard), hard).map_err(refused(format!("limit {what}")))
    };
    set(Resource::RLIMIT_AS, limits.memory, limits.memory, "memory")?;
    // The soft limit sends SIGXCPU, which a process can catch; the hard limit a second
    // later kills it for good.
    set(
        Resource::RLIMIT_CPU,
        limits.cpu_seconds,
        limits.cpu_seconds + 1,
        "processor time",
    )?;
    set(
        Resource::RLIMIT_FSIZE,
        limits.file_size,
        limits.file_size,
        "file size",
    )?;
    set(
        Resource::RLIMIT_NOFILE,
        limits.open_files,
        limits.open_files,
        "open files",
    )?;
    set(Resource::RLIMIT_CORE, 0, 0, "core dumps")?;
    if let (Some(files), Some(_)) = (limits.tmp_files, request.user) {
        cap_tmp_files(files)?;
    }
    if let Some((uid, gid)) = request.user {
        // Groups first: once the user is no longer root, it may not change them.
        setgroups(&[]).map_err(refused("drop supplementary groups"))?;
        let gid = Gid::from_raw(gid);
        setresgid(gid, gid, gid).map_err(refused(format!("become group {gid}")))?;
        let uid = Uid::from_raw(uid);
        setresuid(uid, uid, uid).map_err(refused(format!("become user {uid}")))?;
    }
    // Counted per user: set once the process is the user the count is for.
    set(
        Resource::RLIMIT_NPROC,
        limits.processes,
        limits.processes,
        "processes",
    )?;
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_no_new_privs().map_err(refused("forbid new privileges"))?;
    Ok(())
}
