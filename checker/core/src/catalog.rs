//! The catalog of the course: `checker/catalog.toml`.
//!
//! It lists the exercises in the order a student takes them. Each has a folder name (the
//! same under `exercises/`, `solutions/` and `checker/suites/`), a topic, a title, its
//! tasks, each with an id, a title, points and its own hints in stages, the gentlest first
//! (a hint of one task never gives away another):
//!
//! ```toml
//! [[exercise]]
//! name = "01_linearizable"
//! topic = "linearizable"
//! title = "A linearizable register with compare-and-swap"
//!
//! [[exercise.task]]
//! id = "register"
//! title = "Reads, writes and compare-and-swap are linearizable"
//! points = 10
//! hints = [
//!     "What must a read return if a write finished before the read began?",
//!     "Keep the value and its version under one lock.",
//! ]
//! ```
//!
//! Two optional fields say what the exercise is built with beyond the student's code:
//!
//! ```toml
//! # Files a submission may still hold that the course gives in the exercise's given
//! # crate: a copy is never used, and the report says so.
//! given = ["src/cluster.rs"]
//! # Course crates the exercise is built without, and why: code that names one is told.
//! withheld = { testkit = "its checkers are what your own are compared with" }
//! ```
//!
//! Loading checks what a typo would otherwise turn into a confusing failure later:
//! unknown fields, repeated names or task ids, tasks without points, exercises without
//! tasks.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;

/// The whole course, in order.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The exercises, in the order they are taken.
    #[serde(rename = "exercise", default)]
    pub exercises: Vec<Exercise>,
}

/// One exercise.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The folder name, such as `01_linearizable`.
    pub name: String,
    /// The topic, such as `linearizable`, `cap` or `causal`.
    pub topic: String,
    /// A one-line title.
    pub title: String,
    /// What is graded.
    #[serde(rename = "task")]
    pub tasks: Vec<Task>,
    /// Files, relative to the exercise folder, that the course gives in the exercise's
    /// given crate: a submission's copy of one is not used.
    #[serde(default)]
    pub given: Vec<String>,
    /// Course crates the exercise is built without, each with the reason.
    #[serde(default)]
    pub withheld: BTreeMap<String, String>,
}

/// One graded task of an exercise.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// A short id, unique in its exercise, that hidden tests name.
    pub id: String,
    /// What the task asks, in one line.
    pub title: String,
    /// What it is worth.
    pub points: u32,
    /// Hints about this task alone, gentlest first; `checker hint` reveals one more
    /// each time.
    #[serde(default)]
    pub hints: Vec<String>,
}

impl Exercise {
    /// The points of all tasks.
    pub fn points(&self) -> u32 {
        self.tasks.iter().map(|t| t.points).sum()
    }

    /// One line per given file that the copy in `dir` holds: that copy is not used.
    pub fn unused_copies(&self, dir: &Path) -> Vec<String> {
        self.given
            .iter()
            .filter(|file| dir.join(file).exists())
            .map(|file| {
                format!(
                    "your copy of {file} is not used; the course's is (given/{}/)",
                    self.name
                )
            })
            .collect()
    }

    /// The lines the checker adds to the compiler's `errors`: why a withheld crate
    /// cannot be used, and that the course's given types cannot be replaced by the
    /// student's own.
    pub fn compile_notes(&self, errors: &str) -> Vec<String> {
        let mut notes: Vec<String> = self.withheld_note(errors).into_iter().collect();
        let given = format!("{}_given::", crate_key(&self.name));
        if errors.contains("expected") && errors.contains(&given) {
            notes.push(format!(
                "the hidden suite uses the course's types from given/{}/ ({given}...): keep \
                 the skeleton's `pub use` of them, as a type of your own of the same name \
                 cannot stand in for one",
                self.name
            ));
        }
        notes
    }

    /// One line saying why the code cannot use a withheld crate, when the compiler's
    /// `errors` name one.
    pub fn withheld_note(&self, errors: &str) -> Option<String> {
        self.withheld
            .iter()
            .find(|(krate, _)| errors.contains(&format!("`{krate}`")))
            .map(|(krate, why)| format!("{} is built without `{krate}`: {why}", self.name))
    }
}

/// The name suites use for an exercise's crate: the exercise name without its leading
/// number, with `-` as `_` (`01_linearizable` -> `linearizable`), because crate names
/// cannot start with a digit and a course numbers its exercises.
pub fn crate_key(exercise: &str) -> String {
    exercise
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['_', '-'])
        .replace('-', "_")
}

