//! The hidden suite of 07_classification: choosing a consistency level for a use case,
//! placing systems in PACELC, and classifying small histories against the test kit's
//! checkers.

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
