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
//! secret. The compiler gets one (its linker wrapper needs `/proc/self/exe`), since no
//! submitted code runs while it compiles: no build scripts, no procedural macros.
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

use super::confine::Limits;
use crate::runner::{Launch, Launcher};

/// The environment variable naming the bubblewrap program to use (default: `bwrap` on
/// the `PATH`).
pub const BWRAP_VAR: &str = "CONSISTENCY_LAB_BWRAP";

/// Where the checker itself appears inside a sandbox, to run `sandbox-exec`.
const HELPER: &str = "/sandbox/checker";

/// The size of the private `/tmp` of a test, and of a compile.
const TEST_TMP_BYTES: u64 = 64 * 1024 * 1024;
const COMPILE_TMP_BYTES: u64 = 512 * 1024 * 1024;

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sandbox {
    kind: Kind,
    /// The checker binary, which runs `sandbox-exec`.
    helper: PathBuf,
    /// The user and group sandboxed programs become, when the grader is root.
    user: Option<(u32, u32)>,
}

/// What a sandboxed step is: it decides `/proc` and the size of `/tmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The compiler: no submitted code runs.
    Compile,
    /// A test process: submitted code runs.
    Test,
}

impl Sandbox {
    /// A bubblewrap sandbox for grading slot `slot`; when the grader is root, programs
    /// run as user and group `first_uid + slot`.
    ///
    /// Fails with a message for the instructor when bubblewrap is missing or cannot
    /// make its namespaces here (in a container that forbids them, say).
    pub fn bubblewrap(slot: u32, first_uid: u32) -> Result<Sandbox, String> {
        let bwrap = find_bwrap()?;
        let as_root = nix::unistd::geteuid().is_root();
        let id = first_uid + slot;
        let sandbox = Sandbox {
            kind: Kind::Bubblewrap { bwrap, as_root },
            helper: helper()?,
            user: as_root.then_some((id, id)),
        };
        sandbox.probe()?;
        Ok(sandbox)
    }

    /// No isolation: limits, timeouts and a clean environment only; as root, submitted
    /// code runs as user and group `first_uid + slot` (see [`Sandbox::check_user`]).
    pub fn unconfined(slot: u32, first_uid: u32) -> Result<Sandbox, String> {
        let id = first_uid + slot;
        Ok(Sandbox {
            kind: Kind::Unconfined,
            helper: helper()?,
            user: nix::unistd::geteuid().is_root().then_some((id, id)),
        })
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
        match (&self.kind, self.user) {
            (Kind::Bubblewrap { .. }, Some((uid, _))) => format!(
                "bubblewrap sandbox (no network, read-only system, private /tmp), as user {uid}"
            ),
            (Kind::Bubblewrap { .. }, None) => {
                "bubblewrap sandbox (no network, read-only system, private /tmp)".to_owned()
            }
            (Kind::Unconfined, Some((uid, _))) => format!(
                "NO sandbox (--no-sandbox): limits and timeouts only; submitted code runs \
                 as user {uid}"
            ),
            (Kind::Unconfined, None) => {
                "NO sandbox (--no-sandbox): limits and timeouts only".to_owned()
            }
        }
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

        let Kind::Bubblewrap { bwrap, as_root } = &self.kind else {
            let mut command = Command::new(&self.helper);
            command.args(exec_args).env_clear();
            command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
            command.env("HOME", std::env::temp_dir());
            for (name, value) in &step.env {
                command.env(name, value);
            }
            if let Some(dir) = &step.chdir {
                command.current_dir(dir);
            }
            return command;
        };
        let mut command = Command::new(bwrap);
        command.args(base_args(*as_root, step.profile));
        command.args([
            "--ro-bind".as_ref(),
            self.helper.as_os_str(),
            HELPER.as_ref(),
        ]);
        for bind in &step.binds {
            for parent in parents(&bind.inside) {
                command.args(["--perms", "0755", "--dir"]).arg(parent);
            }
            let flag = if bind.writable { "--bind" } else { "--ro-bind" };
            command.arg(flag).arg(&bind.host).arg(&bind.inside);
        }
        if let Some(path) = &step.library_path {
            command.arg("--setenv").arg("LD_LIBRARY_PATH").arg(path);
        }
        for (name, value) in &step.env {
            command.arg("--setenv").arg(name).arg(value);
        }
        if let Some(dir) = &step.chdir {
            command.arg("--chdir").arg(dir);
        }
        command.arg("--").arg(HELPER).args(exec_args);
        command
    }