/// Why the catalog could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// Reads and checks the catalog at `path`.
    pub fn load(path: &Path) -> Result<Catalog, CatalogError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CatalogError(format!("{}: cannot read it: {e}", path.display())))?;
        Catalog::parse(&text).map_err(|e| CatalogError(format!("{}: {e}", path.display())))
    }

    /// Parses and checks catalog text.
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = toml::from_str(text).map_err(|e| {
            let mut why = e.to_string().lines().collect::<Vec<_>>().join(" ");
            if why.contains("unknown field `hints`") {
                why.push_str(
                    " (hints belong to tasks: move each into the [[exercise.task]] it helps with)",
                );
            }
            CatalogError(why)
        })?;
        catalog.validate()?;
        Ok(catalog)
    }

    fn validate(&self) -> Result<(), CatalogError> {
        let mut names = HashSet::new();
        for ex in &self.exercises {
            let bad = |what: String| Err(CatalogError(format!("exercise {:?}: {what}", ex.name)));
            if ex.name.is_empty()
                || !ex
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return bad(
                    "the name must be a folder name of letters, digits, '_' and '-'".into(),
                );
            }
            if !names.insert(ex.name.as_str()) {
                return bad("the name appears twice".into());
            }
            if ex.tasks.is_empty() {
                return bad("it has no [[exercise.task]]".into());
            }
            for file in &ex.given {
                let path = Path::new(file);
                if path.is_absolute()
                    || path
                        .components()
                        .any(|c| !matches!(c, std::path::Component::Normal(_)))
                {
                    return bad(format!(
                        "given file {file:?} must be a path inside the exercise folder"
                    ));
                }
            }
            let mut ids = HashSet::new();
            for t in &ex.tasks {
                if !ids.insert(t.id.as_str()) {
                    return bad(format!("task id {:?} appears twice", t.id));
                }
                if t.points == 0 {
                    return bad(format!("task {:?} is worth 0 points", t.id));
                }
            }
        }
        Ok(())
    }

    /// The exercises `names` name ([`Catalog::find`] each), or all of them when `names` is
    /// empty: what a command over "these exercises, or the whole course" works on.
    pub fn select(&self, names: &[String]) -> Result<Vec<&Exercise>, CatalogError> {
        if names.is_empty() {
            return Ok(self.exercises.iter().collect());
        }
        names.iter().map(|n| self.find(n)).collect()
    }

    /// The exercise named `name`. Also accepts its number (`1`, `01`) or its topic when
    /// only one exercise has it. Otherwise an error that suggests the closest name.
    pub fn find(&self, name: &str) -> Result<&Exercise, CatalogError> {
        if let Some(ex) = self.exercises.iter().find(|e| e.name == name) {
            return Ok(ex);
        }
        let by_number: Vec<&Exercise> = match name.parse::<u32>() {
            Ok(n) => self
                .exercises
                .iter()
                .filter(|e| number(&e.name) == Some(n))
                .collect(),
            Err(_) => Vec::new(),
        };
        let by_topic: Vec<&Exercise> = self.exercises.iter().filter(|e| e.topic == name).collect();
        for found in [by_number, by_topic] {
            if let [one] = found[..] {
                return Ok(one);
            }
        }
        if let Ok(n) = name.parse::<u32>() {
            let numbers: Vec<u32> = self
                .exercises
                .iter()
                .filter_map(|e| number(&e.name))
                .collect();
            return Err(CatalogError(
                match (numbers.iter().min(), numbers.iter().max()) {
                    (Some(low), Some(high)) => format!(
                        "no exercise numbered {n}: the course's exercises are numbered {low} to \
                     {high} (`checker list` shows them)"
                    ),
                    _ => {
                        format!("no exercise numbered {n}: the course's exercises have no numbers")
                    }
                },
            ));
        }
        let closest = self
            .exercises
            .iter()
            .min_by_key(|e| distance(&e.name, name).min(distance(&e.topic, name)));
        Err(CatalogError(match closest {
            Some(e) => format!(
                "no exercise named {name:?}; did you mean {:?}? (`checker list` shows them all)",
                e.name
            ),
            None => format!("no exercise named {name:?}: the course has no exercises yet"),
        }))
    }

    /// The task of `exercise` whose id is `id`, or an error listing the ids there are.
    pub fn task<'e>(exercise: &'e Exercise, id: &str) -> Result<&'e Task, CatalogError> {
        exercise.tasks.iter().find(|t| t.id == id).ok_or_else(|| {
            let ids: Vec<&str> = exercise.tasks.iter().map(|t| t.id.as_str()).collect();
            CatalogError(format!(
                "{} has no task {id:?}; its tasks are {}",
                exercise.name,
                ids.join(", ")
            ))
        })
    }

    /// The exercise after `name`, if any.
    pub fn after(&self, name: &str) -> Option<&Exercise> {
        let i = self.exercises.iter().position(|e| e.name == name)?;
        self.exercises.get(i + 1)
    }
}

