//! The bridge of 01_linearizable: the binary that hands the student's `Register`,
//! `Lock`, `Resource` and `Replica` to the suite's library (`main.rs`, built as the
//! crate `suite`), behind the traits of its `student` module.
//!
//! The only code of the suite built against the exercise: an edit of the exercise
//! recompiles these lines and links, and the suite is never recompiled (see
//! `docs/src/authors.md`, "A suite with a bridge"). Each method calls the student's
//! method of the same name and nothing else.

use std::time::Duration;

use linearizable_given::{CasRegister, LockError, Owner, Stale, Store, Tag, Token, Versioned};
use suite::student::{
    Boxed, CourseRegister, Exercise, Replica, StudentLock, StudentRegister, StudentReplica,
    StudentResource,
};
use testkit::sim::Handlers;

struct Submission;

impl Exercise for Submission {
    fn register(&self, store: Store) -> Box<dyn StudentRegister> {
        Box::new(OwnRegister(linearizable::Register::new(store)))
    }

    fn lock(&self, register: CourseRegister) -> Box<dyn StudentLock> {
        Box::new(OwnLock(linearizable::Lock::new(register)))
    }

    fn resource(&self) -> Box<dyn StudentResource> {
        Box::new(OwnResource(linearizable::Resource::new()))
    }

    fn replica(&self) -> Box<dyn StudentReplica> {
        Box::new(OwnReplica(linearizable::Replica::new()))
    }
}

struct OwnRegister(linearizable::Register);

impl StudentRegister for OwnRegister {
    fn read(&self) -> Boxed<'_, Versioned> {
        Box::pin(self.0.read())
    }

    fn write(&self, value: i64) -> Boxed<'_, u64> {
        Box::pin(self.0.write(value))
    }

    fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>> {
        Box::pin(self.0.compare_and_swap(expected, new))
    }

    fn cas_read(&self) -> Boxed<'_, Versioned> {
        Box::pin(CasRegister::read(&self.0))
    }

    fn cas_write(&self, value: i64) -> Boxed<'_, u64> {
        Box::pin(CasRegister::write(&self.0, value))
    }

    fn cas_compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>> {
        Box::pin(CasRegister::compare_and_swap(&self.0, expected, new))
    }

    fn clone_register(&self) -> Box<dyn StudentRegister> {
        Box::new(OwnRegister(self.0.clone()))
    }
}

struct OwnLock(linearizable::Lock<CourseRegister>);

impl StudentLock for OwnLock {
    fn acquire(&self, owner: Owner, timeout: Duration) -> Boxed<'_, Result<Token, LockError>> {
        Box::pin(self.0.acquire(owner, timeout))
    }

    fn release(&self, owner: Owner) -> Boxed<'_, Result<(), LockError>> {
        Box::pin(self.0.release(owner))
    }

    fn clone_lock(&self) -> Box<dyn StudentLock> {
        Box::new(OwnLock(self.0.clone()))
    }
}

struct OwnResource(linearizable::Resource);

impl StudentResource for OwnResource {
    fn write(&mut self, token: Token, value: i64) -> Result<(), Stale> {
        self.0.write(token, value)
    }

    fn value(&self) -> Option<i64> {
        self.0.value()
    }
}

struct OwnReplica(linearizable::Replica);

impl StudentReplica for OwnReplica {
    fn stored(&self) -> (Tag, Option<i64>) {
        self.0.stored()
    }

    fn handlers(&mut self) -> &mut dyn Handlers<Replica> {
        &mut self.0
    }
}

fn main() {
    suite::student::main(&Submission)
}