    /// Runs the checker's own `--version` in a test sandbox: bubblewrap starts, the
    /// limits and the user can be set, the program runs.
    fn probe(&self) -> Result<(), String> {
        let step = self.step(Profile::Test);
        let output = self
            .command(&step, &Limits::test(10), Path::new(HELPER), &["--version"])
            .output()
            .map_err(|e| format!("cannot start bubblewrap: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said
            .lines()
            .next()
            .unwrap_or("it failed without saying why");
        Err(format!(
            "bubblewrap is installed but cannot make a sandbox here ({first}); it needs \
             user namespaces, or root"
        ))
    }
}

/// Starts each test process of the runner inside a [`Sandbox`], with test limits.
#[derive(Clone, Debug)]
pub struct TestLauncher {
    sandbox: Sandbox,
    limits: Limits,
}

impl TestLauncher {
    /// A launcher for `sandbox` whose test processes get `limits`.
    pub fn new(sandbox: Sandbox, limits: Limits) -> Self {
        TestLauncher { sandbox, limits }
    }
}

impl Launcher for TestLauncher {
    fn command(&self, launch: &Launch<'_>) -> io::Result<Command> {
        // The report socket must be reachable by the sandbox's user.
        self.sandbox.hand_over(launch.socket_dir)?;
        let mut step = self.sandbox.step(Profile::Test);
        let binary = step.read_only(launch.binary, "/sandbox/suite");
        let socket_dir = launch.socket_dir.to_string_lossy().into_owned();
        step.writable(launch.socket_dir, &socket_dir);
        step.chdir(Path::new("/tmp"));
        for (name, value) in launch.env {
            step.env(name, value);
        }
        Ok(self
            .sandbox
            .command(&step, &self.limits, &binary, launch.args))
    }

    fn signals_as_exit_codes(&self) -> bool {
        self.sandbox.is_confined()
    }
}

/// One bind mount.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bind {
    host: PathBuf,
    inside: PathBuf,
    writable: bool,
}

/// What one sandboxed program sees: the folders bound in, its environment, where it
/// starts. Paths handed out are where the program finds things (the same as on the
/// host without a sandbox).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    confined: bool,
    trusted: bool,
    profile: Profile,
    binds: Vec<Bind>,
    env: Vec<(String, OsString)>,
    chdir: Option<PathBuf>,
    library_path: Option<PathBuf>,
}

impl Step {
    /// Binds `host` read-only at `inside`; returns the path to use.
    pub fn read_only(&mut self, host: &Path, inside: &str) -> PathBuf {
        self.bind(host, inside, false)
    }

    /// Binds `host` writable at `inside`; returns the path to use.
    pub fn writable(&mut self, host: &Path, inside: &str) -> PathBuf {
        self.bind(host, inside, true)
    }

    fn bind(&mut self, host: &Path, inside: &str, writable: bool) -> PathBuf {
        if !self.confined {
            return host.to_owned();
        }
        self.binds.push(Bind {
            host: host.to_owned(),
            inside: PathBuf::from(inside),
            writable,
        });
        PathBuf::from(inside)
    }

    /// Binds a Rust sysroot read-only and lets its programs find their libraries
    /// (without `/proc`, `$ORIGIN` in their library paths cannot be resolved). Returns
    /// the sysroot to use.
    pub fn toolchain(&mut self, sysroot: &Path) -> PathBuf {
        let inside = self.read_only(sysroot, "/toolchain");
        if self.confined {
            self.library_path = Some(inside.join("lib"));
        }
        inside
    }

    /// Marks the step as running no submitted code while it reads what submitted code
    /// must not (a suite's sources).
    pub fn trusted(&mut self) {
        self.trusted = true;
    }

    /// Sets an environment variable.
    pub fn env(&mut self, name: &str, value: impl Into<OsString>) {
        self.env.push((name.to_owned(), value.into()));
    }

    /// Where the program starts.
    pub fn chdir(&mut self, dir: &Path) {
        self.chdir = Some(dir.to_owned());
    }
}

