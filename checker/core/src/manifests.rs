//! The course's Cargo manifests: dependency entries resolved against the course's
//! `[workspace.dependencies]`, with paths made absolute, and the course's lock file
//! handed to the packages the checker writes (a runner, the grader's dependencies).

use std::io;
use std::path::Path;

use toml::{Table, Value};

use crate::files::write_if_changed;

/// A dependency entry whose `path`, if any, is resolved against `root`.
pub fn absolute_paths(entry: Value, root: &Path) -> Value {
    match entry {
        Value::Table(mut table) => {
            if let Some(Value::String(path)) = table.get("path") {
                let absolute = root.join(path).to_string_lossy().into_owned();
                table.insert("path".to_owned(), Value::String(absolute));
            }
            Value::Table(table)
        }
        other => other,
    }
}

/// A dependency entry of a course manifest in `base`, with `workspace = true` replaced
/// by the course's entry (keeping the manifest's extra features) and every path made
/// absolute.
pub fn resolve(
    name: &str,
    entry: &Value,
    workspace: &Table,
    course_root: &Path,
    base: &Path,
) -> Result<Value, String> {
    let Some(table) = entry.as_table() else {
        return Ok(entry.clone());
    };
    if table.get("workspace").and_then(Value::as_bool) != Some(true) {
        if table.contains_key("git") {
            return Err("git dependencies cannot be built by the checker".to_owned());
        }
        return Ok(absolute_paths(entry.clone(), base));
    }
    let shared = workspace
        .get(name)
        .ok_or("`workspace = true`, but the course declares no such dependency")?;
    let mut resolved = match absolute_paths(shared.clone(), course_root) {
        Value::Table(t) => t,
        version => {
            let mut t = Table::new();
            t.insert("version".into(), version);
            t
        }
    };
    if let Some(extra) = table.get("features").and_then(Value::as_array) {
        let mut features = resolved
            .get("features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        features.extend(extra.iter().cloned());
        resolved.insert("features".into(), features.into());
    }
    Ok(resolved.into())
}

/// Adds `entry` under `name`, uniting features with an entry already there.
pub fn merge(dependencies: &mut Table, name: &str, entry: Value) {
    let features = |v: &Value| -> Vec<Value> {
        v.get("features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let Some(old) = dependencies.get(name) else {
        dependencies.insert(name.to_owned(), entry);
        return;
    };
    let mut all = features(old);
    for f in features(&entry) {
        if !all.contains(&f) {
            all.push(f);
        }
    }
    let mut merged = match old.clone() {
        Value::Table(t) => t,
        version => {
            let mut t = Table::new();
            t.insert("version".into(), version);
            t
        }
    };
    if !all.is_empty() {
        merged.insert("features".into(), all.into());
    }
    dependencies.insert(name.to_owned(), merged.into());
}

/// Gives the package in `dir` the course's lock file, so it builds with the versions
/// the course was tested with. Cargo then trims the copy to the package's needs; a
/// second copy (`course.lock`) remembers what was copied, so the copy is redone only
/// when the course's lock file changes.
pub fn copy_lock(course_root: &Path, dir: &Path) -> io::Result<()> {
    let Ok(lock) = std::fs::read(course_root.join("Cargo.lock")) else {
        return Ok(());
    };
    let remembered = dir.join("course.lock");
    if std::fs::read(&remembered).is_ok_and(|old| old == lock) {
        return Ok(());
    }
    write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    write_if_changed(&remembered, &lock)
}
