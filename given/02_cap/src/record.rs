//! How a call to a replica reads in a history, for the consistency checkers.
//!
//! This lives with the types, not with the replica: the history a verdict is drawn
//! from must say what the calls really were. A mapping the student could write might
//! record every call as a harmless read, and no checker would see anything wrong.

use testkit::history::{Action, Output, Value};
use testkit::sim::{Answer, Recordable};

use crate::{Request, Response};

impl Recordable<Response> for Request {
    fn key(&self) -> Option<String> {
        match self {
            Request::Get { key } | Request::Put { key, .. } => Some(key.clone()),
        }
    }

    fn action(&self) -> Action {
        match self {
            Request::Get { .. } => Action::Read,
            Request::Put { value, .. } => Action::Write(Value::Str(value.clone())),
        }
    }

    fn answer(&self, response: &Response) -> Answer {
        match response {
            Response::Value { value, .. } => {
                Answer::Ok(Output::Value(value.clone().map(Value::Str)))
            }
            Response::Written { .. } => Answer::Ok(Output::Done),
            // A refusal promises that nothing happened, which is what lets the checker
            // drop it; a write refused after it was stored breaks that promise, and the
            // history shows it.
            Response::Unavailable { .. } => Answer::Failed,
        }
    }
}