/// The number an exercise name starts with (`01_linearizable` -> 1).
fn number(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Levenshtein distance, for suggestions.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const TWO: &str = r#"
        [[exercise]]
        name = "01_linearizable"
        topic = "linearizable"
        title = "A register"
        [[exercise.task]]
        id = "register"
        title = "Reads and writes"
        points = 10
        hints = ["first", "second"]
        [[exercise.task]]
        id = "lock"
        title = "A lock"
        points = 5

        [[exercise]]
        name = "02_cap"
        topic = "cap"
        title = "CAP"
        [[exercise.task]]
        id = "cp"
        title = "CP refuses"
        points = 10
    "#;

    #[test]
    fn reads_exercises_in_order_with_tasks_and_hints() {
        let c = Catalog::parse(TWO).unwrap();
        let names: Vec<&str> = c.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["01_linearizable", "02_cap"]);
        assert_eq!(c.exercises[0].points(), 15);
        assert_eq!(c.exercises[0].tasks[0].hints, ["first", "second"]);
        assert!(c.exercises[0].tasks[1].hints.is_empty());
        assert_eq!(Catalog::task(&c.exercises[0], "lock").unwrap().points, 5);
        let err = Catalog::task(&c.exercises[0], "locks").unwrap_err();
        assert_eq!(
            err.0,
            "01_linearizable has no task \"locks\"; its tasks are register, lock"
        );
        assert_eq!(c.after("01_linearizable").unwrap().name, "02_cap");
        assert!(c.after("02_cap").is_none());
    }

    #[test]
    fn finds_by_name_number_or_topic_and_suggests_the_closest() {
        let c = Catalog::parse(TWO).unwrap();
        assert_eq!(c.find("02_cap").unwrap().name, "02_cap");
        assert_eq!(c.find("1").unwrap().name, "01_linearizable");
        assert_eq!(c.find("cap").unwrap().name, "02_cap");
        let err = c.find("linearisable").unwrap_err();
        assert!(err.0.contains("did you mean \"01_linearizable\"?"), "{err}");
        // A number out of range is not "close" to any name.
        let err = c.find("8").unwrap_err();
        assert_eq!(
            err.0,
            "no exercise numbered 8: the course's exercises are numbered 1 to 2 (`checker list` shows them)"
        );
    }

    #[test]
    fn given_copies_and_withheld_crates_are_told_in_one_line() {
        let text = TWO.replace(
            "title = \"CAP\"",
            "title = \"CAP\"\ngiven = [\"src/cluster.rs\", \"src/store.rs\"]\n\
             withheld = { testkit = \"write your own checkers\" }",
        );
        let c = Catalog::parse(&text).unwrap();
        let cap = &c.exercises[1];
        let dir = std::env::temp_dir().join(format!("catalog-given-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/cluster.rs"), "").unwrap();
        assert_eq!(
            cap.unused_copies(&dir),
            ["your copy of src/cluster.rs is not used; the course's is (given/02_cap/)"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
        let errors = "error[E0433]: failed to resolve: use of unresolved module or unlinked \
                      crate `testkit`";
        assert_eq!(
            cap.withheld_note(errors).as_deref(),
            Some("02_cap is built without `testkit`: write your own checkers")
        );
        assert_eq!(cap.withheld_note("error: mismatched types"), None);
        let shadowed = "error[E0308]: mismatched types\n  = note: expected `cap_given::Response`, \
                        found `cap::Response`";
        let notes = cap.compile_notes(shadowed);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("the hidden suite uses the course's types from given/02_cap/")
        );
        assert_eq!(cap.compile_notes(errors).len(), 1);
        assert!(c.exercises[0].unused_copies(&dir).is_empty());
    }

    #[test]
    fn mistakes_in_the_catalog_are_named() {
        let cases = [
            (
                TWO.replace("id = \"lock\"", "id = \"register\""),
                "task id \"register\" appears twice",
            ),
            (TWO.replace("points = 5", "points = 0"), "worth 0 points"),
            (
                TWO.replace("02_cap", "01_linearizable"),
                "the name appears twice",
            ),
            (
                TWO.replace("title = \"CAP\"", "title = \"CAP\"\nlevel = 3"),
                "unknown field `level`",
            ),
            (
                TWO.replace("title = \"CAP\"", "title = \"CAP\"\nhints = [\"x\"]"),
                "hints belong to tasks",
            ),
            (
                TWO.replace("name = \"02_cap\"", "name = \"02 cap\""),
                "folder name",
            ),
            (
                TWO.replace("title = \"CAP\"", "title = \"CAP\"\ngiven = [\"../x.rs\"]"),
                "given file \"../x.rs\" must be a path inside the exercise folder",
            ),
        ];
        for (text, expected) in cases {
            let err = Catalog::parse(&text).unwrap_err();
            assert!(err.0.contains(expected), "{err} should say {expected}");
        }
    }
}
