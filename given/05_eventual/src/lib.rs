//! What exercise `05_eventual` gives: the pieces the student builds on and the hidden
//! suite inspects, owned by the course. The grader always builds the exercise with
//! this crate, never with a copy from a submission.
//!
//! The student's crate re-exports everything here (`pub use eventual_given::...`), so
//! their code and tests name these items as `eventual::Request`, `eventual::Stamp` and
//! so on. The hidden suite names them from this crate instead: a re-export in the
//! student's crate could be swapped for a look-alike type of the student's own, and then
//! the suite would be comparing values through code the student wrote.
//!
//! | file | concern |
//! | --- | --- |
//! | `crdt.rs` | [`Counter`] and [`Map`]: the operations a replica needs of the counter and the map it gossips |
//! | `requests.rs` | [`Request`] and [`Response`]: what clients ask a replica and what it answers |
//! | `stamp.rs` | [`Stamp`]: the order of writes to one key, time first, then node id |
//! | `timing.rs` | [`ROUND`] and [`CONVERGE_ROUNDS`]: how often replicas gossip and how soon they must agree |

mod crdt;
mod requests;
mod stamp;
mod timing;

pub use crdt::{Counter, Map};
pub use requests::{Request, Response};
pub use stamp::Stamp;
pub use timing::{CONVERGE_ROUNDS, ROUND};
