//! The bridge of 04_read_your_writes: the binary that hands the student's `Router` and
//! `Session` to the suite's library (`main.rs`, built as the crate `suite`), behind the
//! traits of its `student` module.
//!
//! The only code of the suite built against the exercise: an edit of the exercise
//! recompiles these lines and links, and the suite is never recompiled (see
//! `docs/src/authors.md`, "A suite with a bridge"). Each method calls the student's
//! method of the same name and nothing else.

use std::any::Any;

use read_your_writes_given::{Cluster, Policy, Read, ReadError, Version};
use suite::student::{Boxed, Exercise, StudentRouter, StudentSession};

struct Submission;

impl Exercise for Submission {
    fn router(&self, cluster: Cluster, policy: Policy) -> Box<dyn StudentRouter> {
        Box::new(Router(read_your_writes::Router::new(cluster, policy)))
    }

    fn session(&self) -> Box<dyn StudentSession> {
        Box::new(Session(read_your_writes::Session::new()))
    }
}

struct Router(read_your_writes::Router);

struct Session(read_your_writes::Session);

/// The student's session inside one the bridge made.
fn own(session: &mut dyn StudentSession) -> &mut read_your_writes::Session {
    match session.as_any().downcast_mut::<Session>() {
        Some(Session(session)) => session,
        None => unreachable!("every session of the suite is made by this bridge"),
    }
}

impl StudentRouter for Router {
    fn cluster(&self) -> &Cluster {
        self.0.cluster()
    }

    fn write<'a>(
        &'a self,
        session: &'a mut dyn StudentSession,
        key: &'a str,
        value: i64,
    ) -> Boxed<'a, Version> {
        Box::pin(self.0.write(own(session), key, value))
    }

    fn read<'a>(
        &'a self,
        session: &'a mut dyn StudentSession,
        key: &'a str,
    ) -> Boxed<'a, Result<Read, ReadError>> {
        Box::pin(self.0.read(own(session), key))
    }
}

impl StudentSession for Session {
    fn floor(&self) -> Version {
        self.0.floor()
    }

    fn wrote(&mut self, version: Version) {
        self.0.wrote(version);
    }

    fn read(&mut self, version: Version) {
        self.0.read(version);
    }

    fn as_any(&mut self) -> &mut (dyn Any + 'static) {
        self
    }
}

fn main() {
    suite::student::main(&Submission)
}
