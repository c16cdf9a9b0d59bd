//! The hidden suite of 07_classification: choosing a consistency level for a use case,
//! placing systems in PACELC, and classifying small histories against the test kit's
//! checkers.
//!
//! Every verdict is decided through course-owned code: the answers are values of the
//! given crate's types, read by exhaustive `match`es and field by field, and the
//! histories are made here. The exercise is built without the test kit, so its own
//! checkers cannot be the reference they are compared with.
//!
//! The three tasks are three functions, and each test calls only its own: a mistake in
//! one task costs that task alone. Every setting `choose` and `classify` can meet in
//! scope is enumerated (all 24 requirements, every cluster of up to twelve replicas),
//! and every rule of `histories` has hand-made histories of its own beside the
//! generated ones, so the default run catches each mistake the fixtures hold.
//!
//! | module | what it holds |
//! | --- | --- |
//! | `choose` | the chapter's use cases and every combination of requirements |
//! | `pacelc` | well-known systems, every small cluster, large clusters |
//! | `histories` | what the history tests share: conversion, reference, failure messages |
//! | `explain` | evidence for a verdict, from the history itself |
//! | `cases` | the chapter's histories and hand-made ones, clause by clause |
//! | `generated` | generated histories, a failing one shrunk |

mod cases;
mod choose;
mod explain;
mod generated;
mod histories;
mod model;
mod pacelc;

suite_harness::suite! {
    "choose" => [
        choose::the_chapter_cases_get_their_level [1, 2, 3, 4, 5, 6],
        choose::every_combination_follows_the_framework [1, 2, 3, 4, 5, 6],
    ],
    "pacelc" => [
        pacelc::well_known_systems_land_in_their_class [1, 2, 3, 4],
        pacelc::every_setting_of_up_to_twelve_replicas [1, 2, 3, 4, 5],
        pacelc::large_clusters_on_both_sides_of_the_overlap [3, 4, 5],
    ],
    "histories" => [
        cases::the_chapter_examples_are_classified [4, 5, 6, 7, 8, 9, 10, 12],
        cases::orders_of_all_operations [4, 5],
        cases::happens_before_and_stale_reads [6, 7, 8, 9],
        cases::thin_air_and_cycles [10, 11, 12],
        cases::the_edges_of_the_scope [1, 2, 3],
        generated::generated_histories_agree_with_the_checkers
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    ],
}
