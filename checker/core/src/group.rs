//! A child process and everything it starts, as one process group, killed together.
//!
//! A test or a compile may start processes of its own, on purpose or not (a fork bomb, a
//! grandchild that outlives its parent). Each is started as the leader of a new process
//! group, and when its time is up, or once it ended, the whole group is killed: nothing
//! it left behind survives it. Tests and compiles share this one way of doing it.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::sync::{Mutex, PoisonError};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The process group a child leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcessGroup(Pid);

/// The groups started and not killed yet, for [`ProcessGroup::kill_all`].
static LIVE: Mutex<Vec<Pid>> = Mutex::new(Vec::new());

impl ProcessGroup {
    /// Makes `command` start its process as the leader of a group of its own.
    pub fn prepare(command: &mut Command) -> &mut Command {
        command.process_group(0)
    }

    /// The group led by `child`, started from a [prepared](ProcessGroup::prepare)
    /// command.
    pub fn led_by(child: &Child) -> io::Result<ProcessGroup> {
        let pid = i32::try_from(child.id()).map_err(io::Error::other)?;
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Pid::from_raw(pid));
        Ok(ProcessGroup(Pid::from_raw(pid)))
    }

    /// Kills every process of the group at once; a group already gone is fine.
    pub fn kill(self) {
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|pid| *pid != self.0);
        _ = killpg(self.0, Signal::SIGKILL);
    }

    /// Kills every group this process started and has not killed yet: for a program
    /// that ends while a check runs (the watch mode, quit during a check). The thread
    /// that would kill a test at its timeout ends with the program, so a test that never
    /// returns would otherwise run on with nobody to stop it.
    pub fn kill_all() {
        let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(PoisonError::into_inner));
        for pid in live {
            _ = killpg(pid, Signal::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn killing_the_group_takes_its_grandchildren_too() {
        // The shell starts a grandchild that would outlive it by a minute.
        let mut command = Command::new("sh");
        command
            .args(["-c", "sleep 60 & echo $!; wait"])
            .stdout(Stdio::piped());
        let mut child = ProcessGroup::prepare(&mut command).spawn().unwrap();
        let group = ProcessGroup::led_by(&child).unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let grandchild = Pid::from_raw(line.trim().parse().unwrap());
        group.kill();
        child.wait().unwrap();
        // Gone within a second (a signal 0 to it fails once it is reaped by init).
        let until = Instant::now() + Duration::from_secs(5);
        while nix::sys::signal::kill(grandchild, None).is_ok() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(nix::sys::signal::kill(grandchild, None).is_err());
    }
}
