//! The exercise as its bridge hands it to the suite: the student's `Router` and
//! `Session` behind the traits below, and the suite's own `Router` and `Session`, which
//! call them with the exercise's names.
//!
//! The suite is a library that does not depend on the exercise (see
//! `docs/src/authors.md`, "A suite with a bridge"): it is compiled once, and an edit of
//! the exercise recompiles only the few lines of `bridge.rs` that implement these traits
//! for the student's types. Of a submission the suite therefore reaches exactly what
//! these traits name.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use read_your_writes_given::{Cluster, Policy, Read, ReadError, Version};

/// An operation of the student's code, under way.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the bridge hands the suite: a maker of the student's routers and sessions.
pub trait Exercise: Sync {
    /// `Router::new(cluster, policy)`.
    fn router(&self, cluster: Cluster, policy: Policy) -> Box<dyn StudentRouter>;
    /// `Session::new()`.
    fn session(&self) -> Box<dyn StudentSession>;
}

/// The student's `Router`.
pub trait StudentRouter: Send + Sync {
    /// `Router::cluster`.
    fn cluster(&self) -> &Cluster;
    /// `Router::write`, with a session this exercise made.
    fn write<'a>(
        &'a self,
        session: &'a mut dyn StudentSession,
        key: &'a str,
        value: i64,
    ) -> Boxed<'a, Version>;
    /// `Router::read`, with a session this exercise made.
    fn read<'a>(
        &'a self,
        session: &'a mut dyn StudentSession,
        key: &'a str,
    ) -> Boxed<'a, Result<Read, ReadError>>;
}

/// The student's `Session`.
pub trait StudentSession: Send {
    /// `Session::floor`.
    fn floor(&self) -> Version;
    /// `Session::wrote`.
    fn wrote(&mut self, version: Version);
    /// `Session::read`.
    fn read(&mut self, version: Version);
    /// The session itself, for the bridge's router to take its own type back.
    fn as_any(&mut self) -> &mut (dyn Any + 'static);
}

static EXERCISE: suite_harness::Exercise<dyn Exercise> = suite_harness::Exercise::new();

/// Runs the suite on `exercise`; never returns. The bridge's `main` calls it.
pub fn main(exercise: &'static dyn Exercise) -> ! {
    EXERCISE.hand(exercise);
    crate::run()
}

/// The student's router.
pub struct Router(Box<dyn StudentRouter>);

impl Router {
    /// `Router::new(cluster, policy)`.
    pub fn new(cluster: Cluster, policy: Policy) -> Self {
        Router(EXERCISE.get().router(cluster, policy))
    }

    /// `Router::cluster`.
    pub fn cluster(&self) -> &Cluster {
        self.0.cluster()
    }

    /// `Router::write`.
    pub fn write<'a>(
        &'a self,
        session: &'a mut Session,
        key: &'a str,
        value: i64,
    ) -> Boxed<'a, Version> {
        self.0.write(session.0.as_mut(), key, value)
    }

    /// `Router::read`.
    pub fn read<'a>(
        &'a self,
        session: &'a mut Session,
        key: &'a str,
    ) -> Boxed<'a, Result<Read, ReadError>> {
        self.0.read(session.0.as_mut(), key)
    }
}

/// One client's session, of the student's type.
pub struct Session(Box<dyn StudentSession>);

impl Session {
    /// `Session::new()`.
    pub fn new() -> Self {
        Session(EXERCISE.get().session())
    }

    /// `Session::floor`.
    pub fn floor(&self) -> Version {
        self.0.floor()
    }

    /// `Session::wrote`.
    pub fn wrote(&mut self, version: Version) {
        self.0.wrote(version);
    }

    /// `Session::read`.
    pub fn read(&mut self, version: Version) {
        self.0.read(version);
    }
}
