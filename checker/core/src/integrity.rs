//! Integrity flags: what no honest solution of the course needs, found in a submission's
//! sources, for the instructor to look at.
//!
//! Some attacks cannot be stopped inside the test process. The best known is a
//! soundness hole of the compiler reachable from safe Rust: a function that turns a
//! reference of any lifetime into one of any other (rust-lang/rust#25860, packaged by
//! the public `cve-rs` crate) gives safe code dangling pointers, and with them the
//! harness's secret in the process's memory. Others are attempts that the sandbox
//! defeats but that say something about intent: reading `/proc` or the sandbox's
//! folders, raw file descriptors, the harness's environment, sockets and processes.
//!
//! A flag never changes a score: the instructor decides. Each names its file and line
//! and says in a sentence why it is worth a look. Patterns are matched on tokens (see
//! `lexer`), so that comments and string literals that merely mention them do not
//! count, and on sources that do not compile as well as on those that do.
//!
//! | flag | what is found |
//! | --- | --- |
//! | `lifetime-extension` | a reference to a reference with two named lifetimes (`&'a &'b ()`), the value `&&()`, or a function pointer type with named lifetimes (`for<'x> fn(&'x T) -> &'b T`): the parts of the soundness hole |
//! | `raw-fd` | file descriptors by number (`RawFd`, `from_raw_fd`, `/dev/fd/`, `/proc/self/fd`) |
//! | `absolute-path` | a string that is an absolute path (`/proc/self/mem`, `/sandbox/suite`): the exercises read no files |
//! | `compile-time-read` | `include_str!`, `include_bytes!`, `include!`, or a `#[path]` out of `src/` |
//! | `harness-environment` | the process's environment, arguments or standard input (`env::var`, `env!`, `stdin`), or the harness's crate |
//! | `process-or-socket` | `std::process` (other programs, ending the process) or sockets |
//! | `hand-written-clone` | an `impl Clone` written by hand: the simulator duplicates messages by cloning them, and a clone that is not a copy defeats that fault |

use std::path::Path;

use serde::{Deserialize, Serialize};

mod lexer;

use lexer::{Tok, Token};

/// One thing found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// The exercise whose sources hold it.
    pub exercise: String,
    /// The file, relative to the exercise folder (`src/lock.rs`).
    pub file: String,
    /// The line.
    pub line: u32,
    /// What kind of thing: one of the codes in the module's table.
    pub kind: String,
    /// What was found and why it is worth a look, in a sentence.
    pub why: String,
}

impl Flag {
    /// `kind (exercise/file:line)`, for a table cell.
    pub fn short(&self) -> String {
        format!(
            "{} ({}/{}:{})",
            self.kind, self.exercise, self.file, self.line
        )
    }
}

/// Every flag in the `.rs` files under `dir` (an exercise's copied folder, holding
/// `src/`), in file and line order; unreadable files are left out.
pub fn scan_dir(exercise: &str, dir: &Path) -> Vec<Flag> {
    let mut files = Vec::new();
    collect(&dir.join("src"), &mut files);
    files.sort();
    let mut flags = Vec::new();
    for file in files {
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        let name = file
            .strip_prefix(dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        flags.extend(scan(&source).into_iter().map(|(line, kind, why)| Flag {
            exercise: exercise.to_owned(),
            file: name.clone(),
            line,
            kind: kind.to_owned(),
            why,
        }));
    }
    flags
}

/// The `.rs` files under `dir`, at any depth; links are never followed.
fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    files.extend(
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
            .map(walkdir::DirEntry::into_path),
    );
}

