//! The hidden suite of 07_classification: choosing a consistency level for a use case,
//! placing systems in PACELC, and classifying small histories against the test kit's
//! checkers.
//!
//! Every verdict is decided through course-owned code: the answers are values of the
//! given crate's types, read by exhaustive `match`es and field by field, and the
//! histories are made here. The exercise is built without the test kit, so its own
//! checkers cannot be the reference they are compared with.

mod choose;
mod histories;
mod pacelc;

suite_harness::suite! {
    "choose" => [
        choose::the_chapter_cases_get_their_level,
        choose::every_combination_follows_the_framework,
    ],
    "pacelc" => [
        pacelc::well_known_systems_land_in_their_class,
        pacelc::quorum_overlap_decides_normal_operation,
    ],
    "histories" => [
        histories::the_chapter_examples_are_classified,
        histories::generated_histories_agree_with_the_checkers,
    ],
}
