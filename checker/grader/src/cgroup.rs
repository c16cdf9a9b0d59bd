//! A control group per grading job, when the grader runs as root: it caps the memory and
//! the processes of everything a job starts, together, and gives each job an equal share
//! of the processors.
//!
//! Resource limits ([`confine`](super::confine)) cap each process; a submission that
//! starts many processes, each below its own limits, could still take the machine's
//! memory. A control group caps their sum. Two layouts are known: cgroup v1 with the
//! `memory` and `pids` controllers under `/sys/fs/cgroup/NAME/`, and cgroup v2 where the
//! grader's group is the root of the hierarchy (as in a container). Elsewhere (not root,
//! a v2 group with processes of its own) there is none, and the per-process limits are
//! all there is; the run says which.
//!
//! The processor share matters when jobs run side by side: without it, a submission that
//! starts thirty busy threads takes thirty times the processor time of a neighbour's
//! single test thread, whose tests then time out. With a group each, and equal weights,
//! the scheduler divides the processors between the jobs first and between their threads
//! second, so a job can slow only itself.
//!
//! A step joins its job's group with `checker sandbox-enter`, which writes its own
//! process id into the group and then becomes the step: everything the step starts is in
//! the group from its first instruction.

use std::fs;
use std::io;

use std::path::{Path, PathBuf};

/// Where control groups are mounted.
const ROOT: &str = "/sys/fs/cgroup";

/// Why a job has no control group of its own (it is graded with per-process limits).
#[derive(Debug, thiserror::Error)]
pub enum CgroupError {
    /// Only root may make control groups.
    #[error("not root")]
    NotRoot,
    /// cgroup v2 with the grader's group elsewhere than at the root.
    #[error("cgroup v2, and the grader's group is not the root of it")]
    NotAtRoot,
    /// A controller the group needs is missing.
    #[error("no {0} controller")]
    NoController(&'static str),
    /// The file system said no.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// The control group of one job, removed when dropped.
#[derive(Debug)]
pub struct Cgroup {
    /// The groups made (one per controller in v1, one in v2).
    dirs: Vec<PathBuf>,
    /// Which layout.
    version: &'static str,
    /// The memory cap, in bytes.
    memory: u64,
    /// The process cap.
    processes: u64,
    /// Whether the group has a processor share of its own.
    cpu_share: bool,
}

impl Cgroup {
    /// A group for job `slot` capped at `memory` bytes and `processes` processes and
    /// threads; why there is none otherwise.
    pub fn create(slot: u32, memory: u64, processes: u64) -> Result<Cgroup, CgroupError> {
        if !nix::unistd::geteuid().is_root() {
            return Err(CgroupError::NotRoot);
        }
        let name = format!("consistency-lab-{}-{slot}", std::process::id());
        let own = fs::read_to_string("/proc/self/cgroup")?;
        let unified = Path::new(ROOT).join("cgroup.controllers");
        if unified.is_file() {
            Self::create_v2(&own, &name, memory, processes)
        } else {
            Self::create_v1(&own, &name, memory, processes)
        }
    }

    fn create_v1(
        own: &str,
        name: &str,
        memory: u64,
        processes: u64,
    ) -> Result<Cgroup, CgroupError> {
        let mut group = Cgroup {
            dirs: Vec::new(),
            version: "v1",
            memory,
            processes,
            cpu_share: false,
        };
        for (controller, file, value) in [
            ("memory", "memory.limit_in_bytes", memory),
            ("pids", "pids.max", processes),
            // Every job the same weight (the default one): the share is equal.
            ("cpu", "cpu.shares", 1024),
        ] {
            // Below the grader's own group of that controller, as the hierarchy wants.
            let parent = own
                .lines()
                .filter_map(|line| {
                    let mut fields = line.splitn(3, ':').skip(1);
                    fields.next().zip(fields.next())
                })
                .find(|(controllers, _)| controllers.split(',').any(|c| c == controller))
                .map(|(_, path)| path.trim_start_matches('/').to_owned());
            let parent = match (parent, controller) {
                (Some(parent), _) => parent,
                // The processor share is worth having, not worth refusing to grade for.
                (None, "cpu") => continue,
                (None, _) => return Err(CgroupError::NoController(controller)),
            };
            let dir = Path::new(ROOT).join(controller).join(parent).join(name);
            fs::create_dir(&dir)?;
            group.dirs.push(dir.clone());
            fs::write(dir.join(file), value.to_string())?;
            if controller == "memory" {
                // With swap accounting, swap counts too; without it the file is missing.
                _ = fs::write(dir.join("memory.memsw.limit_in_bytes"), value.to_string());
            }
            group.cpu_share |= controller == "cpu";
        }
        Ok(group)
    }

    fn create_v2(
        own: &str,
        name: &str,
        memory: u64,
        processes: u64,
    ) -> Result<Cgroup, CgroupError> {
        if !own.lines().any(|line| line == "0::/") {
            return Err(CgroupError::NotAtRoot);
        }
        let root = Path::new(ROOT);
        // The root group may enable controllers for its children even with processes.
        fs::write(root.join("cgroup.subtree_control"), "+memory +pids")?;
        // The processor controller can be refused (real-time processes, say): grade
        // without a share then.
        let cpu_share = fs::write(root.join("cgroup.subtree_control"), "+cpu").is_ok();
        let dir = root.join(name);
        fs::create_dir(&dir)?;
        let group = Cgroup {
            dirs: vec![dir.clone()],
            version: "v2",
            memory,
            processes,
            cpu_share,
        };
        fs::write(dir.join("memory.max"), memory.to_string())?;
        // Without swap accounting the file is missing: memory.max alone then.
        _ = fs::write(dir.join("memory.swap.max"), "0");
        fs::write(dir.join("pids.max"), processes.to_string())?;
        Ok(group)
    }

    /// The files a process writes its id into to join the group.
    pub fn procs(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }

    /// What the group caps, for the instructor.
    pub fn describe(&self) -> String {
        let share = if self.cpu_share {
            ", an equal processor share"
        } else {
            " (no processor share: the cpu controller is missing)"
        };
        format!(
            "{} MiB and {} processes per job{share} (cgroup {})",
            self.memory / (1024 * 1024),
            self.processes,
            self.version
        )
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        for dir in &self.dirs {
            // Every step has ended by now; a group still busy is left for the system.
            _ = fs::remove_dir(dir);
        }
    }
}

/// Joins the groups whose `cgroup.procs` files are `procs`: the calling process moves,
/// and what it starts from then on is born inside.
pub fn join(procs: &[PathBuf]) -> io::Result<()> {
    for file in procs {
        fs::write(file, std::process::id().to_string())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.display())))?;
    }
    Ok(())
}

/// The memory a job may take: a share of the machine's (the jobs, and the rest of the
/// machine, one share each), at most 4 GiB, at least 1.5 GiB.
pub fn job_memory(jobs: usize) -> u64 {
    const MIB: u64 = 1024 * 1024;
    let total = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(8 * 1024 * MIB);
    (total / (jobs as u64 + 1)).clamp(1536 * MIB, 4096 * MIB)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_gets_a_share_of_the_memory_within_bounds() {
        let one = job_memory(1);
        let many = job_memory(64);
        assert!(one >= many, "{one} {many}");
        for share in [one, many] {
            assert!((1536 << 20..=4096 << 20).contains(&share), "{share}");
        }
    }
}
