//! The bridge of 06_sequential: the binary that hands the student's `Replica` and
//! `stale_read_scenario` to the suite's library (`main.rs`, built as the crate `suite`),
//! behind the traits of its `student` module.
//!
//! The only code of the suite built against the exercise: an edit of the exercise
//! recompiles these lines and links, and the suite is never recompiled (see
//! `docs/src/authors.md`, "A suite with a bridge"). Each method calls the student's
//! method of the same name and nothing else.

use sequential_given::Scenario;
use suite::student::{Exercise, Replica, StudentReplica};
use testkit::sim::Handlers;

struct Submission;

impl Exercise for Submission {
    fn replica(&self) -> Box<dyn StudentReplica> {
        Box::new(OwnReplica(sequential::Replica::new()))
    }

    fn stale_read_scenario(&self) -> Scenario {
        sequential::stale_read_scenario()
    }
}

struct OwnReplica(sequential::Replica);

impl StudentReplica for OwnReplica {
    fn value(&self) -> Option<i64> {
        self.0.value()
    }

    fn applied(&self) -> u64 {
        self.0.applied()
    }

    fn handlers(&mut self) -> &mut dyn Handlers<Replica> {
        &mut self.0
    }
}

fn main() {
    suite::student::main(&Submission)
}