/// The flags of one source file: (line, kind, why), at most one per kind and line.
pub fn scan(source: &str) -> Vec<(u32, &'static str, String)> {
    let tokens = lexer::tokens(source);
    let mut found: Vec<(u32, &'static str, String)> = Vec::new();
    for i in 0..tokens.len() {
        for (kind, why) in [
            lifetime_extension(&tokens, i),
            raw_fd(&tokens, i),
            absolute_path(&tokens, i),
            compile_time_read(&tokens, i),
            harness_environment(&tokens, i),
            process_or_socket(&tokens, i),
            hand_written_clone(&tokens, i),
        ]
        .into_iter()
        .flatten()
        {
            let line = tokens[i].line;
            if !found.iter().any(|(l, k, _)| *l == line && *k == kind) {
                found.push((line, kind, why));
            }
        }
    }
    found
}

/// The token at `i`, if any.
fn at(tokens: &[Token], i: usize) -> Option<&Tok> {
    tokens.get(i).map(|t| &t.tok)
}

fn is_punct(tokens: &[Token], i: usize, c: char) -> bool {
    at(tokens, i) == Some(&Tok::Punct(c))
}

fn is_ident(tokens: &[Token], i: usize, name: &str) -> bool {
    matches!(at(tokens, i), Some(Tok::Ident(n)) if n == name)
}

/// A lifetime a programmer named (not `'_`).
fn named_lifetime(tok: Option<&Tok>) -> bool {
    matches!(tok, Some(Tok::Lifetime(name)) if name != "_")
}

type Found = Option<(&'static str, String)>;

fn lifetime_extension(tokens: &[Token], i: usize) -> Found {
    const KIND: &str = "lifetime-extension";
    // &'a &'b ... or &'a mut &'b ...
    if is_punct(tokens, i, '&') && named_lifetime(at(tokens, i + 1)) {
        let next = if is_ident(tokens, i + 2, "mut") {
            i + 3
        } else {
            i + 2
        };
        if is_punct(tokens, next, '&') && named_lifetime(at(tokens, next + 1)) {
            return Some((
                KIND,
                "a reference to a reference with two named lifetimes (`&'a &'b`): the shape \
                 of the compiler's lifetime-extension soundness hole (rust-lang/rust#25860, \
                 the cve-rs crate), which lets safe code read memory it must not"
                    .to_owned(),
            ));
        }
    }
    // &&() as a value: the unit every use of the hole passes.
    if is_punct(tokens, i, '&')
        && is_punct(tokens, i + 1, '&')
        && is_punct(tokens, i + 2, '(')
        && is_punct(tokens, i + 3, ')')
    {
        return Some((
            KIND,
            "the value `&&()`, which the lifetime-extension soundness hole passes to widen a \
             lifetime"
                .to_owned(),
        ));
    }
    // fn(...) -> ... with named lifetimes: a function pointer type (an item has a name
    // between `fn` and its parameters).
    if is_ident(tokens, i, "fn") && is_punct(tokens, i + 1, '(') {
        let end = signature_end(tokens, i + 1);
        let named = tokens[i + 1..end]
            .iter()
            .any(|t| matches!(&t.tok, Tok::Lifetime(n) if n != "_" && n != "static"));
        if named {
            return Some((
                KIND,
                "a function pointer type with named lifetimes (`fn(&'x T) -> &'b T`): the \
                 coercion the lifetime-extension soundness hole needs"
                    .to_owned(),
            ));
        }
    }
    None
}

/// Where a function pointer type that opens at `open` (its `(`) ends: after its
/// parameters and its return type, if any.
fn signature_end(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < tokens.len() {
        match &tokens[i].tok {
            Tok::Punct('(' | '[' | '<') => depth += 1,
            Tok::Punct(')' | ']' | '>') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    i += 1;
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // The return type: up to what ends a type in a binding or a parameter list.
    if is_punct(tokens, i, '-') && is_punct(tokens, i + 1, '>') {
        i += 2;
        while i < tokens.len() && !matches!(tokens[i].tok, Tok::Punct('=' | ';' | ',' | ')' | '{'))
        {
            i += 1;
        }
    }
    i.min(tokens.len())
}

fn raw_fd(tokens: &[Token], i: usize) -> Found {
    const NAMES: [&str; 11] = [
        "RawFd",
        "AsRawFd",
        "FromRawFd",
        "IntoRawFd",
        "BorrowedFd",
        "OwnedFd",
        "AsFd",
        "as_raw_fd",
        "from_raw_fd",
        "into_raw_fd",
        "borrow_raw",
    ];
    let found = match at(tokens, i)? {
        Tok::Ident(name) if NAMES.contains(&name.as_str()) => format!("`{name}`"),
        Tok::Str(text) if text.contains("/dev/fd") || text.contains("/proc/self/fd") => {
            format!("{text:?}")
        }
        _ => return None,
    };
    Some((
        "raw-fd",
        format!(
            "{found}: file descriptors by number, which could reach the channel the grader's \
             harness reports on; no exercise needs them"
        ),
    ))
}

fn absolute_path(tokens: &[Token], i: usize) -> Found {
    let Some(Tok::Str(text)) = at(tokens, i) else {
        return None;
    };
    let mut chars = text.chars();
    let absolute = chars.next() == Some('/') && chars.next().is_some_and(|c| c.is_alphabetic());
    absolute.then(|| {
        (
            "absolute-path",
            format!(
                "the absolute path {text:?}: the exercises read no files, and the sandbox's \
                 own (`/proc`, the suite, the harness's folders) are what an attack would read"
            ),
        )
    })
}

fn compile_time_read(tokens: &[Token], i: usize) -> Found {
    for name in ["include_str", "include_bytes", "include"] {
        if is_ident(tokens, i, name) && is_punct(tokens, i + 1, '!') {
            return Some((
                "compile-time-read",
                format!(
                    "`{name}!` reads a file into the program when it compiles; no exercise \
                     needs one, and a graded copy holds only its own sources"
                ),
            ));
        }
    }
    // #[path = "..."] leaving src/.
    if is_punct(tokens, i, '#')
        && is_punct(tokens, i + 1, '[')
        && is_ident(tokens, i + 2, "path")
        && is_punct(tokens, i + 3, '=')
        && let Some(Tok::Str(path)) = at(tokens, i + 4)
        && (path.starts_with('/') || path.contains(".."))
    {
        return Some((
            "compile-time-read",
            format!("`#[path = {path:?}]` takes a module from outside the exercise's sources"),
        ));
    }
    None
}

fn harness_environment(tokens: &[Token], i: usize) -> Found {
    let what = if is_ident(tokens, i, "env")
        && is_punct(tokens, i + 1, ':')
        && is_punct(tokens, i + 2, ':')
        && matches!(at(tokens, i + 3), Some(Tok::Ident(f))
            if ["var", "var_os", "vars", "vars_os", "args", "args_os"].contains(&f.as_str()))
    {
        "the process's environment or arguments (`std::env`)"
    } else if (is_ident(tokens, i, "env") || is_ident(tokens, i, "option_env"))
        && is_punct(tokens, i + 1, '!')
    {
        "the compiler's environment (`env!`)"
    } else if is_ident(tokens, i, "stdin") {
        "standard input, on which the harness receives its secret"
    } else if is_ident(tokens, i, "suite_harness") {
        "the crate of the grader's harness"
    } else {
        return None;
    };
    Some((
        "harness-environment",
        format!("{what}: the tests hand the code everything it needs"),
    ))
}

fn process_or_socket(tokens: &[Token], i: usize) -> Found {
    const SOCKETS: [&str; 6] = [
        "UnixStream",
        "UnixListener",
        "UnixDatagram",
        "TcpStream",
        "TcpListener",
        "UdpSocket",
    ];
    let what = match at(tokens, i)? {
        Tok::Ident(name) if SOCKETS.contains(&name.as_str()) => {
            format!("`{name}`: a socket (the harness reports on one; there is no network)")
        }
        Tok::Ident(name)
            if name == "process"
                && is_punct(tokens, i + 1, ':')
                && is_punct(tokens, i + 2, ':') =>
        {
            "`std::process`: starting programs or ending the test process".to_owned()
        }
        _ => return None,
    };
    Some(("process-or-socket", what))
}

fn hand_written_clone(tokens: &[Token], i: usize) -> Found {
    if !is_ident(tokens, i, "impl") {
        return None;
    }
    // impl<...> path::Clone for Type
    let mut j = i + 1;
    let mut depth = 0usize;
    while j < tokens.len() {
        match &tokens[j].tok {
            Tok::Punct('<') => depth += 1,
            Tok::Punct('>') => depth = depth.saturating_sub(1),
            Tok::Ident(name) if depth == 0 && name == "for" => break,
            Tok::Punct('{' | ';') => return None,
            _ => {}
        }
        j += 1;
    }
    let trait_name = tokens[i + 1..j].iter().rev().find_map(|t| match &t.tok {
        Tok::Ident(name) => Some(name.as_str()),
        _ => None,
    });
    (trait_name == Some("Clone") && j < tokens.len()).then(|| {
        (
            "hand-written-clone",
            "an `impl Clone` written by hand: the simulated network duplicates messages by \
             cloning them, and a clone that is not a faithful copy escapes that fault \
             (`#[derive(Clone)]` is what honest code uses)"
                .to_owned(),
        )
    })
}

#[cfg(test)]
mod tests;
