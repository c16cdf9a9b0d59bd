//! The clauses of an exercise's tasks: the numbered rules of each task's statement in the
//! exercise's README, which hidden tests name.
//!
//! A suite is a specification clause by clause: every sentence of a task that a correct
//! system must honour is a clause, and every clause has a hidden test that names it (see
//! `suite_harness::suite!`). A clause is a list item of the README whose text starts with
//! its id in bold, the task's id and a number:
//!
//! ```markdown
//! 1. **register.1** Every read, write and compare-and-swap takes effect at one instant
//!    between its call and its return.
//! - **register.2** Versions count the updates: 1, 2, 3, ...
//! ```
//!
//! `checker dev verify` compares the two sides: a clause no test names, a test naming a
//! clause the README does not state, and a task that states none are problems.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Exercise;

/// One clause, as the README states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// The task's id.
    pub task: String,
    /// Its number in the task.
    pub number: u32,
    /// The README line it starts on (from 1).
    pub line: usize,
}

impl Clause {
    /// `task.number`.
    pub fn id(&self) -> String {
        format!("{}.{}", self.task, self.number)
    }
}

/// The clauses stated in `readme`, in order.
pub fn parse(readme: &str) -> Vec<Clause> {
    readme
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let id = clause_id(line)?;
            let (task, number) = id.rsplit_once('.')?;
            Some(Clause {
                task: task.to_owned(),
                number: number.parse().ok()?,
                line: index + 1,
            })
        })
        .collect()
}

/// The bold id at the start of a list item, if the line is one: `- **a.1** ...` or
/// `12. **a.1** ...`.
fn clause_id(line: &str) -> Option<&str> {
    let item = line.trim_start();
    let rest = if let Some(rest) = item.strip_prefix("- ").or(item.strip_prefix("* ")) {
        rest
    } else {
        let digits = item.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 {
            return None;
        }
        item[digits..].strip_prefix(". ")?
    };
    let inner = rest.strip_prefix("**")?;
    let id = &inner[..inner.find("**")?];
    let (task, number) = id.rsplit_once('.')?;
    let task_ok = !task.is_empty()
        && task
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let number_ok = !number.is_empty() && number.chars().all(|c| c.is_ascii_digit());
    (task_ok && number_ok).then_some(id)
}

/// The problems between the clauses of `readme` and the clauses the suite's `tests` name
/// (each test's name and the ids it names, such as `register.1`), one line each.
pub fn problems(exercise: &Exercise, readme: &str, tests: &[(String, Vec<String>)]) -> Vec<String> {
    let mut problems = Vec::new();
    let stated = parse(readme);
    let mut ids: BTreeMap<String, &Clause> = BTreeMap::new();
    for clause in &stated {
        if !exercise.tasks.iter().any(|t| t.id == clause.task) {
            problems.push(format!(
                "README line {}: clause {} names no task of the catalog",
                clause.line,
                clause.id()
            ));
        }
        if let Some(first) = ids.insert(clause.id(), clause) {
            problems.push(format!(
                "README line {}: clause {} is stated twice (first on line {})",
                clause.line,
                clause.id(),
                first.line
            ));
        }
    }
    for task in &exercise.tasks {
        if !stated.iter().any(|c| c.task == task.id) {
            problems.push(format!(
                "task {:?} states no clause in the README (list its rules as `- **{}.1** ...`)",
                task.id, task.id
            ));
        }
    }
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for (test, clauses) in tests {
        for id in clauses {
            named.insert(id);
            if !ids.contains_key(id) {
                problems.push(format!(
                    "test {test} names clause {id}, which the README does not state"
                ));
            }
        }
    }
    for (id, clause) in &ids {
        if !named.contains(id.as_str()) {
            problems.push(format!(
                "clause {id} (README line {}) is named by no hidden test",
                clause.line
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    const README: &str = "\
# An exercise

Some prose with **bold** text, and a list:

- not a clause
- **lock** is not one either

## Task 1

1. **register.1** Every operation takes effect at one instant.
2. **register.2** Versions count the updates,
   over two lines.
- **lock.1** One holder at a time.
  * **lock.2** Nested items count.
";

    fn exercise() -> Exercise {
        Catalog::parse(
            "[[exercise]]\nname = \"01_x\"\ntopic = \"x\"\ntitle = \"X\"\n\
             [[exercise.task]]\nid = \"register\"\ntitle = \"R\"\npoints = 1\n\
             [[exercise.task]]\nid = \"lock\"\ntitle = \"L\"\npoints = 1\n",
        )
        .unwrap()
        .exercises
        .remove(0)
    }

    fn named(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        pairs
            .iter()
            .map(|(test, ids)| {
                (
                    (*test).to_owned(),
                    ids.iter().map(|id| (*id).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn clauses_are_bold_ids_at_the_start_of_list_items() {
        let ids: Vec<(String, usize)> = parse(README).iter().map(|c| (c.id(), c.line)).collect();
        assert_eq!(
            ids,
            [
                ("register.1".to_owned(), 10),
                ("register.2".to_owned(), 11),
                ("lock.1".to_owned(), 13),
                ("lock.2".to_owned(), 14),
            ]
        );
    }

    #[test]
    fn every_clause_named_and_every_name_stated_is_no_problem() {
        let tests = named(&[
            ("a", &["register.1", "register.2"]),
            ("b", &["lock.1", "lock.2"]),
        ]);
        assert_eq!(problems(&exercise(), README, &tests), Vec::<String>::new());
    }

    #[test]
    fn unnamed_clauses_unstated_names_and_silent_tasks_are_each_a_line() {
        let tests = named(&[("a", &["register.1", "register.9"]), ("b", &[])]);
        let found = problems(&exercise(), README, &tests);
        assert_eq!(
            found,
            [
                "test a names clause register.9, which the README does not state",
                "clause lock.1 (README line 13) is named by no hidden test",
                "clause lock.2 (README line 14) is named by no hidden test",
                "clause register.2 (README line 11) is named by no hidden test",
            ]
        );
        let silent = "- **register.1** x\n- **register.1** y\n- **cas.1** z\n";
        let found = problems(&exercise(), silent, &named(&[("a", &["register.1"])]));
        assert!(
            found.contains(&"README line 3: clause cas.1 names no task of the catalog".to_owned())
        );
        assert!(found.contains(
            &"README line 2: clause register.1 is stated twice (first on line 1)".to_owned()
        ));
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("task \"lock\" states no clause"))
        );
    }
}
