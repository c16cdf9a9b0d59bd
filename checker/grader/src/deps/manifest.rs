//! The grader's dependency package, written from the course's manifests: each
//! dependency the suites use or a skeleton declares, resolved against the course's
//! `[workspace.dependencies]` (as the runner resolves them, see
//! [`checker_core::runner::manifest::resolve`]), with the course's profiles; and the compiler
//! flags that match those profiles.

use toml::Table;

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
    fn profile_flags_follow_the_dev_profile() {
        let profiles: Table = "[dev]\ndebug = \"line-tables-only\"\n".parse().unwrap();
        let flags = profile_flags(Some(&profiles.into()));
        assert!(flags.contains(&"-Cdebuginfo=line-tables-only".to_owned()));
        assert!(flags.contains(&"-Copt-level=0".to_owned()));
        assert!(profile_flags(None).contains(&"-Cdebuginfo=2".to_owned()));
    }
}
