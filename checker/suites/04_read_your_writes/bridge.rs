//! The suite's bridge to the exercise: the student's `Router`, whose operations are
//! `async fn`s, with each operation's future boxed here.
//!
//! A crate of its own, built between the exercise and the suite (see
//! `docs/src/authors.md`, "A bridge to async code"). The suite is built optimised, and
//! an optimised crate that names a student's future depends on that future's body: every
//! edit of the `async fn` would recompile much of the suite. The suite names only the
//! boxed futures below, so an edit recompiles these few lines and no line of the suite.

use std::future::Future;
use std::pin::Pin;

use read_your_writes::Session;
use read_your_writes_given::{Cluster, Policy, Read, ReadError, Version};

/// An operation of the student's code, under way.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The student's router.
pub struct Router(read_your_writes::Router);

impl Router {
    /// `Router::new(cluster, policy)`.
    pub fn new(cluster: Cluster, policy: Policy) -> Self {
        Router(read_your_writes::Router::new(cluster, policy))
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
        Box::pin(self.0.write(session, key, value))
    }

    /// `Router::read`.
    pub fn read<'a>(
        &'a self,
        session: &'a mut Session,
        key: &'a str,
    ) -> Boxed<'a, Result<Read, ReadError>> {
        Box::pin(self.0.read(session, key))
    }
}
