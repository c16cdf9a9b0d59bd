//! The suite's bridge to the exercise: the student's `Register` and `Lock`, whose
//! operations are `async fn`s, with each operation's future boxed here.
//!
//! A crate of its own, built between the exercise and the suite (see
//! `docs/src/authors.md`, "A bridge to async code"). The suite is built optimised, and
//! an optimised crate that names a student's future depends on that future's body: every
//! edit of the `async fn` would recompile much of the suite. The suite names only the
//! boxed futures below, so an edit recompiles these few lines and no line of the suite.
//!
//! Task `lock` runs on the suite's own register ([`CourseRegister`], which lives here
//! because the lock's futures over it are named here too).

#[path = "course_register.rs"]
mod course_register;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use linearizable_given::{CasRegister, LockError, Owner, Store, Token, Versioned};

pub use course_register::CourseRegister;

/// An operation of the student's code, under way.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The student's register; clones are clones of it.
#[derive(Clone)]
pub struct Register(linearizable::Register);

impl Register {
    /// `Register::new(store)`.
    pub fn new(store: Store) -> Self {
        Register(linearizable::Register::new(store))
    }

    /// `Register::read`.
    pub fn read(&self) -> Boxed<'_, Versioned> {
        Box::pin(self.0.read())
    }

    /// `Register::write`.
    pub fn write(&self, value: i64) -> Boxed<'_, u64> {
        Box::pin(self.0.write(value))
    }

    /// `Register::compare_and_swap`.
    pub fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>> {
        Box::pin(self.0.compare_and_swap(expected, new))
    }

    /// `CasRegister::read` of the student's register.
    pub fn cas_read(&self) -> Boxed<'_, Versioned> {
        Box::pin(CasRegister::read(&self.0))
    }

    /// `CasRegister::write` of the student's register.
    pub fn cas_write(&self, value: i64) -> Boxed<'_, u64> {
        Box::pin(CasRegister::write(&self.0, value))
    }

    /// `CasRegister::compare_and_swap` of the student's register.
    pub fn cas_compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>> {
        Box::pin(CasRegister::compare_and_swap(&self.0, expected, new))
    }
}

/// The student's lock, kept in the suite's register; clones are clones of it.
#[derive(Clone)]
pub struct Lock(linearizable::Lock<CourseRegister>);

impl Lock {
    /// `Lock::new(register)`.
    pub fn new(register: CourseRegister) -> Self {
        Lock(linearizable::Lock::new(register))
    }

    /// `Lock::acquire`.
    pub fn acquire(&self, owner: Owner, timeout: Duration) -> Boxed<'_, Result<Token, LockError>> {
        Box::pin(self.0.acquire(owner, timeout))
    }

    /// `Lock::release`.
    pub fn release(&self, owner: Owner) -> Boxed<'_, Result<(), LockError>> {
        Box::pin(self.0.release(owner))
    }
}
