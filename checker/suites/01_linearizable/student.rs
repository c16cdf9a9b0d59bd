//! The exercise as its bridge hands it to the suite: the student's `Register`, `Lock`,
//! `Resource` and `Replica` behind the traits below, and the suite's own types of those
//! names, which call them with the exercise's names.
//!
//! The suite is a library that does not depend on the exercise (see
//! `docs/src/authors.md`, "A suite with a bridge"): it is compiled once, and an edit of
//! the exercise recompiles only the few lines of `bridge.rs` that implement these traits
//! for the student's types. Of a submission the suite therefore reaches exactly what
//! these traits name. The student's lock is built on the suite's [`CourseRegister`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use linearizable_given::{LockError, Message, Owner, Request, Response, Stale, Store, Tag};
use linearizable_given::{Token, Versioned};
use testkit::sim::{Context, Handlers, Node, NodeId, ReplyTo};

pub use crate::course_register::CourseRegister;

/// An operation of the student's code, under way.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the bridge hands the suite: a maker of the student's values.
pub trait Exercise: Sync {
    /// `Register::new(store)`.
    fn register(&self, store: Store) -> Box<dyn StudentRegister>;
    /// `Lock::new(register)`, on the suite's register.
    fn lock(&self, register: CourseRegister) -> Box<dyn StudentLock>;
    /// `Resource::new()`.
    fn resource(&self) -> Box<dyn StudentResource>;
    /// `Replica::new()`.
    fn replica(&self) -> Box<dyn StudentReplica>;
}

/// The student's `Register`: its own methods and its `CasRegister` impl.
pub trait StudentRegister: Send + Sync {
    /// `Register::read`.
    fn read(&self) -> Boxed<'_, Versioned>;
    /// `Register::write`.
    fn write(&self, value: i64) -> Boxed<'_, u64>;
    /// `Register::compare_and_swap`.
    fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>>;
    /// `CasRegister::read`.
    fn cas_read(&self) -> Boxed<'_, Versioned>;
    /// `CasRegister::write`.
    fn cas_write(&self, value: i64) -> Boxed<'_, u64>;
    /// `CasRegister::compare_and_swap`.
    fn cas_compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>>;
    /// `Register::clone`.
    fn clone_register(&self) -> Box<dyn StudentRegister>;
}

/// The student's `Lock`, on the suite's register.
pub trait StudentLock: Send + Sync {
    /// `Lock::acquire`.
    fn acquire(&self, owner: Owner, timeout: Duration) -> Boxed<'_, Result<Token, LockError>>;
    /// `Lock::release`.
    fn release(&self, owner: Owner) -> Boxed<'_, Result<(), LockError>>;
    /// `Lock::clone`.
    fn clone_lock(&self) -> Box<dyn StudentLock>;
}

/// The student's `Resource`.
pub trait StudentResource {
    /// `Resource::write`.
    fn write(&mut self, token: Token, value: i64) -> Result<(), Stale>;
    /// `Resource::value`.
    fn value(&self) -> Option<i64>;
}

/// The student's `Replica`: its handlers, given the context of the suite's [`Replica`]
/// around it, and `Replica::stored`.
pub trait StudentReplica {
    /// `Replica::stored`.
    fn stored(&self) -> (Tag, Option<i64>);
    /// Its handlers (those of `Node`), which the suite's [`Replica`] hands its events.
    fn handlers(&mut self) -> &mut dyn Handlers<Replica>;
}

static EXERCISE: suite_harness::Exercise<dyn Exercise> = suite_harness::Exercise::new();

/// Runs the suite on `exercise`; never returns. The bridge's `main` calls it.
pub fn main(exercise: &'static dyn Exercise) -> ! {
    EXERCISE.hand(exercise);
    crate::run()
}

/// The student's register; clones are the student's clones.
pub struct Register(Box<dyn StudentRegister>);

impl Register {
    /// `Register::new(store)`.
    pub fn new(store: Store) -> Self {
        Register(EXERCISE.get().register(store))
    }

    /// `Register::read`.
    pub fn read(&self) -> Boxed<'_, Versioned> {
        self.0.read()
    }

    /// `Register::write`.
    pub fn write(&self, value: i64) -> Boxed<'_, u64> {
        self.0.write(value)
    }

    /// `Register::compare_and_swap`.
    pub fn compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>> {
        self.0.compare_and_swap(expected, new)
    }

    /// `CasRegister::read` of the student's register.
    pub fn cas_read(&self) -> Boxed<'_, Versioned> {
        self.0.cas_read()
    }

    /// `CasRegister::write` of the student's register.
    pub fn cas_write(&self, value: i64) -> Boxed<'_, u64> {
        self.0.cas_write(value)
    }

    /// `CasRegister::compare_and_swap` of the student's register.
    pub fn cas_compare_and_swap(
        &self,
        expected: Option<i64>,
        new: i64,
    ) -> Boxed<'_, Result<u64, Versioned>> {
        self.0.cas_compare_and_swap(expected, new)
    }
}

impl Clone for Register {
    fn clone(&self) -> Self {
        Register(self.0.clone_register())
    }
}

/// The student's lock, kept in the suite's register; clones are the student's clones.
pub struct Lock(Box<dyn StudentLock>);

impl Lock {
    /// `Lock::new(register)`.
    pub fn new(register: CourseRegister) -> Self {
        Lock(EXERCISE.get().lock(register))
    }

    /// `Lock::acquire`.
    pub fn acquire(&self, owner: Owner, timeout: Duration) -> Boxed<'_, Result<Token, LockError>> {
        self.0.acquire(owner, timeout)
    }

    /// `Lock::release`.
    pub fn release(&self, owner: Owner) -> Boxed<'_, Result<(), LockError>> {
        self.0.release(owner)
    }
}

impl Clone for Lock {
    fn clone(&self) -> Self {
        Lock(self.0.clone_lock())
    }
}

/// The student's resource.
pub struct Resource(Box<dyn StudentResource>);

impl Resource {
    /// `Resource::new()`.
    pub fn new() -> Self {
        Resource(EXERCISE.get().resource())
    }

    /// `Resource::write`.
    pub fn write(&mut self, token: Token, value: i64) -> Result<(), Stale> {
        self.0.write(token, value)
    }

    /// `Resource::value`.
    pub fn value(&self) -> Option<i64> {
        self.0.value()
    }
}

/// The student's replica, as a node of the suite's worlds.
pub struct Replica(Box<dyn StudentReplica>);

impl Replica {
    /// `Replica::new()`.
    pub fn new() -> Self {
        Replica(EXERCISE.get().replica())
    }

    /// `Replica::stored`.
    pub fn stored(&self) -> (Tag, Option<i64>) {
        self.0.stored()
    }
}

impl Node for Replica {
    type Msg = Message;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.0.handlers().on_start(ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Message) {
        self.0.handlers().on_message(ctx, from, msg);
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        self.0.handlers().on_request(ctx, reply, request);
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        self.0.handlers().on_tick(ctx);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, name: &'static str) {
        self.0.handlers().on_timer(ctx, name);
    }
}
