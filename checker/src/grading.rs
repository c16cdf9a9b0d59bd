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
//! | [`archive`] | unpacking a submitted archive safely, under limits |
//! | [`record`] | what grading one submission produced, as stored and resumed |
//! | [`submissions`] | listing the submissions, finding their exercises, copying their sources, fingerprints |
pub mod archive;
pub mod record;
pub mod submissions;