/// The arguments every bubblewrap sandbox starts with.
fn base_args(as_root: bool, profile: Profile) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
    ]
    .map(OsString::from)
    .to_vec();
    if !as_root {
        // The sandbox's own user namespace, in which it may not make another.
        args.extend(["--unshare-user", "--disable-userns"].map(OsString::from));
    }
    let mut push = |items: &[&str]| args.extend(items.iter().map(OsString::from));
    push(&["--ro-bind", "/usr", "/usr"]);
    for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
        match std::fs::read_link(top) {
            Ok(target) => {
                let target = target.to_string_lossy().into_owned();
                push(&["--symlink", &target, top]);
            }
            Err(_) if Path::new(top).is_dir() => push(&["--ro-bind", top, top]),
            Err(_) => {}
        }
    }
    push(&["--perms", "0755", "--dir", "/etc"]);
    // The linker is found through /etc/alternatives; the loader reads its cache.
    for file in [
        "/etc/alternatives",
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
    ] {
        push(&["--ro-bind-try", file, file]);
    }
    push(&["--dev", "/dev"]);
    let tmp = match profile {
        Profile::Compile => COMPILE_TMP_BYTES,
        Profile::Test => TEST_TMP_BYTES,
    };
    let tmp = tmp.to_string();
    push(&["--perms", "1777", "--size", &tmp, "--tmpfs", "/tmp"]);
    if profile == Profile::Compile {
        push(&["--proc", "/proc"]);
    }
    push(&["--perms", "0755", "--dir", "/sandbox"]);
    push(&["--setenv", "PATH", "/usr/bin:/bin"]);
    push(&["--setenv", "HOME", "/tmp"]);
    push(&["--setenv", "TMPDIR", "/tmp"]);
    push(&["--setenv", "LANG", "C.UTF-8"]);
    args
}

/// The folders above `path` that bubblewrap must create for a mount point, outermost
/// first, each world-readable: as root it would otherwise copy the host's modes, and a
/// mount below `/root` would be unreachable to the sandbox's user.
fn parents(path: &Path) -> Vec<PathBuf> {
    let mut parents: Vec<PathBuf> = path
        .ancestors()
        .skip(1)
        .filter(|p| !p.as_os_str().is_empty() && *p != Path::new("/"))
        .filter(|p| !matches!(p.to_str(), Some("/tmp" | "/sandbox" | "/etc")))
        .map(Path::to_owned)
        .collect();
    parents.reverse();
    parents
}

/// The bubblewrap program: `CONSISTENCY_LAB_BWRAP`, or `bwrap` on the `PATH`.
fn find_bwrap() -> Result<PathBuf, String> {
    let missing = "bubblewrap is not installed (on Debian or Ubuntu: `sudo apt-get install \
                   bubblewrap`)";
    if let Some(path) = std::env::var_os(BWRAP_VAR) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{missing}: {BWRAP_VAR} names {}", path.display()))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("bwrap"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| missing.to_owned())
}

/// The checker binary, to run `sandbox-exec` from inside a sandbox.
fn helper() -> Result<PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot find the checker's own binary: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_points_get_their_parents_created_outermost_first() {
        assert_eq!(
            parents(Path::new("/work/01_x/src")),
            [PathBuf::from("/work"), PathBuf::from("/work/01_x")]
        );
        assert_eq!(parents(Path::new("/toolchain")), Vec::<PathBuf>::new());
        // /tmp and /sandbox are made by the base arguments, with their own modes.
        assert_eq!(
            parents(Path::new("/tmp/checker-1/report.sock")),
            [PathBuf::from("/tmp/checker-1")]
        );
    }

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

    #[test]
    fn tests_get_no_proc_and_compiles_do() {
        let has_proc = |profile| {
            base_args(true, profile)
                .windows(2)
                .any(|w| w[0] == "--proc" && w[1] == "/proc")
        };
        assert!(!has_proc(Profile::Test));
        assert!(has_proc(Profile::Compile));
        let args = base_args(false, Profile::Test);
        assert!(args.iter().any(|a| a == "--unshare-net"));
        assert!(args.iter().any(|a| a == "--disable-userns"));
        assert!(
            !base_args(true, Profile::Test)
                .iter()
                .any(|a| a == "--unshare-user")
        );
    }
}
