//! What every bubblewrap sandbox is made of: its arguments, the folders a mount point
//! needs, and where bubblewrap is.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::Profile;
use super::error::SandboxError;

/// The environment variable naming the bubblewrap program to use (default: `bwrap` on
/// the `PATH`).
pub const BWRAP_VAR: &str = "CONSISTENCY_LAB_BWRAP";

/// The size of the private `/tmp` of a test, and of a compile.
const TEST_TMP_BYTES: u64 = 64 * 1024 * 1024;
const COMPILE_TMP_BYTES: u64 = 512 * 1024 * 1024;

/// The arguments every bubblewrap sandbox starts with.
pub(super) fn base_args(as_root: bool, profile: Profile) -> Vec<OsString> {
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
        Profile::Compile | Profile::Link => COMPILE_TMP_BYTES,
        Profile::Test => TEST_TMP_BYTES,
    };
    let tmp = tmp.to_string();
    push(&["--perms", "1777", "--size", &tmp, "--tmpfs", "/tmp"]);
    if profile == Profile::Link {
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
pub(super) fn parents(path: &Path) -> Vec<PathBuf> {
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
pub(super) fn find_bwrap() -> Result<PathBuf, SandboxError> {
    if let Some(path) = std::env::var_os(BWRAP_VAR) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(SandboxError::BwrapNotAt {
                var: BWRAP_VAR,
                path,
            })
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("bwrap"))
        .find(|candidate| candidate.is_file())
        .ok_or(SandboxError::NoBwrap)
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
    fn only_linking_a_suite_gets_proc() {
        let has_proc = |profile| {
            base_args(true, profile)
                .windows(2)
                .any(|w| w[0] == "--proc" && w[1] == "/proc")
        };
        assert!(!has_proc(Profile::Test));
        assert!(!has_proc(Profile::Compile));
        assert!(has_proc(Profile::Link));
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
