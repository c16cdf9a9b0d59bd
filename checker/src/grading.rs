//! `checker grade`: grading a folder of untrusted submissions into a gradebook.
//!
//! ```text
//! submissions/  -> list, unpack, locate each exercise      (submissions, archive)
//!               -> copy its src/ into a scratch folder      (submissions)
//!               -> compile it, then its suite, in a sandbox (compile, deps, sandbox)
//!               -> run each test in a sandbox              (runner, sandbox)
//!               -> one record per submission                (record)
//!               -> gradebook files and a summary            (reports)
//! ```
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`record`] | what grading one submission produced, as stored and resumed |
//! | [`reports`] | the gradebook rendered from the records: CSV, JSON, JUnit, Gradescope, Exercism |

pub mod record;
pub mod reports;
