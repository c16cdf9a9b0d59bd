//! What clients ask the causal store and what its replicas answer, and how each call
//! reads in a history.
//!
//! The hidden tests drive replicas with these requests through `testkit::sim::World`,
//! which records every call and its answer with the [`Recordable`] impl below; the
//! causal consistency checker then judges that history. Both the types and the impl live
//! in the course's crate so that what is recorded is always what the replica answered.

use testkit::history::{Action, Output, Value};
use testkit::sim::{Answer, Recordable};

/// What a client asks a replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The value stored under `key`.
    Get {
        /// The key.
        key: String,
    },
    /// Store `value` under `key`.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
}

/// What a replica answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The answer to a `Get`: the value (`None`: never written, as far as this replica
    /// has seen).
    Value(Option<String>),
    /// The `Put` is stored at the replica that was asked.
    Written,
}

/// A `Get` is a read of its key and a `Put` a write of its value; the answer is what the
/// history's read returned, or that the write is done. Keys are split apart by the
/// checker, so each key is a register of its own.
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
            Response::Value(value) => Answer::Ok(Output::Value(value.clone().map(Value::Str))),
            Response::Written => Answer::Ok(Output::Done),
        }
    }
}

#[cfg(test)]
mod tests {
    use testkit::history::{Action, Output, Value};
    use testkit::sim::{Answer, Recordable};

    use super::{Request, Response};

    #[test]
    fn a_put_is_a_write_of_its_value_and_a_get_a_read() {
        let put = Request::Put {
            key: "post".into(),
            value: "lunch?".into(),
        };
        assert_eq!(put.key().as_deref(), Some("post"));
        assert_eq!(put.action(), Action::Write(Value::Str("lunch?".into())));
        assert_eq!(put.answer(&Response::Written), Answer::Ok(Output::Done));
        let get = Request::Get { key: "post".into() };
        assert_eq!(get.action(), Action::Read);
        assert_eq!(
            get.answer(&Response::Value(None)),
            Answer::Ok(Output::Value(None))
        );
        assert_eq!(
            get.answer(&Response::Value(Some("lunch?".into()))),
            Answer::Ok(Output::Value(Some(Value::Str("lunch?".into()))))
        );
    }
}
