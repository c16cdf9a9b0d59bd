//! How the register's calls read in a history, for the consistency checkers.
//!
//! The mapping is the course's: what a call asked and what it got back become an
//! operation exactly as the world saw them. [`history`] takes the history of a world
//! through these functions by name, so that no trait impl found elsewhere can stand in
//! for them; the [`Recordable`] impl makes [`World::history`] give the same history.

use testkit::history::{Action, History, HistoryError, Output, Value};
use testkit::sim::{Answer, Node, Recordable, World};

use crate::protocol::{Request, Response};

/// What `request` asks of the one register (it has no key).
pub fn action(request: &Request) -> (Option<String>, Action) {
    let action = match request {
        Request::Read => Action::Read,
        Request::Write(v) => Action::Write(Value::Int(*v)),
    };
    (None, action)
}

/// How `response`, a replica's answer to `request`, reads in a history.
///
/// The answer is recorded as it came, even when it does not fit the request (a write
/// answered with a value): the history then refuses it with
/// [`HistoryError::OutputMismatch`], which names the call, rather than hiding the
/// mistake behind a guess.
pub fn answer(_request: &Request, response: &Response) -> Answer {
    match response {
        Response::Value(v) => Answer::Ok(Output::Value(v.map(Value::Int))),
        Response::Written => Answer::Ok(Output::Done),
    }
}

/// The history of every call `world` has seen so far, in call order; calls still open
/// are recorded with an unknown outcome.
///
/// The world's node type must speak the course's [`Request`] and [`Response`], so a
/// history of the register can only be taken from calls the world itself recorded.
pub fn history<N>(world: &World<N>) -> Result<History, HistoryError>
where
    N: Node<Request = Request, Response = Response>,
{
    world.history_with(action, answer)
}

impl Recordable<Response> for Request {
    fn key(&self) -> Option<String> {
        action(self).0
    }

    fn action(&self) -> Action {
        action(self).1
    }

    fn answer(&self, response: &Response) -> Answer {
        answer(self, response)
    }
}
