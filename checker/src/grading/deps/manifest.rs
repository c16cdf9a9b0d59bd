//! The grader's dependency package, written from the course's manifests: each
//! dependency the suites use or a skeleton declares, resolved against the course's
//! `[workspace.dependencies]`, with the course's profiles; and the compiler flags that
//! match those profiles.

use std::path::Path;

use anyhow::{Context, Result, bail};
use toml::Table;

/// A skeleton's dependency entry, with `workspace = true` replaced by the workspace's
/// entry (keeping the skeleton's extra features).
pub(super) fn resolve(
    name: &str,
    entry: &toml::Value,
    workspace: &Table,
    course_root: &Path,
) -> Result<toml::Value> {
    let Some(table) = entry.as_table() else {
        return Ok(entry.clone());
    };
    if table.get("workspace").and_then(toml::Value::as_bool) != Some(true) {
        if table.contains_key("path") || table.contains_key("git") {
            bail!("only workspace and registry dependencies can be graded");
        }
        return Ok(entry.clone());
    }
    let base = workspace
        .get(name)
        .with_context(|| "`workspace = true`, but the course declares no such dependency")?;
    let mut resolved = match absolute(base.clone(), course_root) {
        toml::Value::Table(t) => t,
        version => {
            let mut t = Table::new();
            t.insert("version".into(), version);
            t
        }
    };
    if let Some(extra) = table.get("features").and_then(toml::Value::as_array) {
        let mut features = resolved
            .get("features")
            .and_then(toml::Value::as_array)
            .cloned()
            .unwrap_or_default();
        features.extend(extra.iter().cloned());
        resolved.insert("features".into(), features.into());
    }
    Ok(resolved.into())
}

/// Adds `entry` under `name`, uniting features with an entry already there.
pub(super) fn merge(dependencies: &mut Table, name: &str, entry: toml::Value) {
    let features = |v: &toml::Value| -> Vec<toml::Value> {
        v.get("features")
            .and_then(toml::Value::as_array)
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
        toml::Value::Table(t) => t,
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

/// A dependency entry whose `path` is made absolute against `root`.
pub(super) fn absolute(entry: toml::Value, root: &Path) -> toml::Value {
    match entry {
        toml::Value::Table(mut table) => {
            if let Some(toml::Value::String(path)) = table.get("path") {
                let path = root.join(path).to_string_lossy().into_owned();
                table.insert("path".into(), path.into());
            }
            table.into()
        }
        other => other,
    }
}

/// The text of the grader's dependency package manifest.
pub(super) fn deps_manifest(
    edition: &str,
    dependencies: &Table,
    profiles: Option<&toml::Value>,
) -> String {
    let mut text = String::from(
        "# Written by `checker grade`: the course's dependencies, built once for every\n\
         # submission. Rewritten on every run.\n",
    );
    text += &format!(
        "[package]\nname = \"checker-grade-deps\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\n\
         publish = false\n\n[workspace]\n\n[lib]\npath = \"lib.rs\"\n\n"
    );
    let mut deps = Table::new();
    deps.insert("dependencies".into(), dependencies.clone().into());
    text += &deps.to_string();
    if let Some(profiles) = profiles {
        let mut table = Table::new();
        table.insert("profile".into(), profiles.clone());
        text += "\n";
        text += &table.to_string();
    }
    text
}

/// Compiler flags matching the course's `[profile.dev]`: optimization and debug info.
pub(super) fn profile_flags(profiles: Option<&toml::Value>) -> Vec<String> {
    let dev = profiles.and_then(|p| p.get("dev"));
    let opt = match dev.and_then(|d| d.get("opt-level")) {
        Some(toml::Value::Integer(n)) => n.to_string(),
        Some(toml::Value::String(s)) => s.clone(),
        _ => "0".to_owned(),
    };
    let debug = match dev.and_then(|d| d.get("debug")) {
        Some(toml::Value::Boolean(false)) => "0".to_owned(),
        Some(toml::Value::Integer(n)) => n.to_string(),
        Some(toml::Value::String(s)) if s == "none" => "0".to_owned(),
        Some(toml::Value::String(s)) if s == "full" => "2".to_owned(),
        Some(toml::Value::String(s)) => s.clone(),
        _ => "2".to_owned(),
    };
    vec![
        format!("-Copt-level={opt}"),
        format!("-Cdebuginfo={debug}"),
        "-Cembed-bitcode=no".to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_entries_are_resolved_with_extra_features() {
        let workspace: Table = "tokio = { version = \"1\", features = [\"rt\"] }\n\
                                testkit = { path = \"testkit\" }\n"
            .parse()
            .unwrap();
        let entry: toml::Value = "x = { workspace = true, features = [\"time\"] }"
            .parse::<Table>()
            .unwrap()["x"]
            .clone();
        let tokio = resolve("tokio", &entry, &workspace, Path::new("/c")).unwrap();
        let features: Vec<&str> = tokio["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(toml::Value::as_str)
            .collect();
        assert_eq!(features, ["rt", "time"]);
        let plain: toml::Value = "x = { workspace = true }".parse::<Table>().unwrap()["x"].clone();
        let testkit = resolve("testkit", &plain, &workspace, Path::new("/c")).unwrap();
        assert_eq!(testkit["path"].as_str(), Some("/c/testkit"));
        assert!(resolve("serde", &plain, &workspace, Path::new("/c")).is_err());
        let local: toml::Value = "x = { path = \"../x\" }".parse::<Table>().unwrap()["x"].clone();
        assert!(resolve("x", &local, &workspace, Path::new("/c")).is_err());
    }

    #[test]
    fn merging_unites_features() {
        let mut deps = Table::new();
        merge(&mut deps, "tokio", "1.4".into());
        let with: toml::Value = "x = { version = \"1.4\", features = [\"time\"] }"
            .parse::<Table>()
            .unwrap()["x"]
            .clone();
        merge(&mut deps, "tokio", with.clone());
        merge(&mut deps, "tokio", with);
        assert_eq!(deps["tokio"]["version"].as_str(), Some("1.4"));
        assert_eq!(deps["tokio"]["features"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn profile_flags_follow_the_dev_profile() {
        let profiles: Table = "[dev]\ndebug = \"line-tables-only\"\n".parse().unwrap();
        let flags = profile_flags(Some(&profiles.into()));
        assert!(flags.contains(&"-Cdebuginfo=line-tables-only".to_owned()));
        assert!(flags.contains(&"-Copt-level=0".to_owned()));
        assert!(profile_flags(None).contains(&"-Cdebuginfo=2".to_owned()));
    }
}
